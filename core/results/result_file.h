// Reading and writing result files (JSON, schema "trainbench-result/1", see docs/result-format.md).
#pragma once

#include "results/run_result.h"

#include <cstddef>
#include <cstdint>
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
// The same run: every recorded field alike (a file and its copy, or one file opened twice).
bool sameRun(const RunResult& a, const RunResult& b);

// Writes atomically: a temporary file in the same folder, flushed, then renamed over `path`.
// A failure leaves any existing file at `path` untouched. Throws ResultFileError.
void writeResultFile(const RunResult& result, const std::string& path);
// Like writeResultFile, but never replaces anything: the finished file is linked to `path`,
// which fails when a file of that name exists, even one another process created a moment ago.
// Returns false when the name is taken. Throws ResultFileError on any other failure.
bool writeNewResultFile(const RunResult& result, const std::string& path);
// The same for a result's JSON text (imports copy the very bytes they validated).
bool writeNewResultText(const std::string& text, const std::string& path);
// Saves under the first free one of `path`, "<stem>_2<ext>", "<stem>_3<ext>", ... (claimed
// atomically, see writeNewResultFile) and returns the path used. Throws ResultFileError.
std::string saveResultUnderFreeName(const RunResult& result, const std::string& path);
// `path` with "<separator>N" before its extension; `path` itself for n <= 1.
std::string numberedPath(const std::string& path, int n, const std::string& separator);
inline constexpr int kMaxNameSuffix = 999;

// Checks, before a run starts, that results can be saved in `folder`: creates it if needed,
// then fails when it is not a folder, a file cannot be created there (read-only, permissions),
// it has less than kMinFreeBytesForResults free or the process's file size limit is below that,
// and when `fileName`, the result's name where
// one is chosen, is too long for a file name. Throws ResultFileError naming the folder or file.
void checkResultsFolder(const std::string& folder, const std::string& fileName = {});
inline constexpr std::uint64_t kMinFreeBytesForResults = 4u * 1024u * 1024u;
// Deletes the temporary files that saves on this machine left behind when their process died
// (their names carry the writer's pid and host). Best effort; never touches anything else.
void removeAbandonedTempFiles(const std::string& folder);
// Reads at most kMaxResultFileBytes; anything larger is rejected. Throws ResultFileError.
RunResult readResultFile(const std::string& path);
// readResultFile's bytes, unparsed (an import validates and copies the very same bytes): regular
// files only, opened without blocking, at most kMaxResultFileBytes. Throws ResultFileError.
std::string readResultText(const std::string& path);

inline constexpr std::size_t kMaxResultFileBytes = 64u * 1024u * 1024u;

// A file name for a result, e.g. "20261126T143000Z_fashion-mlp_cuda-0.json": the creation time
// without '-' and ':', the workload and the device id, each reduced to [A-Za-z0-9._-].
std::string defaultResultFileName(const RunResult& result);

}  // namespace tb
