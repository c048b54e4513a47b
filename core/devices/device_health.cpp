// Error classification by message: c10 raises CUDA failures as c10::Error (OutOfMemoryError in
// LibTorch 2.x) with CUDA's own wording, which is stable across versions.
#include "devices/device_health.h"

#include "util/text.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <mutex>
#include <regex>

namespace tb {

namespace {

bool containsAny(const std::string& text, std::initializer_list<const char*> phrases) {
  return std::any_of(phrases.begin(), phrases.end(), [&text](const char* phrase) {
    return text.find(phrase) != std::string::npos;
  });
}

std::string humanBytes(double bytes) {
  const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
  int unit = 0;
  while (bytes >= 1024.0 && unit < 4) {
    bytes /= 1024.0;
    ++unit;
  }
  char buffer[32];
  if (unit == 0) {
    std::snprintf(buffer, sizeof buffer, "%.0f bytes", bytes);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.2f %s", bytes, units[unit]);
  }
  return buffer;
}

std::mutex g_mutex;
std::map<std::string, std::string>& unusable() {
  static std::map<std::string, std::string> devices;
  return devices;
}

}  // namespace

DeviceErrorKind classifyDeviceError(const std::string& message) {
  const std::string text = asciiLower(message);
  if (containsAny(text, {"out of memory", "cublas_status_alloc_failed", "cudnn_status_alloc_failed",
                         "defaultcpuallocator: not enough memory",
                         "defaultcpuallocator: can't allocate memory", "std::bad_alloc"})) {
    return DeviceErrorKind::OutOfMemory;
  }
  // CUDA errors after which every later call on that context fails (cudaErrorIllegalAddress,
  // cudaErrorAssert, cudaErrorLaunchFailure, ...): CUDA's documentation calls them sticky.
  if (containsAny(text,
                  {"illegal memory access", "device-side assert", "unspecified launch failure",
                   "misaligned address", "illegal instruction", "hardware stack error",
                   "invalid program counter", "launch timed out", "uncorrectable ecc error"})) {
    return DeviceErrorKind::Sticky;
  }
  return DeviceErrorKind::Other;
}

std::optional<std::string> attemptedAllocation(const std::string& message) {
  // CUDA: "Tried to allocate 2.00 GiB"; MPS: "Tried to allocate 256 bytes on shared pool";
  // CPU: "you tried to allocate 1099511627776 bytes".
  static const std::regex sized(R"(tried to allocate ([0-9]+(?:\.[0-9]+)?) ?([KMGT]i?B|bytes))",
                                std::regex::icase);
  std::smatch match;
  if (!std::regex_search(message, match, sized)) return std::nullopt;
  if (asciiLower(match[2].str()) == "bytes") return humanBytes(std::stod(match[1].str()));
  return match[1].str() + " " + match[2].str();
}

std::string outOfMemoryMessage(const std::string& deviceId, const std::string& message,
                               int batchSize) {
  std::string text = "out of memory on " + deviceId;
  if (const auto size = attemptedAllocation(message)) text += ": tried to allocate " + *size;
  // LibTorch 2.x: "GPU 0 has a total capacity of 79.19 GiB"; 1.x: "(GPU 0; 7.79 GiB total
  // capacity".
  static const std::regex total(
      R"(total capacity of ([0-9.]+ [KMGT]iB)|([0-9.]+ [KMGT]iB) total capacity)");
  std::smatch match;
  if (std::regex_search(message, match, total)) {
    text += " (" + (match[1].matched ? match[1].str() : match[2].str()) + " in total)";
  }
  // The whole training set lives on the device too (training_loop.cpp): on a big one it, not a
  // batch, may be what did not fit. The batch that did not is named: the user's next try.
  const bool cpu = deviceId.rfind("cpu", 0) == 0;
  return text + (batchSize > 0 ? "; a batch smaller than " + std::to_string(batchSize)
                               : std::string("; a smaller batch size")) +
         ", or fewer training images (the run keeps them all " +
         (cpu ? "in memory" : "on the device") + "), may fit";
}

void markDeviceUnusable(const std::string& deviceId, const std::string& reason) {
  std::lock_guard<std::mutex> lock(g_mutex);
  unusable()[deviceId] = reason;
}

std::optional<std::string> deviceUnusableReason(const std::string& deviceId) {
  std::lock_guard<std::mutex> lock(g_mutex);
  const auto found = unusable().find(deviceId);
  if (found == unusable().end()) return std::nullopt;
  return found->second;
}

void forgetUnusableDevices() {
  std::lock_guard<std::mutex> lock(g_mutex);
  unusable().clear();
}

std::string firstLine(const std::string& message) {
  const auto end = message.find('\n');
  std::string line = message.substr(0, end);
  while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.pop_back();
  return line;
}

RunFailure describeRunFailure(const std::string& deviceId, bool cuda, const std::string& message,
                              int batchSize) {
  switch (classifyDeviceError(message)) {
    case DeviceErrorKind::OutOfMemory:
      return {true, outOfMemoryMessage(deviceId, message, batchSize)};
    case DeviceErrorKind::Sticky:
      if (cuda) {
        const std::string reason = firstLine(message);
        markDeviceUnusable(deviceId, reason);
        return {true, deviceId + " hit a CUDA error it cannot recover from (" + reason +
                          "); it stays unusable until TrainBench restarts, other devices still "
                          "work"};
      }
      break;
    case DeviceErrorKind::Other:
      break;
  }
  return {false, message};
}

}  // namespace tb
