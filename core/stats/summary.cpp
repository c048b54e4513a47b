// Percentiles, t intervals and the auto-repeat rule (summary.h).
#include "stats/summary.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace tb {

std::optional<double> percentile(std::vector<double> samples, double q) {
  if (samples.empty()) return std::nullopt;
  std::sort(samples.begin(), samples.end());
  const double position = std::clamp(q, 0.0, 1.0) * static_cast<double>(samples.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const std::size_t above = std::min(below + 1, samples.size() - 1);
  const double fraction = position - static_cast<double>(below);
  return samples[below] + fraction * (samples[above] - samples[below]);
}

std::optional<double> median(const std::vector<double>& samples) {
  return percentile(samples, 0.5);
}

double Interval::relativeHalfWidth() const {
  return median != 0.0 ? (high - low) / 2.0 / std::fabs(median) : 0.0;
}

double tQuantile975(std::size_t degrees) {
  // Two-sided 95% critical values of Student's t for 1..30 degrees of freedom.
  static constexpr double kTable[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306,
                                      2.262,  2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120,
                                      2.110,  2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
                                      2.060,  2.056, 2.052, 2.048, 2.045, 2.042};
  if (degrees == 0) return 0.0;
  if (degrees <= 30) return kTable[degrees - 1];
  // Beyond the table: the Cornish-Fisher expansion of t around the normal quantile, within
  // 0.0002 of the exact value from 31 degrees on (2.0395 there; 1.96 only in the limit).
  const double z = 1.959964;
  const double v = static_cast<double>(degrees);
  const double z2 = z * z;
  return z + z * (z2 + 1) / (4 * v) + z * (5 * z2 * z2 + 16 * z2 + 3) / (96 * v * v) +
         z * (3 * z2 * z2 * z2 + 19 * z2 * z2 + 17 * z2 - 15) / (384 * v * v * v);
}

std::optional<Interval> confidenceInterval(const std::vector<double>& samples) {
  if (samples.empty()) return std::nullopt;
  Interval interval;
  interval.n = samples.size();
  interval.median = *median(samples);
  const double n = static_cast<double>(samples.size());
  const double mean = std::accumulate(samples.begin(), samples.end(), 0.0) / n;
  double squares = 0.0;
  for (const double sample : samples) squares += (sample - mean) * (sample - mean);
  const double halfWidth =
      samples.size() > 1 ? tQuantile975(samples.size() - 1) * std::sqrt(squares / (n - 1) / n)
                         : 0.0;
  // Widened where needed to hold the median shown beside it: bimodal samples (six runs at 10 s,
  // four at 11 s) have a median outside the mean's interval, and a figure outside its own
  // interval reads as a contradiction. Wider is the safe side for "within noise".
  interval.low = std::min(mean - halfWidth, interval.median);
  interval.high = std::max(mean + halfWidth, interval.median);
  // Times and throughputs are never negative; a wide interval of few samples must not say so.
  if (*std::min_element(samples.begin(), samples.end()) >= 0.0) {
    interval.low = std::max(interval.low, 0.0);
  }
  return interval;
}

bool overlaps(const Interval& a, const Interval& b) { return a.low <= b.high && b.low <= a.high; }

RepeatDecision autoRepeatDecision(std::size_t runs, const std::vector<double>& throughputs) {
  if (throughputs.size() >= kMinAutoRepeats) {
    const auto interval = confidenceInterval(throughputs);
    if (interval && interval->relativeHalfWidth() <= kTargetHalfWidth) {
      return RepeatDecision::Converged;
    }
  }
  if (runs >= kMaxAutoRepeats) return RepeatDecision::GaveUp;
  if (runs >= kMinAutoRepeats && throughputs.empty()) return RepeatDecision::GaveUp;
  return RepeatDecision::Continue;
}

std::optional<Interval> batchMeansInterval(const std::vector<double>& series, std::size_t blocks) {
  if (series.empty() || blocks == 0) return std::nullopt;
  blocks = std::min(blocks, series.size());
  std::vector<double> means;
  for (std::size_t b = 0; b < blocks; ++b) {
    const std::size_t begin = b * series.size() / blocks;
    const std::size_t end = (b + 1) * series.size() / blocks;
    const double sum = std::accumulate(series.begin() + static_cast<std::ptrdiff_t>(begin),
                                       series.begin() + static_cast<std::ptrdiff_t>(end), 0.0);
    means.push_back(sum / static_cast<double>(end - begin));
  }
  auto interval = confidenceInterval(means);
  // The centre is the series' mean, which a projection multiplies by the step count.
  interval->median = std::accumulate(series.begin(), series.end(), 0.0) /
                     static_cast<double>(series.size());
  return interval;
}

}  // namespace tb
