// Reading and writing result files (JSON, schema "trainbench-result/1", see docs/result-format.md).
#pragma once

#include "results/run_result.h"

#include <cstddef>
#include <stdexcept>
#include <string>

namespace tb {

// Thrown when a result file cannot be read or is not a valid result; what() names the file.
class ResultFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Non-finite doubles are written as null (JSON has no NaN); see docs/result-format.md.
std::string toJson(const RunResult& result, int indent = 2);
// `sourceName` (usually the path) starts every error message. Throws ResultFileError.
RunResult fromJson(const std::string& json, const std::string& sourceName);

// Writes atomically: a temporary file in the same folder, flushed, then renamed over `path`.
// A failure leaves any existing file at `path` untouched. Throws ResultFileError.
void writeResultFile(const RunResult& result, const std::string& path);
// Reads at most kMaxResultFileBytes; anything larger is rejected. Throws ResultFileError.
RunResult readResultFile(const std::string& path);

inline constexpr std::size_t kMaxResultFileBytes = 64u * 1024u * 1024u;

// A file name for a result, e.g. "20261126T143000Z_fashion-mlp_cuda-0.json": the creation time
// without '-' and ':', the workload and the device id, each reduced to [A-Za-z0-9._-].
std::string defaultResultFileName(const RunResult& result);

}  // namespace tb
