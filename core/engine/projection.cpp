// Projection arithmetic (projection.h).
#include "engine/projection.h"

#include "stats/summary.h"

#include <algorithm>

namespace tb {

std::optional<ProjectionRecord> projectFullRun(const ProjectionInputs& in) {
  const auto step = batchMeansInterval(in.steadyStepSeconds);
  if (!step || in.epochs <= 0 || in.stepsPerEpoch <= 0) return std::nullopt;
  // Steady state leaves each epoch's last, partial batch out of the mean step; timed as a full
  // step, 2001 images in batches of 2000 projected twice the run they stood for.
  double stepsPerEpoch = static_cast<double>(in.stepsPerEpoch);
  if (in.batchSize > 0 && in.trainSamples > 0 && in.trainSamples % in.batchSize != 0) {
    stepsPerEpoch = static_cast<double>(in.trainSamples / in.batchSize) +
                    static_cast<double>(in.trainSamples % in.batchSize) /
                        static_cast<double>(in.batchSize);
  }
  const double remainingSteps =
      std::max(0.0, in.epochs * stepsPerEpoch - static_cast<double>(in.warmupSteps));
  const double evaluation =
      in.evaluatedSamples > 0
          ? in.evaluationSeconds * static_cast<double>(in.testSamples) / static_cast<double>(in.evaluatedSamples)
          : 0.0;
  const double fixed = in.setupSeconds + in.warmupSeconds + evaluation;

  ProjectionRecord record;
  record.totalSeconds = fixed + remainingSteps * step->median;  // batchMeansInterval: the mean
  record.low = fixed + remainingSteps * std::max(0.0, step->low);
  record.high = fixed + remainingSteps * step->high;
  record.basisSteps = static_cast<std::int64_t>(in.steadyStepSeconds.size());
  record.budgetSeconds = in.budgetSeconds;
  record.epochs = in.epochs;
  record.trainSamples = in.trainSamples;
  record.testSamples = in.testSamples;
  return record;
}

}  // namespace tb
