// The few CUDA driver API calls TrainBench needs, loaded at run time from libcuda.so.1 (the
// driver LibTorch itself uses), so no CUDA headers or link-time dependency are needed: each CUDA
// device's PCI bus id (to find the same GPU in NVML), name, memory and compute capability.
#pragma once

#include <optional>
#include <string>

namespace tb {

struct CudaDriverDevice {
  std::string pciBusId;  // "0000:17:00.0"
  std::string name;
  std::optional<double> memoryMb;
  std::optional<std::string> computeCapability;  // "9.0"
};

// Facts of CUDA device `ordinal` as the CUDA runtime numbers it (after CUDA_VISIBLE_DEVICES and
// CUDA_DEVICE_ORDER); std::nullopt when the driver is not there or does not know the device.
std::optional<CudaDriverDevice> cudaDriverDevice(int ordinal);

// The CUDA version the driver supports, e.g. "13.0"; std::nullopt without a driver.
std::optional<std::string> cudaDriverVersion();

}  // namespace tb
