// Small statistics for benchmark samples: medians, percentiles and 95% confidence intervals, and
// the rule that decides when repeats are enough (--repeat auto).
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

namespace tb {

// Linear-interpolation percentile (numpy's default), q in [0, 1]; nullopt for no samples.
std::optional<double> percentile(std::vector<double> samples, double q);
std::optional<double> median(const std::vector<double>& samples);

// A 95% interval of the typical value of `samples`: Student's t interval of their mean
// (mean ± t(0.975, n-1) · s/√n), widened where needed to hold the samples' median (the figure
// shown with it), its low end kept at 0 or above for samples that are never negative. One sample
// gives a zero-width interval at that sample.
struct Interval {
  double median = 0.0;
  double low = 0.0;
  double high = 0.0;
  std::size_t n = 0;
  // Half the interval's width over the median: 0.02 is "±2%".
  double relativeHalfWidth() const;
};
std::optional<Interval> confidenceInterval(const std::vector<double>& samples);

// Whether two intervals overlap: their difference is then within the noise.
bool overlaps(const Interval& a, const Interval& b);

// Student's t quantile at 0.975 for `degrees` of freedom (a table to 30, then an expansion that
// tends to 1.96).
double tQuantile975(std::size_t degrees);

// --repeat auto: at least kMinAutoRepeats, at most kMaxAutoRepeats runs, stopping once the 95%
// interval of steady-state throughput is within ±kTargetHalfWidth of its median. `runs` counts the
// completed runs, `throughputs` holds those that measured a steady state: a run too short to have
// one repeats the same way, so kMinAutoRepeats runs without any end the repeats.
inline constexpr std::size_t kMinAutoRepeats = 3;
inline constexpr std::size_t kMaxAutoRepeats = 10;
inline constexpr double kTargetHalfWidth = 0.02;

enum class RepeatDecision { Continue, Converged, GaveUp };
RepeatDecision autoRepeatDecision(std::size_t runs, const std::vector<double>& throughputs);

// A 95% interval of the mean of a long, autocorrelated series (per-step times): the series is
// cut into `blocks` consecutive blocks and the interval is taken over the block means (the batch
// means method), so slow drifts widen it as they should. Fewer samples than blocks: one per block.
std::optional<Interval> batchMeansInterval(const std::vector<double>& series,
                                           std::size_t blocks = 10);

}  // namespace tb
