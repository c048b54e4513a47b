// Projection arithmetic (projection.h).
#include "engine/projection.h"

#include "stats/summary.h"

#include <algorithm>
#include <numeric>

namespace tb {

std::optional<ProjectionRecord> projectFullRun(const ProjectionInputs& in) {
  const auto step = batchMeansInterval(in.steadyStepSeconds);
  if (!step || in.epochs <= 0 || in.stepsPerEpoch <= 0) return std::nullopt;
  // Steady state leaves each epoch's last, smaller batch out of the mean step; timed as a full
  // step, 2001 images in batches of 2000 projected twice the run they stood for. Those the run
  // timed give their mean; where it timed none (cut short in its first epoch), a share of a full
  // step as large as its share of the images.
  const bool partial = in.batchSize > 0 && in.trainSamples > 0 && in.trainSamples % in.batchSize != 0;
  const std::int64_t fullPerEpoch = partial ? in.trainSamples / in.batchSize : in.stepsPerEpoch;
  const std::int64_t warmupFull = std::max<std::int64_t>(0, in.warmupSteps - in.warmupPartialSteps);
  double remainingSteps = static_cast<double>(
      std::max<std::int64_t>(0, static_cast<std::int64_t>(in.epochs) * fullPerEpoch - warmupFull));
  const double remainingPartials =
      partial ? static_cast<double>(std::max<std::int64_t>(0, in.epochs - in.warmupPartialSteps))
              : 0.0;
  double partialSeconds = 0.0;
  if (!in.partialStepSeconds.empty()) {
    for (const double seconds : in.partialStepSeconds) partialSeconds += seconds;
    partialSeconds *= remainingPartials / static_cast<double>(in.partialStepSeconds.size());
  } else if (partial) {
    remainingSteps += remainingPartials * static_cast<double>(in.trainSamples % in.batchSize) /
                      static_cast<double>(in.batchSize);
  }
  const double evaluation =
      in.evaluatedSamples > 0
          ? in.evaluationSeconds * static_cast<double>(in.testSamples) / static_cast<double>(in.evaluatedSamples)
          : 0.0;
  const double fixed = in.setupSeconds + in.warmupSeconds + partialSeconds + evaluation;

  ProjectionRecord record;
  record.totalSeconds = fixed + remainingSteps * step->median;  // batchMeansInterval: the mean
  // Never below what the run already took, with the steps still to come at the fastest step it
  // timed: a run with a few long stalls had an interval reaching below zero, which projected
  // the remaining steps at 0 s, a full run shorter than the part of it already measured.
  const auto& steps = in.steadyStepSeconds;
  const double measured = std::accumulate(steps.begin(), steps.end(), 0.0);
  const double fastest = *std::min_element(steps.begin(), steps.end());
  const double untimed = std::max(0.0, remainingSteps - static_cast<double>(steps.size()));
  record.low = std::min(record.totalSeconds,
                        std::max(fixed + remainingSteps * std::max(0.0, step->low),
                                 fixed + measured + untimed * fastest));
  record.high = fixed + remainingSteps * step->high;
  record.basisSteps = static_cast<std::int64_t>(in.steadyStepSeconds.size());
  record.budgetSeconds = in.budgetSeconds;
  record.epochs = in.epochs;
  record.trainSamples = in.trainSamples;
  record.testSamples = in.testSamples;
  return record;
}

}  // namespace tb
