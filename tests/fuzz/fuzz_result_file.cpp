// Fuzz target: the result-file reader (readResultFile, i.e. fromJson after the size cap). A file
// it accepts must also survive being written and read again, as the app re-saves imported runs.
#include "results/result_file.h"

#include "fuzz_input_file.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  tb::RunResult result;
  try {
    result = tb::readResultFile(tbfuzz::writeScratch(data, size));
  } catch (const tb::ResultFileError&) {
    return 0;  // the documented way to refuse a file
  }
  const std::string written = tb::toJson(result);
  try {
    tb::fromJson(written, "rewritten");
  } catch (const tb::ResultFileError& error) {
    std::fprintf(stderr, "accepted result does not read back after writing: %s\n", error.what());
    std::abort();
  }
  return 0;
}
