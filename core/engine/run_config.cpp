// Validation of a RunConfig before any work: numbers a front end lets through (NaN, infinity,
// negative counts) must never reach the trainer, where they would distort or break the run.
#include "engine/run_config.h"

#include "data/dataset_registry.h"
#include "models/workload.h"
#include "results/table_text.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace tb {
namespace {

std::string number(double value) { return table::shortNumber(value); }

}  // namespace

std::string runConfigProblem(const RunConfig& config, bool dataParallel) {
  if (config.epochs < 0) return "epochs must be 1 or more (0: the workload's default)";
  if (config.batchSize < 0) return "batch size must be 1 or more (0: the workload's default)";
  if (config.threads < 0) return "threads must be 1 or more (0: the physical cores)";
  if (config.trainLimit < 0 || config.testLimit < 0) {
    return "image limits must be 1 or more (0: all images)";
  }
  // 0 stands for the workload's default; anything else must be a usable rate.
  const double rate = config.learningRate;
  if (!std::isfinite(rate) || rate < 0 || rate > kMaxLearningRate ||
      (rate > 0 && rate < kMinLearningRate)) {
    return "learning rate must be a number from " + number(kMinLearningRate) + " to " +
           number(kMaxLearningRate) + " (it must fit in float32), not " + number(rate);
  }
  const double interval = config.telemetryIntervalSeconds;
  if (!std::isfinite(interval) || interval < kMinTelemetryIntervalSeconds ||
      interval > kMaxTelemetryIntervalSeconds) {
    return "telemetry interval must be " + number(kMinTelemetryIntervalSeconds) + " to " +
           number(kMaxTelemetryIntervalSeconds) + " seconds, not " + number(interval);
  }
  if (const auto workload = findWorkload(config.workload)) {
    const std::int64_t batch =
        config.batchSize > 0 ? config.batchSize : workload->defaultBatchSize;
    // The last step is known here where --train-limit cuts the official set (the trainer checks
    // the files' own size); a data-parallel run leaves the remainder out anyway.
    const auto dataset = findDataset(workload->dataset);
    // Synthetic data are made to the limit, even beyond the official size.
    const bool cut = dataset && config.trainLimit > 0 &&
                     (config.synthetic || config.trainLimit <= dataset->trainSamples);
    if (const std::string problem =
            batchProblem(*workload, batch,
                         cut && !config.exchange && !dataParallel ? config.trainLimit : 0);
        !problem.empty()) {
      return problem;
    }
  }
  if (config.exchange && config.timeBudgetSeconds > 0) {
    // Each rank would stop at its own moment and leave the others waiting in an allreduce.
    return "a time budget cannot be combined with a data-parallel run";
  }
  const double budget = config.timeBudgetSeconds;
  if (!std::isfinite(budget) || budget < 0 ||
      (budget > 0 && (budget < kMinTimeBudgetSeconds || budget > kMaxTimeBudgetSeconds))) {
    return "time budget must be " + number(kMinTimeBudgetSeconds) + " to " +
           number(kMaxTimeBudgetSeconds) + " seconds (0: the full run), not " + number(budget);
  }
  return {};
}

std::string threadSplitWarning(int threads, int ranks) {
  if (threads <= 0 || ranks <= 1 || threads % ranks == 0) return {};
  const int each = std::max(1, threads / ranks);
  return "--threads " + std::to_string(threads) + " does not divide between " +
         std::to_string(ranks) + " ranks: each takes " + std::to_string(each) + " (" +
         std::to_string(each * ranks) + " in all); give a multiple of " + std::to_string(ranks) +
         " to use exactly what you ask";
}

std::string dataParallelStepProblem(const RunConfig& config, int ranks, bool strong) {
  const auto workload = findWorkload(config.workload);
  const std::int64_t batch =
      config.batchSize > 0 ? config.batchSize : (workload ? workload->defaultBatchSize : 0);
  if (strong && batch > 0 && ranks > 0) {
    if (batch % ranks != 0) {
      return "--scaling strong splits the batch of " + std::to_string(batch) + " across " +
             std::to_string(ranks) + " ranks: give a --batch-size that is a multiple of " +
             std::to_string(ranks) + ", or another number of ranks";
    }
    // Each rank trains its share of the batch: that share must be a batch the model can take.
    const std::int64_t share = batch / ranks;
    if (workload && share < workload->minimumBatch) {
      return "--scaling strong splits the batch of " + std::to_string(batch) + " into " +
             std::to_string(share) + " per rank, but " + workload->name +
             "'s batch normalisation needs at least " + std::to_string(workload->minimumBatch) +
             " images per training step: give a larger --batch-size, or fewer ranks";
    }
  }
  const std::int64_t stepImages = strong ? batch : batch * ranks;
  if (config.trainLimit <= 0 || config.trainLimit >= stepImages) return {};
  return "--train-limit " + std::to_string(config.trainLimit) + " is smaller than one step of all " +
         std::to_string(ranks) + " ranks (" + std::to_string(stepImages) +
         " images at --batch-size " + std::to_string(batch) +
         "): give a larger --train-limit or a smaller --batch-size";
}

}  // namespace tb
