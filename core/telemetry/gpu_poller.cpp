// GpuPoller: one NVML call per metric and sample, each failure sorted into "never", "lost" or
// "not this time".
#include "telemetry/gpu_poller.h"

#include <utility>

namespace tb {

GpuPoller::GpuPoller(std::shared_ptr<const Nvml> nvml, GpuTarget target)
    : m_nvml(std::move(nvml)), m_target(std::move(target)) {}

template <typename T>
std::optional<T> GpuPoller::take(Metric metric, const NvmlResult<T>& result) {
  switch (result.status) {
    case NvmlStatus::Success:
      return result.value;
    case NvmlStatus::NotSupported:
    case NvmlStatus::NoPermission:
    case NvmlStatus::FunctionNotFound:
      // These do not change while the process runs; asking again each second costs for nothing.
      m_off[metric] = true;
      return std::nullopt;
    case NvmlStatus::GpuIsLost:
      m_lost = true;
      return std::nullopt;
    default:
      return std::nullopt;  // e.g. a timeout: absent this time, asked again next time
  }
}

std::optional<GpuSample> GpuPoller::poll() {
  if (m_lost || !m_nvml) return std::nullopt;
  const int index = m_target.nvmlIndex;
  GpuSample sample;
  sample.device = m_target.device;
  if (!m_off[kUtilisation])
    sample.utilPercent = take(kUtilisation, m_nvml->utilisationPercent(index));
  if (!m_lost && !m_off[kMemory]) {
    if (const auto memory = take(kMemory, m_nvml->memory(index))) {
      sample.memoryUsedMb = memory->usedMb;
      sample.memoryTotalMb = memory->totalMb;
    }
  }
  if (!m_lost && !m_off[kPower]) sample.powerW = take(kPower, m_nvml->powerWatts(index));
  if (!m_lost && !m_off[kTemperature]) {
    sample.temperatureC = take(kTemperature, m_nvml->temperatureC(index));
  }
  if (!m_lost && !m_off[kClock]) sample.smClockMhz = take(kClock, m_nvml->smClockMhz(index));
  // Readings taken just before the GPU was lost are dropped with it: the device is gone.
  if (m_lost) return std::nullopt;
  return sample;
}

}  // namespace tb
