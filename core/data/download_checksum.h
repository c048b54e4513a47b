// Checksums of downloaded files (OpenSSL's libcrypto), as datasets publish them.
#pragma once

#include <string>

namespace tb {

// The MD5 of the file at `path` as lower-case hex. Throws std::runtime_error naming the file
// when it cannot be read.
std::string md5OfFile(const std::string& path);

}  // namespace tb
