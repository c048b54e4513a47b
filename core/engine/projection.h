// Projects a full run (the seed script's epochs on all the images, then the test set) from a run
// cut short by --time-budget: its setup and warm-up as measured, every later step at the mean
// steady-state step time (an epoch's last, smaller batch at the mean of those timed, or at its
// share of a full step where none was), and the evaluation scaled from the images it got through.
#pragma once

#include "results/run_result.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace tb {

struct ProjectionInputs {
  double setupSeconds = 0.0;  // from the clock's start to the first step (model, data to device)
  std::int64_t warmupSteps = 0;
  double warmupSeconds = 0.0;
  std::vector<double> steadyStepSeconds;  // in order; the projection's basis (full batches)
  // Each epoch's last, smaller batch: the ones timed after warm-up, and how many warm-up holds.
  std::vector<double> partialStepSeconds;
  std::int64_t warmupPartialSteps = 0;
  double evaluationSeconds = 0.0;
  std::int64_t evaluatedSamples = 0;
  // The full run projected.
  int epochs = 0;
  std::int64_t stepsPerEpoch = 0;  // the last, partial batch included
  std::int64_t batchSize = 0;      // 0: every step a full batch
  std::int64_t trainSamples = 0;
  std::int64_t testSamples = 0;
  double budgetSeconds = 0.0;
};

// nullopt without steady steps. The 95% interval comes from the mean step time's batch-means
// interval (stats/summary.h), so drift within the short run widens it; the evaluation is taken
// as exact, being a small part of any full run.
std::optional<ProjectionRecord> projectFullRun(const ProjectionInputs& in);

}  // namespace tb
