// Reads one GPU's telemetry through NVML, keeping a valid bit per metric: a metric NVML does not
// support (or may not read) is dropped for good, and a GPU that fell off the bus is not polled
// again. Nothing missing ever reads as 0.
#pragma once

#include "results/run_result.h"
#include "telemetry/nvml.h"

#include <array>
#include <memory>
#include <optional>
#include <string>

namespace tb {

// A GPU to poll: the device id it is recorded under and its NVML index.
struct GpuTarget {
  std::string device;  // "cuda:0"
  int nvmlIndex = 0;
};

class GpuPoller {
 public:
  GpuPoller(std::shared_ptr<const Nvml> nvml, GpuTarget target);

  // The readings now; std::nullopt once the GPU is lost (NVML_ERROR_GPU_IS_LOST).
  std::optional<GpuSample> poll();

  bool lost() const { return m_lost; }
  const GpuTarget& target() const { return m_target; }

 private:
  enum Metric { kUtilisation, kMemory, kPower, kTemperature, kClock, kMetricCount };

  template <typename T>
  std::optional<T> take(Metric metric, const NvmlResult<T>& result);

  std::shared_ptr<const Nvml> m_nvml;
  GpuTarget m_target;
  bool m_lost = false;
  std::array<bool, kMetricCount> m_off{};  // true: NVML said it will never answer this one
};

}  // namespace tb
