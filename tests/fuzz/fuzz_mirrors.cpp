// Fuzz target: the mirror list ($TRAINBENCH_MIRROR), the URLs built from it and the download
// folder built from --data-dir. Checks what the downloader relies on: every mirror is a prefix
// ending in '/', and a URL's origin is a prefix of the URL.
#include "data/dataset_sources.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>

namespace tb {
// The registry's data paths and the checksum code are not under test here, and pulling them in
// would link LibTorch and OpenSSL into this small target.
std::string defaultDataRoot() { return "/nonexistent/trainbench/datasets"; }
std::optional<std::string> findDatasetFolder(const std::string&, const std::string&) {
  return std::nullopt;
}
std::string md5OfFile(const std::string&) { return {}; }
}  // namespace tb

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (const tb::DatasetSource& source : tb::datasetSources()) {
    for (const std::string& mirror : tb::mirrorsFor(source, text)) {
      if (mirror.empty() || mirror.back() != '/') std::abort();
      for (const tb::SourceFile& file : source.files) {
        const std::string url = mirror + file.name;
        const std::string origin = tb::urlOrigin(url);
        if (url.compare(0, origin.size(), origin) != 0) std::abort();
      }
    }
    tb::datasetTargetFolder(source.dataset, text);
  }
  tb::urlOrigin(text);
  return 0;
}
