// Where each precision is supported: CPU fp32 and bf16 (LibTorch's CPU autocast); CUDA fp32,
// fp16, and tf32/bf16 from Ampere (compute capability 8.0) on; Apple's GPU fp32 only for now.
#include "engine/precision.h"

#include "util/text.h"

#include <cstdio>
#include <utility>

namespace tb {

namespace {

constexpr int kAmpereMajor = 8;  // TF32 tensor cores and fast bf16 start here

std::vector<std::string> namesOf(const std::vector<Precision>& precisions) {
  std::vector<std::string> names;
  for (const auto precision : precisions) names.emplace_back(toString(precision));
  return names;
}

std::optional<int> majorOf(const std::optional<std::string>& capability) {
  int major = 0;
  int minor = 0;
  if (!capability || std::sscanf(capability->c_str(), "%d.%d", &major, &minor) != 2) {
    return std::nullopt;
  }
  return major;
}

}  // namespace

std::vector<Precision> supportedPrecisions(const DeviceId& device,
                                           const std::optional<std::string>& computeCapability) {
  if (device.kind == DeviceKind::Cpu) return {Precision::Fp32, Precision::Bf16};
  if (device.kind == DeviceKind::Cuda) {
    const auto major = majorOf(computeCapability);
    if (major && *major < kAmpereMajor) return {Precision::Fp32, Precision::Fp16};
    return allPrecisions();
  }
  return {Precision::Fp32};
}

Precision checkPrecision(const DeviceId& device, const std::string& text,
                         const std::optional<std::string>& computeCapability) {
  const auto supported = supportedPrecisions(device, computeCapability);
  const auto precision = parsePrecision(text);
  if (!precision) {
    std::vector<std::string> names = namesOf(allPrecisions());
    const std::string last = names.back();
    names.pop_back();
    throw DeviceError("unknown precision '" + text + "'; expected " + joined(names) + " or " +
                      last);
  }
  for (const auto candidate : supported) {
    if (candidate == *precision) return *precision;
  }
  std::string why = "precision " + text + " is not supported on " + device.str();
  if (device.kind == DeviceKind::Cuda && computeCapability) {
    why += " (compute capability " + *computeCapability + "; " + text + " needs 8.0 or newer)";
  }
  throw DeviceError(why + "; supported: " + joined(namesOf(supported)));
}

}  // namespace tb
