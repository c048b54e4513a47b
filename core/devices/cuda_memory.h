// The few calls that need LibTorch's CUDA headers, compiled only when the Torch package has CUDA
// (TRAINBENCH_WITH_CUDA, set by core/CMakeLists.txt); elsewhere they do nothing.
#pragma once

#include "devices/device_id.h"

namespace tb {

// Whether this build was compiled against a CUDA-enabled LibTorch.
bool builtWithCuda();

// Returns the CUDA caching allocator's unused blocks to the driver after a run, so the next run
// (or another program) starts with the memory free. No-op off CUDA and for unusable devices.
void releaseCachedMemory(const DeviceId& device);

}  // namespace tb
