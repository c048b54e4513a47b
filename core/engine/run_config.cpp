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

// A count outside 0 (its default) to `max`. Named by its flag first, so that a CLI run that took
// it from a saved file (`run --from`) says so; the app's fields keep to the same limits.
std::string countProblem(const char* flag, std::int64_t value, std::int64_t max,
                         const char* zeroMeans) {
  if (value >= 0 && value <= max) return {};
  return std::string(flag) + ": must be 1 to " + std::to_string(max) + " (0: " + zeroMeans +
         "), not " + std::to_string(value);
}

}  // namespace

std::string runConfigProblem(const RunConfig& config, bool dataParallel) {
  // Above the limits too: a saved file's 100000 threads started as many and hung the CLI.
  for (const std::string& problem :
       {countProblem("--epochs", config.epochs, kMaxEpochs, "the workload's default"),
        countProblem("--batch-size", config.batchSize, kMaxBatchSize, "the workload's default"),
        countProblem("--threads", config.threads, kMaxThreads, "the physical cores"),
        countProblem("--train-limit", config.trainLimit, kMaxImageLimit, "all images"),
        countProblem("--test-limit", config.testLimit, kMaxImageLimit, "all images")}) {
    if (!problem.empty()) return problem;
  }
  // 0 stands for the workload's default; anything else must be a usable rate.
  const double rate = config.learningRate;
  if (!std::isfinite(rate) || rate < 0 || rate > kMaxLearningRate ||
      (rate > 0 && rate < kMinLearningRate)) {
    return "--learning-rate: must be a number from " + number(kMinLearningRate) + " to " +
           number(kMaxLearningRate) + " (it must fit in float32), not " + number(rate);
  }
  const double interval = config.telemetryIntervalSeconds;
  if (!std::isfinite(interval) || interval < kMinTelemetryIntervalSeconds ||
      interval > kMaxTelemetryIntervalSeconds) {
    return "--telemetry-interval: must be " + number(kMinTelemetryIntervalSeconds) + " to " +
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
    // Known here for the official set and synthetic data (the trainer checks custom files).
    const std::int64_t images = cut ? config.trainLimit : dataset ? dataset->trainSamples : 0;
    if (config.timeBudgetSeconds > 0 && !config.exchange && !dataParallel) {
      if (std::string problem = budgetBatchProblem(images, batch); !problem.empty()) return problem;
    }
  }
  if (config.exchange && config.timeBudgetSeconds > 0) {
    // Each rank would stop at its own moment and leave the others waiting in an allreduce.
    return "a time budget cannot be combined with a data-parallel run";
  }
  const double budget = config.timeBudgetSeconds;
  if (!std::isfinite(budget) || budget < 0 ||
      (budget > 0 && (budget < kMinTimeBudgetSeconds || budget > kMaxTimeBudgetSeconds))) {
    return "--time-budget: must be " + number(kMinTimeBudgetSeconds) + " to " +
           number(kMaxTimeBudgetSeconds) + " seconds (0: the full run), not " + number(budget);
  }
  return {};
}

std::string budgetBatchProblem(std::int64_t trainImages, std::int64_t batch) {
  if (trainImages <= 0 || trainImages >= batch) return {};
  const std::string budget =
      "a time budget (--time-budget) projects the full run from steps of a whole batch";
  return budget + ", and the " + std::to_string(trainImages) +
         " training images are fewer than one batch of " + std::to_string(batch) +
         " (--batch-size): choose a smaller batch size or more images (--train-limit), or run "
         "without a time budget";
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
