// Fuzz target: the IDX reader (MNIST, Fashion-MNIST) on plain and gzip files. The first byte picks
// images or labels and whether the rest is written as is (plain, or raw gzip from the corpus) or
// gzip-compressed first, so the header and payload checks behind zlib are reached as well.
#include "data/idx_reader.h"

#include "fuzz_input_file.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t mode = data[0];
  const std::uint8_t* body = data + 1;
  const std::size_t bodySize = size - 1;
  if ((mode & 1) != 0) {
    const std::string gz = tbfuzz::gzip(body, bodySize);
    tbfuzz::writeScratch(gz.data(), gz.size());
  } else {
    tbfuzz::writeScratch(body, bodySize);
  }
  try {
    if ((mode & 2) != 0) {
      tb::readIdxLabels(tbfuzz::scratchPath());
    } else {
      // 0 x 0: any image size, so odd headers reach the payload checks.
      tb::readIdxImages(tbfuzz::scratchPath(), /*expectedRows=*/0, /*expectedCols=*/0);
    }
  } catch (const tb::DataError&) {
    // The documented way to refuse a file; anything else escaping is a finding.
  }
  return 0;
}
