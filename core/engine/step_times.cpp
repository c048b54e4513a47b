// Warm-up rule and steady-state figures of StepTimes (step_times.h).
#include "engine/step_times.h"

#include "stats/summary.h"

#include <algorithm>

namespace tb {

void StepTimes::add(int epoch, double seconds, bool fullBatch) {
  m_steps.push_back(Step{epoch, seconds, fullBatch});
}

std::int64_t StepTimes::warmupSteps() const {
  const auto firstEpochSteps = static_cast<std::int64_t>(std::count_if(
      m_steps.begin(), m_steps.end(), [](const Step& step) { return step.epoch == 1; }));
  const auto laterFullSteps = static_cast<std::int64_t>(std::count_if(
      m_steps.begin(), m_steps.end(),
      [](const Step& step) { return step.epoch > 1 && step.fullBatch; }));
  if (laterFullSteps >= kMinSteadySteps) return firstEpochSteps;
  // A one-epoch (or cut short) run: its first steps pay for allocation and caches.
  return std::min(count(), std::max(kMinWarmupSteps, count() / 10));
}

std::vector<double> StepTimes::steadySeconds() const {
  std::vector<double> seconds;
  for (std::size_t i = static_cast<std::size_t>(warmupSteps()); i < m_steps.size(); ++i) {
    if (m_steps[i].fullBatch) seconds.push_back(m_steps[i].seconds);
  }
  return seconds;
}

std::vector<double> StepTimes::partialSeconds() const {
  std::vector<double> seconds;
  for (std::size_t i = static_cast<std::size_t>(warmupSteps()); i < m_steps.size(); ++i) {
    if (!m_steps[i].fullBatch) seconds.push_back(m_steps[i].seconds);
  }
  return seconds;
}

std::int64_t StepTimes::warmupPartialSteps() const {
  std::int64_t partial = 0;
  for (std::int64_t i = 0; i < warmupSteps(); ++i) {
    if (!m_steps[static_cast<std::size_t>(i)].fullBatch) ++partial;
  }
  return partial;
}

double StepTimes::warmupSeconds() const {
  double total = 0.0;
  for (std::int64_t i = 0; i < warmupSteps(); ++i) total += m_steps[static_cast<std::size_t>(i)].seconds;
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

}  // namespace tb
