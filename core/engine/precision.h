// Training precisions and where each is supported; no LibTorch headers, so front ends can list
// and check them (the RAII scopes that apply a precision live in precision_scope.h).
#pragma once

#include "devices/device_id.h"

#include <optional>
#include <string>
#include <vector>

namespace tb {

enum class Precision {
  Fp32,  // strict fp32 (TF32 off on CUDA, even for convolutions where PyTorch enables it)
  Tf32,  // fp32 storage, TF32 tensor-core matmuls and convolutions (CUDA, compute 8.0+)
  Bf16,  // bf16 mixed precision (autocast) with fp32 weights
  Fp16,  // fp16 mixed precision (autocast) with dynamic loss scaling
};

const char* toString(Precision precision);
std::optional<Precision> parsePrecision(const std::string& text);
const std::vector<Precision>& allPrecisions();

// What `device` can train in with this build. `computeCapability` ("8.6") comes from the device
// facts; when it is unknown, CUDA devices are assumed capable.
std::vector<Precision> supportedPrecisions(const DeviceId& device,
                                           const std::optional<std::string>& computeCapability);

// Parses and checks `text` against supportedPrecisions; throws DeviceError with the reason and
// the supported list, e.g. "precision fp16 is not supported on cpu; supported: fp32, bf16".
Precision checkPrecision(const DeviceId& device, const std::string& text,
                         const std::optional<std::string>& computeCapability);

}  // namespace tb
