// What TrainBench can tell about each device: the CPU's model, cores and memory; each CUDA GPU's
// name, memory, compute capability and driver version (NVML where it loads, else the CUDA
// driver), and where NVML reads its telemetry.
#pragma once

#include "devices/device_id.h"

#include <optional>
#include <string>
#include <vector>

namespace tb {

struct DeviceFacts {
  DeviceId id;
  std::string name;
  std::optional<double> memoryMb;                // GPUs: device memory; CPU: installed memory
  std::optional<std::string> computeCapability;  // CUDA: "9.0"
  std::optional<std::string> driverVersion;      // NVIDIA driver, e.g. "580.65.06"
  std::optional<double> powerLimitW;             // NVIDIA: the board's enforced power limit
  std::optional<std::string> pciBusId;           // "0000:17:00.0"
  std::optional<int> nvmlIndex;                  // where NVML reads its telemetry
  std::optional<int> physicalCores;              // CPU only
  std::optional<int> logicalCores;               // CPU only
  std::string note;  // a caveat worth showing, e.g. how the GPU was matched in NVML
};

// Facts about `id`, read once per process and then cached (they do not change while it runs).
// Never throws; what cannot be read is absent.
DeviceFacts deviceFacts(const DeviceId& id);

// The same PCI bus id in the forms NVML ("00000000:17:00.0") and CUDA ("0000:17:00.0") write
// it, as "0000:17:00.0"; empty when `text` is not a PCI bus id.
std::string normalisedPciBusId(const std::string& text);

// Whether CUDA device i is NVML device i, for when the PCI bus id match is not possible: only if
// CUDA sees every GPU (no CUDA_VISIBLE_DEVICES) in PCI order (CUDA_DEVICE_ORDER=PCI_BUS_ID, or a
// single GPU). CUDA's default order puts the fastest GPU first; NVML's is always PCI order.
bool cudaOrderMatchesNvml(int cudaCount, int nvmlCount, const std::string& visibleDevices,
                          const std::string& deviceOrder);

// Names of the NVIDIA GPUs NVML sees when this LibTorch build has no CUDA (so the user learns
// why they are missing from the device list); empty otherwise.
std::vector<std::string> gpusThisBuildCannotUse();

}  // namespace tb
