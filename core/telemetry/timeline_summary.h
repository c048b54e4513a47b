// A run's telemetry in a few figures (`trainbench-cli show`), and the time-weighted means and
// peaks they and a thinned timeline (telemetry_sampler.h) are made of.
#pragma once

#include "results/run_result.h"

#include <cstddef>
#include <functional>
#include <optional>
#include <vector>

namespace tb {

using SampleReading = std::function<std::optional<double>(const TelemetrySample&)>;

// The mean of `reading` over samples [begin, end), each weighed by the interval it covers (since
// the sample before it): a rate such as CPU busy is over intervals, not instants. Absent where no
// sample has it.
std::optional<double> timelineMean(const std::vector<TelemetrySample>& samples, std::size_t begin,
                                   std::size_t end, const SampleReading& reading);

// The largest `reading` among samples [begin, end); absent where no sample has it.
std::optional<double> timelinePeak(const std::vector<TelemetrySample>& samples, std::size_t begin,
                                   std::size_t end, const SampleReading& reading);

struct TimelineSummary {
  std::optional<double> machineCpuPercent;  // mean, 0..100
  std::optional<double> processCpuPercent;  // mean, 100 per busy core
  std::optional<double> peakRssMb;
  std::optional<double> gpuUtilPercent;  // the run's GPU (the first one sampled): mean
  std::optional<double> peakGpuMemoryMb;
};

TimelineSummary summariseTimeline(const std::vector<TelemetrySample>& samples);

}  // namespace tb
