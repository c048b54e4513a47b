// MD5 through OpenSSL's EVP interface, streamed so a 170 MB archive needs no more than a buffer.
#include "data/download_checksum.h"

#ifdef TRAINBENCH_WITH_DOWNLOADS

#include "io/regular_file.h"

#include <openssl/evp.h>

#include <cstdio>
#include <memory>
#include <stdexcept>
#include <vector>

namespace tb {

std::string md5OfFile(const std::string& path) {
  // Regular files only, opened without blocking: `data status --verify` must not hang on a FIFO.
  std::string error;
  FileDescriptor fd = openRegularFile(path, error);
  if (!fd.valid()) throw std::runtime_error(path + ": cannot read the file to check it: " + error);
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(::fdopen(fd.get(), "rb"),
                                                             &std::fclose);
  if (!file) throw std::runtime_error(path + ": cannot read the file to check it");
  fd.release();  // fclose closes it from now on
  const std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> context(EVP_MD_CTX_new(),
                                                                   &EVP_MD_CTX_free);
  if (!context || EVP_DigestInit_ex(context.get(), EVP_md5(), nullptr) != 1) {
    throw std::runtime_error("MD5 is not available from OpenSSL");
  }
  std::vector<unsigned char> buffer(1 << 20);
  std::size_t count = 0;
  while ((count = std::fread(buffer.data(), 1, buffer.size(), file.get())) > 0) {
    EVP_DigestUpdate(context.get(), buffer.data(), count);
  }
  if (std::ferror(file.get())) throw std::runtime_error(path + ": read error while checking it");
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(context.get(), digest, &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xf];
  }
  return hex;
}

}  // namespace tb

#else
#include <stdexcept>

namespace tb {

std::string md5OfFile(const std::string& path) {
  throw std::runtime_error(path + ": cannot check the file: this build has no checksum support "
                           "(built without OpenSSL)");
}

}  // namespace tb
#endif
