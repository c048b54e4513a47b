// Warm-up rule and steady-state figures of StepTimes (step_times.h).
#include "engine/step_times.h"

#include "stats/summary.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace tb {

void StepTimes::add(int epoch, double seconds, bool fullBatch) {
  m_steps.push_back(Step{epoch, seconds, fullBatch});
}

std::int64_t StepTimes::warmupPrefix() const {
  const auto inFirstEpoch = [](const Step& step) { return step.epoch == 1; };
  const auto firstEpochSteps =
      static_cast<std::int64_t>(std::count_if(m_steps.begin(), m_steps.end(), inFirstEpoch));
  const auto firstEpochFullSteps = static_cast<std::int64_t>(std::count_if(
      m_steps.begin(), m_steps.end(), [](const Step& step) { return step.epoch == 1 && step.fullBatch; }));
  const auto laterFullSteps = static_cast<std::int64_t>(std::count_if(
      m_steps.begin(), m_steps.end(),
      [](const Step& step) { return step.epoch > 1 && step.fullBatch; }));
  // At least the steps up to the kMinWarmupSteps-th full one: a CUDA graph counts its eager
  // steps and its capture in full steps across epochs, so an epoch of three holds no capture.
  std::int64_t throughMinFull = 0;
  for (std::int64_t full = 0; throughMinFull < count() && full < kMinWarmupSteps; ++throughMinFull) {
    if (m_steps[static_cast<std::size_t>(throughMinFull)].fullBatch) ++full;
  }
  // A second epoch as long as the first: leave all of the first out, whatever it paid for.
  if (laterFullSteps >= std::max(kMinSteadySteps, firstEpochFullSteps)) {
    return std::max(firstEpochSteps, throughMinFull);
  }
  // One epoch, or a run cut short before a second whole one (a time budget, a stop): its first
  // steps pay for allocation and caches. Leaving out all of epoch 1 there would rest the steady
  // state on a few steps of epoch 2 (a 300 s budget: 90 s of steps against 210 s left out).
  return std::max(throughMinFull, std::min(count(), std::max(kMinWarmupSteps, count() / 10)));
}

bool StepTimes::isWarmup(std::size_t index, std::int64_t prefix) const {
  if (static_cast<std::int64_t>(index) < prefix) return true;
  // The first epoch's last, smaller batch is the first step of its shape: it pays for its own
  // buffers, cuDNN algorithm or captured graph, so it never stands for the later ones.
  const Step& step = m_steps[index];
  return step.epoch == 1 && !step.fullBatch;
}

std::int64_t StepTimes::warmupSteps() const {
  const std::int64_t prefix = warmupPrefix();
  std::int64_t steps = 0;
  for (std::size_t i = 0; i < m_steps.size(); ++i) steps += isWarmup(i, prefix) ? 1 : 0;
  return steps;
}

std::vector<double> StepTimes::steadySeconds() const {
  const std::int64_t prefix = warmupPrefix();
  std::vector<double> seconds;
  for (std::size_t i = 0; i < m_steps.size(); ++i) {
    if (!isWarmup(i, prefix) && m_steps[i].fullBatch) seconds.push_back(m_steps[i].seconds);
  }
  return seconds;
}

std::vector<double> StepTimes::partialSeconds() const {
  const std::int64_t prefix = warmupPrefix();
  std::vector<double> seconds;
  for (std::size_t i = 0; i < m_steps.size(); ++i) {
    if (!isWarmup(i, prefix) && !m_steps[i].fullBatch) seconds.push_back(m_steps[i].seconds);
  }
  return seconds;
}

std::int64_t StepTimes::warmupPartialSteps() const {
  const std::int64_t prefix = warmupPrefix();
  std::int64_t partial = 0;
  for (std::size_t i = 0; i < m_steps.size(); ++i) {
    if (isWarmup(i, prefix) && !m_steps[i].fullBatch) ++partial;
  }
  return partial;
}

double StepTimes::warmupSeconds() const {
  const std::int64_t prefix = warmupPrefix();
  double total = 0.0;
  for (std::size_t i = 0; i < m_steps.size(); ++i) {
    if (isWarmup(i, prefix)) total += m_steps[i].seconds;
  }
  return total;
}

std::optional<SteadyStateRecord> StepTimes::steadyState(int batchSize) const {
  const std::vector<double> seconds = steadySeconds();
  if (static_cast<std::int64_t>(seconds.size()) < kMinSteadySteps || batchSize <= 0) {
    return std::nullopt;
  }
  SteadyStateRecord record;
  record.stepSecondsP50 = *percentile(seconds, 0.5);
  record.stepSecondsP95 = *percentile(seconds, 0.95);
  if (record.stepSecondsP50 <= 0.0) return std::nullopt;  // a clock too coarse to time steps
  record.samplesPerSecond = batchSize / record.stepSecondsP50;
  record.warmupSteps = warmupSteps();
  record.steps = static_cast<std::int64_t>(seconds.size());
  return record;
}

std::string StepTimes::stallWarning(int batchSize) const {
  const std::optional<SteadyStateRecord> steady = steadyState(batchSize);
  if (!steady) return {};
  const std::vector<double> seconds = steadySeconds();
  const double total = std::accumulate(seconds.begin(), seconds.end(), 0.0);
  const double atMedian = steady->stepSecondsP50 * static_cast<double>(seconds.size());
  const double ratio = total / atMedian;
  if (!(ratio >= kStallRatio) || !(total - atMedian >= kStallSeconds)) return {};
  const double delivered = batchSize * static_cast<double>(seconds.size()) / total;
  char ratioText[16];
  std::snprintf(ratioText, sizeof ratioText, "%.1f", ratio);
  return "Some steps stalled: the steady steps took " + std::string(ratioText) +
         "x their median step's time in all, so the run trained at " +
         std::to_string(std::llround(delivered)) + " samples/s, not the " +
         std::to_string(std::llround(steady->samplesPerSecond)) +
         " of its median step (other processes, swapping or the device held it up). Close "
         "other programs and run again.";
}

}  // namespace tb
