// What a device error means for the session: out of memory (the run fails, the next may work) or
// a sticky CUDA error (the CUDA context is broken: that device stays unusable until the process
// restarts, while other devices keep working). A process-wide registry remembers the latter.
#pragma once

#include <optional>
#include <string>

namespace tb {

enum class DeviceErrorKind {
  Other,        // not a device problem TrainBench knows how to read
  OutOfMemory,  // an allocation failed (GPU or CPU)
  Sticky,       // the CUDA context is corrupted: illegal address, device-side assert, ...
};

// Reads a LibTorch/c10 error message (without its backtrace).
DeviceErrorKind classifyDeviceError(const std::string& message);

// The size the failed allocation asked for, as the message gives it ("2.00 GiB"; plain byte
// counts become "1.50 GiB"); std::nullopt when the message does not say.
std::optional<std::string> attemptedAllocation(const std::string& message);

// "out of memory on cuda:0: tried to allocate 2.00 GiB (79.19 GiB in total); a batch smaller
// than 2048, or fewer training images (...), may fit" from an out-of-memory message; `batchSize`
// 0 where unknown.
std::string outOfMemoryMessage(const std::string& deviceId, const std::string& message,
                               int batchSize = 0);

// The registry of devices a sticky error has made unusable for the rest of the process.
void markDeviceUnusable(const std::string& deviceId, const std::string& reason);
std::optional<std::string> deviceUnusableReason(const std::string& deviceId);
void forgetUnusableDevices();  // tests only: a fresh session

// The first line of a (possibly multi-line) error message, trimmed.
std::string firstLine(const std::string& message);

// What a run that failed with `message` on `deviceId` records: a device failure with a message a
// user can act on (out of memory; a sticky CUDA error, which also retires the device for the rest
// of the process, so later runs fail fast and clearly), or a run failure with the message as is.
struct RunFailure {
  bool deviceFault = false;
  std::string message;
};
RunFailure describeRunFailure(const std::string& deviceId, bool cuda, const std::string& message,
                              int batchSize = 0);

}  // namespace tb
