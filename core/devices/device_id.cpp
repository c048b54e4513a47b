#include "devices/device_id.h"

#include "devices/device_facts.h"
#include "devices/device_health.h"
#include "devices/system_info.h"
#include "util/text.h"

#include <torch/cuda.h>
#include <ATen/Context.h>

#include <algorithm>
#include <cctype>
#include <utility>

namespace tb {

namespace {

bool allDigits(const std::string& text) {
  return !text.empty() && text.size() <= 4 &&
         std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
}

}  // namespace

// The one list of device kind names.
constexpr std::pair<DeviceKind, const char*> kDeviceKindNames[] = {
    {DeviceKind::Cpu, "cpu"},
    {DeviceKind::Cuda, "cuda"},
    {DeviceKind::Mps, "mps"},
};

const char* toString(DeviceKind kind) {
  for (const auto& [candidate, name] : kDeviceKindNames) {
    if (candidate == kind) return name;
  }
  return "cpu";  // unreachable for valid enum values
}

std::optional<DeviceKind> parseDeviceKind(const std::string& text) {
  for (const auto& [kind, name] : kDeviceKindNames) {
    if (text == name) return kind;
  }
  return std::nullopt;
}

std::string DeviceId::str() const {
  const std::string name = toString(kind);
  return kind == DeviceKind::Cuda ? name + ":" + std::to_string(index) : name;
}

DeviceId parseDeviceId(const std::string& text) {
  const std::string lower = asciiLower(text);
  if (lower == "cpu") return DeviceId{DeviceKind::Cpu, -1};
  if (lower == "mps") return DeviceId{DeviceKind::Mps, -1};
  if (lower == "cuda" || lower == "gpu") return DeviceId{DeviceKind::Cuda, 0};
  for (const std::string prefix : {"cuda:", "gpu:"}) {
    if (lower.rfind(prefix, 0) == 0 && allDigits(lower.substr(prefix.size()))) {
      return DeviceId{DeviceKind::Cuda, std::stoi(lower.substr(prefix.size()))};
    }
  }
  throw DeviceError("unknown device '" + text +
                    "': expected cpu, cuda, cuda:N or mps (available here: " +
                    joined(availableDevices()) + ")");
}

std::string canonicalDeviceText(const std::string& text) {
  const std::string lower = asciiLower(text);
  if (lower == "cuda" || lower == "gpu") return "cuda";
  try {
    return parseDeviceId(text).str();
  } catch (const DeviceError&) {
    return text;
  }
}

std::vector<std::string> availableDevices() {
  std::vector<std::string> devices{"cpu"};
  if (torch::cuda::is_available()) {
    const auto count = static_cast<int>(torch::cuda::device_count());
    for (int i = 0; i < count; ++i) devices.push_back("cuda:" + std::to_string(i));
  }
  if (at::hasMPS()) devices.push_back("mps");
  return devices;
}

std::string deviceDisplayName(const DeviceId& id) {
  if (id.kind == DeviceKind::Cpu) return cpuModelName();
  return deviceFacts(id).name;
}

DeviceId resolveDevice(const std::string& text) {
  const DeviceId id = parseDeviceId(text);
  const auto available = availableDevices();
  if (std::find(available.begin(), available.end(), id.str()) == available.end()) {
    std::string why = "device '" + text + "' is not available";
    if (id.kind == DeviceKind::Cuda && !torch::cuda::is_available()) {
      why += " (this LibTorch build or machine has no CUDA GPU)";
    } else if (id.kind == DeviceKind::Mps) {
      why += " (Apple's GPU needs a macOS build of LibTorch)";
    }
    throw DeviceError(why + "; available devices: " + joined(available));
  }
  if (const auto reason = deviceUnusableReason(id.str())) {
    throw DeviceError(id.str() + " is unusable until TrainBench restarts, after a CUDA error it " +
                      "cannot recover from (" + *reason + "); other devices still work");
  }
  return id;
}

}  // namespace tb
