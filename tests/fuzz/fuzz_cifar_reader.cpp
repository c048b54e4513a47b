// Fuzz target: the CIFAR-10 binary reader on batch files and on tar.gz archives (libarchive).
// The first byte picks the form; one record per file keeps valid inputs small enough to find.
#include "data/cifar_reader.h"

#include "fuzz_input_file.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t mode = data[0] % 4;
  const std::uint8_t* body = data + 1;
  const std::size_t bodySize = size - 1;
  constexpr std::int64_t kRecords = 1;
  try {
    if (mode == 0) {
      tb::parseCifarBatch(body, bodySize, "fuzz", kRecords);
    } else if (mode == 1) {
      tb::readCifarBatch(tbfuzz::writeScratch(body, bodySize), kRecords);
    } else if (mode == 2) {
      tb::readCifarArchive(tbfuzz::writeScratch(body, bodySize), kRecords);
    } else {
      // A plain tar, gzip-compressed here, so tar headers are fuzzed behind the decompressor.
      const std::string gz = tbfuzz::gzip(body, bodySize);
      tb::readCifarArchive(tbfuzz::writeScratch(gz.data(), gz.size()), kRecords);
    }
  } catch (const tb::DataError&) {
    // The documented way to refuse a file; anything else escaping is a finding.
  }
  return 0;
}
