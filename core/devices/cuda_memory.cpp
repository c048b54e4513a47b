// CUDA-only helpers behind TRAINBENCH_WITH_CUDA, so the core still builds with a CPU-only LibTorch.
#include "devices/cuda_memory.h"

#include "devices/device_health.h"

#ifdef TRAINBENCH_WITH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#include <torch/cuda.h>
#endif

namespace tb {

bool builtWithCuda() {
#ifdef TRAINBENCH_WITH_CUDA
  return true;
#else
  return false;
#endif
}

void releaseCachedMemory(const DeviceId& device) {
  if (device.kind != DeviceKind::Cuda || deviceUnusableReason(device.str())) return;
#ifdef TRAINBENCH_WITH_CUDA
  try {
    if (!torch::cuda::is_available()) return;
    torch::cuda::synchronize(device.index);
    c10::cuda::CUDACachingAllocator::emptyCache();
  } catch (const std::exception&) {
    // The run is over; a failure to tidy up must not turn its result into an error.
  }
#endif
}

}  // namespace tb
