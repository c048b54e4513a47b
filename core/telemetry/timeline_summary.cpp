// Time-weighted means and peaks of a run's telemetry (timeline_summary.h).
#include "telemetry/timeline_summary.h"

#include <string>

namespace tb {

std::optional<double> timelineMean(const std::vector<TelemetrySample>& samples, std::size_t begin,
                                   std::size_t end, const SampleReading& reading) {
  double weighted = 0.0;
  double weights = 0.0;
  std::optional<double> last;
  for (std::size_t i = begin; i < end && i < samples.size(); ++i) {
    const std::optional<double> value = reading(samples[i]);
    if (!value) continue;
    last = value;
    const double since = i == 0 ? samples[i].t : samples[i].t - samples[i - 1].t;
    if (since <= 0.0) continue;
    weighted += *value * since;
    weights += since;
  }
  return weights > 0.0 ? std::optional<double>(weighted / weights) : last;
}

std::optional<double> timelinePeak(const std::vector<TelemetrySample>& samples, std::size_t begin,
                                   std::size_t end, const SampleReading& reading) {
  std::optional<double> peak;
  for (std::size_t i = begin; i < end && i < samples.size(); ++i) {
    const std::optional<double> value = reading(samples[i]);
    if (value && (!peak || *value > *peak)) peak = value;
  }
  return peak;
}

TimelineSummary summariseTimeline(const std::vector<TelemetrySample>& samples) {
  TimelineSummary summary;
  const std::size_t n = samples.size();
  summary.machineCpuPercent = timelineMean(samples, 0, n, [](const auto& s) { return s.cpuPercent; });
  summary.processCpuPercent =
      timelineMean(samples, 0, n, [](const auto& s) { return s.processCpuPercent; });
  summary.peakRssMb = timelinePeak(samples, 0, n, [](const auto& s) { return s.rssMb; });
  std::string gpu;
  for (const TelemetrySample& sample : samples) {
    if (!sample.gpus.empty()) {
      gpu = sample.gpus.front().device;
      break;
    }
  }
  if (gpu.empty()) return summary;
  const auto ofGpu = [&gpu](std::optional<double> GpuSample::*field) {
    return [&gpu, field](const TelemetrySample& sample) {
      for (const GpuSample& reading : sample.gpus) {
        if (reading.device == gpu) return reading.*field;
      }
      return std::optional<double>();
    };
  };
  summary.gpuUtilPercent = timelineMean(samples, 0, n, ofGpu(&GpuSample::utilPercent));
  summary.peakGpuMemoryMb = timelinePeak(samples, 0, n, ofGpu(&GpuSample::memoryUsedMb));
  return summary;
}

}  // namespace tb
