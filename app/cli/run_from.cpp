// applySavedSettings (run_from.h).
#include "run_from.h"

#include "option_checks.h"

#include "models/workload.h"

#include <algorithm>

namespace tb::cli {

std::string applySavedSettings(const RunResult& result, const std::string& path,
                               const std::function<bool(const std::string& flag)>& given,
                               RunOptions& options) {
  if (result.distributed && result.distributed->worldSize > 1) {
    return path + " is a data-parallel run of " + std::to_string(result.distributed->worldSize) +
           " ranks; --from runs one device's run again";
  }
  // Every run so far trained with Adam; a newer version's optimizer would silently become it.
  if (!result.config.optimizer.empty() && result.config.optimizer != "adam") {
    return path + " trained with the optimizer '" + result.config.optimizer +
           "', which this version does not have";
  }
  if (!given("--workload") && !findWorkload(result.workload.name)) {
    return path + " trained the workload '" + result.workload.name +
           "', which this version does not have";
  }
  const auto precisions = precisionNames();
  if (!given("--precision") && !result.config.precision.empty() &&
      std::find(precisions.begin(), precisions.end(), result.config.precision) ==
          precisions.end()) {
    return path + " trained in the precision '" + result.config.precision +
           "', which this version does not have";
  }
  RunConfig& config = options.config;
  const auto take = [&given](const char* flag, auto& setting, const auto& saved) {
    if (!given(flag)) setting = saved;
  };
  take("--workload", config.workload, result.workload.name);
  if (!given("--device") && !result.device.id.empty()) options.devices = {result.device.id};
  // A file from before a setting was recorded holds 0 (or nothing) for it: the default stays.
  if (result.config.epochs > 0) take("--epochs", config.epochs, result.config.epochs);
  if (result.config.batchSize > 0) take("--batch-size", config.batchSize, result.config.batchSize);
  if (result.config.learningRate > 0.0) {
    take("--learning-rate", config.learningRate, result.config.learningRate);
  }
  take("--seed", config.seed, result.config.seed);
  if (result.config.threads > 0) take("--threads", config.threads, result.config.threads);
  if (!result.config.precision.empty()) take("--precision", config.precision, result.config.precision);
  // A graph run that fell back to eager asked for graph: ask for it again.
  const std::string execution =
      result.config.executionFallback.empty() ? result.config.execution : std::string("graph");
  if (!execution.empty()) take("--execution", config.execution, execution);
  // A data folder asks for the files.
  if (!given("--synthetic") && !given("--data-dir")) {
    config.synthetic = result.workload.dataSource == "synthetic";
  }
  // The images it trained on: a run on fewer than the dataset's (or, synthetic, more) did so
  // with a limit. A run that failed before loading its data recorded none.
  if (result.workload.trainSamples > 0) {
    take("--train-limit", config.trainLimit, result.workload.trainSamples);
  }
  if (result.workload.testSamples > 0) {
    take("--test-limit", config.testLimit, result.workload.testSamples);
  }
  if (result.projection && result.projection->budgetSeconds > 0.0) {
    take("--time-budget", config.timeBudgetSeconds, result.projection->budgetSeconds);
  }
  return {};
}

}  // namespace tb::cli
