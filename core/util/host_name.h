// This machine's name, for results, rank messages and file names; header-only, so that the
// parsers' fuzz targets (tests/fuzz) build without the rest of the core.
#pragma once

#include <unistd.h>

#include <string>

namespace tb {

// This machine's name as gethostname(2) gives it; "unknown" where it fails.
inline std::string hostName() {
  char buffer[256] = {};
  if (gethostname(buffer, sizeof buffer - 1) != 0) return "unknown";
  return buffer;
}

}  // namespace tb
