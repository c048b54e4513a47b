// Precision names and the support matrix: CPU fp32 and bf16 (LibTorch's CPU autocast); CUDA fp32,
// fp16, and tf32/bf16 from Ampere (compute capability 8.0) on; Apple's GPU fp32 only for now.
#include "engine/precision.h"

#include <cstdio>

namespace tb {

namespace {

constexpr int kAmpereMajor = 8;  // TF32 tensor cores and fast bf16 start here

std::string joined(const std::vector<Precision>& precisions) {
  std::string text;
  for (const auto precision : precisions) {
    text += (text.empty() ? "" : ", ") + std::string(toString(precision));
  }
  return text;
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

const char* toString(Precision precision) {
  switch (precision) {
    case Precision::Fp32:
      return "fp32";
    case Precision::Tf32:
      return "tf32";
    case Precision::Bf16:
      return "bf16";
    case Precision::Fp16:
      return "fp16";
  }
  return "fp32";
}

std::optional<Precision> parsePrecision(const std::string& text) {
  for (const auto precision : allPrecisions()) {
    if (text == toString(precision)) return precision;
  }
  return std::nullopt;
}

const std::vector<Precision>& allPrecisions() {
  static const std::vector<Precision> all = {Precision::Fp32, Precision::Tf32, Precision::Bf16,
                                             Precision::Fp16};
  return all;
}

std::vector<Precision> supportedPrecisions(const DeviceId& device,
                                           const std::optional<std::string>& computeCapability) {
  if (device.kind == "cpu") return {Precision::Fp32, Precision::Bf16};
  if (device.kind == "cuda") {
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
    throw DeviceError("unknown precision '" + text + "'; expected fp32, tf32, bf16 or fp16");
  }
  for (const auto candidate : supported) {
    if (candidate == *precision) return *precision;
  }
  std::string why = "precision " + text + " is not supported on " + device.str();
  if (device.kind == "cuda" && computeCapability) {
    why += " (compute capability " + *computeCapability + "; " + text + " needs 8.0 or newer)";
  }
  throw DeviceError(why + "; supported: " + joined(supported));
}

}  // namespace tb
