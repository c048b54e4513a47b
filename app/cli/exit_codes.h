// trainbench-cli's documented exit codes (README.md, `trainbench-cli --help`).
#pragma once

namespace tb::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 2;      // bad flags or arguments
inline constexpr int kExitData = 3;       // missing or malformed data or result files
// unknown or unavailable device, unsupported precision; a device fault: out of memory, a broken
// CUDA context
inline constexpr int kExitDevice = 4;
inline constexpr int kExitRunFailed = 5;  // training failed (diverged, a rank lost, ...)
inline constexpr int kExitCancelled = 130;  // Ctrl-C, as shells report SIGINT
// The reader of standard output went away before it was written (`| head`): as shells report a
// tool that SIGPIPE ended, with nothing said, since that reader took all it wanted.
inline constexpr int kExitReaderGone = 141;

}  // namespace tb::cli
