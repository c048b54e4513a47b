// Device facts: the CPU from /proc, CUDA GPUs from NVML (matched to CUDA's numbering by PCI bus
// id through the CUDA driver) with the driver's own answers as the fallback.
#include "devices/device_facts.h"

#include "devices/cuda_driver.h"
#include "devices/system_info.h"
#include "telemetry/nvml.h"

#include <torch/cuda.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>

namespace tb {

namespace {

std::string environment(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

DeviceFacts cpuFacts(const DeviceId& id) {
  const SystemRecord system = collectSystemInfo();
  DeviceFacts facts;
  facts.id = id;
  facts.name = system.cpuModel;
  facts.memoryMb = system.memoryMb;
  facts.physicalCores = system.physicalCores;
  facts.logicalCores = system.logicalCores;
  return facts;
}

DeviceFacts cudaFacts(const DeviceId& id) {
  DeviceFacts facts;
  facts.id = id;
  const auto driver = cudaDriverDevice(id.index);
  if (driver) {
    if (!driver->name.empty()) facts.name = driver->name;
    facts.memoryMb = driver->memoryMb;
    facts.computeCapability = driver->computeCapability;
    const std::string busId = normalisedPciBusId(driver->pciBusId);
    if (!busId.empty()) facts.pciBusId = busId;
  }

  std::string why;
  if (const auto nvml = Nvml::open(&why)) {
    if (facts.pciBusId) facts.nvmlIndex = nvml->indexOfPciBusId(*facts.pciBusId);
    if (!facts.nvmlIndex &&
        cudaOrderMatchesNvml(static_cast<int>(torch::cuda::device_count()), nvml->deviceCount(),
                             environment("CUDA_VISIBLE_DEVICES"),
                             environment("CUDA_DEVICE_ORDER"))) {
      facts.nvmlIndex = id.index;
    }
    if (facts.nvmlIndex) {
      const int index = *facts.nvmlIndex;
      if (auto name = nvml->name(index).value) facts.name = *name;
      if (auto memory = nvml->memory(index).value) facts.memoryMb = memory->totalMb;
      if (auto capability = nvml->computeCapability(index).value) {
        facts.computeCapability = *capability;
      }
      facts.powerLimitW = nvml->powerLimitWatts(index).value;
    } else {
      facts.note = "NVML could not tell which GPU is " + id.str() +
                   ": no GPU telemetry (CUDA_DEVICE_ORDER=PCI_BUS_ID helps)";
    }
    facts.driverVersion = nvml->driverVersion();
  } else {
    facts.note = why + ": no GPU telemetry";
  }
  if (!facts.driverVersion) {
    if (const auto cuda = cudaDriverVersion()) facts.driverVersion = "CUDA " + *cuda;
  }
  if (facts.name.empty()) facts.name = "CUDA device " + std::to_string(id.index);
  return facts;
}

DeviceFacts readFacts(const DeviceId& id) {
  if (id.kind == DeviceKind::Cpu) return cpuFacts(id);
  if (id.kind == DeviceKind::Cuda) return cudaFacts(id);
  DeviceFacts facts;
  facts.id = id;
  facts.name = id.kind == DeviceKind::Mps ? "Apple GPU (Metal)" : id.str();
  return facts;
}

}  // namespace

DeviceFacts deviceFacts(const DeviceId& id) {
  static std::mutex mutex;
  static std::map<std::string, DeviceFacts> cache;
  std::lock_guard<std::mutex> lock(mutex);
  const auto found = cache.find(id.str());
  if (found != cache.end()) return found->second;
  DeviceFacts facts;
  try {
    facts = readFacts(id);
  } catch (const std::exception&) {
    facts = DeviceFacts{};  // facts are a nicety: never let them stop a run
    facts.id = id;
    facts.name = id.str();
  }
  cache.emplace(id.str(), facts);
  return facts;
}

std::string normalisedPciBusId(const std::string& text) {
  unsigned domain = 0;
  unsigned bus = 0;
  unsigned device = 0;
  unsigned function = 0;
  char end = '\0';
  // "%x:%x:%x.%x" with nothing after it; NVML pads the domain to 8 digits, CUDA to 4.
  if (std::sscanf(text.c_str(), "%x:%x:%x.%x%c", &domain, &bus, &device, &function, &end) != 4 ||
      domain > 0xffff || bus > 0xff || device > 0x1f || function > 0x7) {
    return {};
  }
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04x:%02x:%02x.%x", domain, bus, device, function);
  return buffer;
}

bool cudaOrderMatchesNvml(int cudaCount, int nvmlCount, const std::string& visibleDevices,
                          const std::string& deviceOrder) {
  if (cudaCount <= 0 || cudaCount != nvmlCount || !visibleDevices.empty()) return false;
  return cudaCount == 1 || deviceOrder == "PCI_BUS_ID";
}

std::vector<std::string> gpusThisBuildCannotUse() {
  std::vector<std::string> names;
  if (torch::cuda::is_available()) return names;
  if (const auto nvml = Nvml::open()) {
    for (int i = 0; i < nvml->deviceCount(); ++i) {
      names.push_back(nvml->name(i).value.value_or("NVIDIA GPU " + std::to_string(i)));
    }
  }
  return names;
}

}  // namespace tb
