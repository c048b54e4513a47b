// Device strings as users type them ("cpu", "cuda", "cuda:1", "mps") and what this build can use.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace tb {

// Thrown for an unknown or unavailable device; what() lists the available ones.
class DeviceError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class DeviceKind { Cpu, Cuda, Mps };

// "cpu", "cuda", "mps": the words device ids, result files and `devices --json` use.
const char* toString(DeviceKind kind);
// The kind a result file records (DeviceRecord::kind); nothing for a word this build does not know.
std::optional<DeviceKind> parseDeviceKind(const std::string& text);

struct DeviceId {
  DeviceKind kind = DeviceKind::Cpu;
  int index = -1;           // cuda only; "cuda" alone means index 0
  std::string str() const;  // canonical form: "cpu", "cuda:0", "mps"
};

// Syntax only (no availability check). Throws DeviceError.
DeviceId parseDeviceId(const std::string& text);

// `text` as the rest of the program compares it: "CPU" is "cpu", "gpu:1" and "Cuda:01" are
// "cuda:1". "cuda" and "gpu" stay "cuda", without an index: a data-parallel rank reads that as
// its own GPU. Text that is no device comes back unchanged, for the error that names it.
std::string canonicalDeviceText(const std::string& text);

// Canonical ids of the devices this LibTorch build can use on this machine, CPU first.
std::vector<std::string> availableDevices();

// A human-readable name: the CPU model, or the GPU's name where this build can tell it.
std::string deviceDisplayName(const DeviceId& id);

// Parses `text` and checks it against availableDevices() and the devices a sticky CUDA error
// made unusable (devices/device_health.h). Throws DeviceError saying why.
DeviceId resolveDevice(const std::string& text);

}  // namespace tb
