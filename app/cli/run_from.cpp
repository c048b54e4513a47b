// applySavedSettings and useSavedSettings (run_from.h).
#include "run_from.h"

#include "exit_codes.h"
#include "option_checks.h"

#include "data/data_paths.h"
#include "devices/device_id.h"
#include "dist/launch_env.h"
#include "machine/speed_switches.h"
#include "models/workload.h"
#include "results/result_file.h"
#include "results/table_text.h"

#include <algorithm>
#include <cstdio>

namespace tb::cli {

namespace {

// A rank of a data-parallel run, or the command that starts its ranks: it trains its full
// length, with no time budget. A launch that cannot be read counts as none (refused later).
// (--data-parallel 1 is an ordinary run, the one-rank base of a scaling series.)
bool dataParallelRun(const RunOptions& options) {
  if (options.dataParallel > 1) return true;
  try {
    return readPlacement(processEnvironment(), options.launch).worldSize > 1;
  } catch (const LaunchError&) {
    return false;
  }
}

// The reason `result` cannot run again in this version, or empty.
std::string unrunnable(const RunResult& result, const std::string& path, const FlagGiven& given) {
  if (result.distributed && result.distributed->worldSize > 1) {
    return path + " is a data-parallel run of " + std::to_string(result.distributed->worldSize) +
           " ranks; --from runs one device's run again (`show` prints its settings)";
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
  // Unknown data would have been read as the dataset's files ("stream", say, from a newer version).
  const std::string& source = result.workload.dataSource;
  if (!given("--synthetic") && !given("--data-dir") && !knownDataSource(source)) {
    return path + " trained on the data source '" + source +
           "', which this version does not have (give --synthetic or --data-dir to choose the "
           "data)";
  }
  return {};
}

// The kind of device ("cpu", "cuda") `text` names; empty where it names none.
std::string deviceKind(const std::string& text) {
  try {
    return toString(parseDeviceId(text).kind);
  } catch (const std::exception&) {
    return {};
  }
}

// Settings `saved` holds none of (0, or no number: a run that ended before it chose them, a file
// from before they were recorded) take the workload's defaults, as applySavedSettings leaves
// them; said, or a rerun of a batch-16 run would measure batch 32 unseen. Empty when none.
std::string defaultsTaken(const RunResult& saved, const FlagGiven& given,
                          const RunOptions& options) {
  const auto workload = findWorkload(options.config.workload);
  const bool sameWorkload = !given("--workload") || options.config.workload == saved.workload.name;
  if (!workload || !sameWorkload) return {};
  std::string missing;
  std::string defaults;
  const auto add = [&](const char* flag, bool recorded, const char* name, std::string value) {
    if (recorded || given(flag)) return;
    missing += (missing.empty() ? "" : ", ") + std::string(name) + " (" + flag + ")";
    defaults += (defaults.empty() ? "" : ", ") + value;
  };
  char rate[32];
  std::snprintf(rate, sizeof rate, "%g", workload->learningRate);
  add("--epochs", saved.config.epochs > 0, "epochs",
      std::to_string(workload->defaultEpochs) + " epochs");
  add("--batch-size", saved.config.batchSize > 0, "batch size",
      "batch " + std::to_string(workload->defaultBatchSize));
  add("--learning-rate", saved.config.learningRate > 0.0, "learning rate",
      std::string("learning rate ") + rate);
  // A run that failed before loading its data counted no images: the rerun trains them all.
  const auto& projected = saved.projection;
  add("--train-limit", (projected ? projected->trainSamples : saved.workload.trainSamples) > 0,
      "image count", "all images");
  if (missing.empty()) return {};
  return "records no " + missing + ": this run takes " + workload->name + "'s " + defaults;
}

}  // namespace

std::string applySavedSettings(const RunResult& result, const std::string& path,
                               const FlagGiven& given, RunOptions& options) {
  if (std::string problem = unrunnable(result, path, given); !problem.empty()) return problem;
  RunConfig& config = options.config;
  const auto take = [&given, &options](const char* flag, auto& setting, const auto& saved) {
    if (given(flag)) return;
    setting = saved;
    options.flagsFromFile.emplace_back(flag);
  };
  // Epochs, batch, learning rate and image counts are the file's workload's: another workload
  // keeps its own defaults (the MLP's 60000 images are more than CIFAR-10 has).
  const bool sameWorkload = !given("--workload") || config.workload == result.workload.name;
  take("--workload", config.workload, result.workload.name);
  if (!given("--device") && !result.device.id.empty()) {
    options.devices = {result.device.id};
    options.flagsFromFile.emplace_back("--device");
  }
  const bool sameDeviceKind =
      std::all_of(options.devices.begin(), options.devices.end(), [&](const std::string& device) {
        return deviceKind(device) == deviceKind(result.device.id);
      });
  // A file from before a setting was recorded holds 0 (or nothing) for it: the default stays.
  if (sameWorkload) {
    if (result.config.epochs > 0) take("--epochs", config.epochs, result.config.epochs);
    if (result.config.batchSize > 0) take("--batch-size", config.batchSize, result.config.batchSize);
    if (result.config.learningRate > 0.0) {
      take("--learning-rate", config.learningRate, result.config.learningRate);
    }
    // The images it trained on: a run on fewer than the dataset's (or, synthetic, more) did so
    // with a limit. A run that failed before loading its data recorded none. A budgeted run's
    // are those of the full run it projects: it evaluated only part of its test images.
    const auto& projected = result.projection;
    const std::int64_t train = projected ? projected->trainSamples : result.workload.trainSamples;
    const std::int64_t test = projected ? projected->testSamples : result.workload.testSamples;
    if (train > 0) take("--train-limit", config.trainLimit, train);
    if (test > 0) take("--test-limit", config.testLimit, test);
  }
  take("--seed", config.seed, result.config.seed);
  // A count equal to its machine's cores was that machine's default: this machine's applies.
  if (result.config.threads > 0 && result.config.threads != result.system.physicalCores) {
    take("--threads", config.threads, result.config.threads);
  }
  if (!result.config.precision.empty()) {
    take("--precision", config.precision, result.config.precision);
  }
  // A graph run that fell back to eager asked for graph: ask for it again, on a device of the
  // same kind only (CUDA graphs on the CPU would be refused for a flag nobody typed).
  const std::string execution =
      result.config.executionFallback.empty() ? result.config.execution : std::string("graph");
  if (sameDeviceKind && !execution.empty()) take("--execution", config.execution, execution);
  // A data folder asks for the files.
  if (!given("--synthetic") && !given("--data-dir")) {
    config.synthetic = result.workload.dataSource == "synthetic";
  }
  // A data-parallel run trains its full length: the rerun asked for one.
  if (const double budget = savedTimeBudget(result); budget > 0.0 && !dataParallelRun(options)) {
    take("--time-budget", config.timeBudgetSeconds, budget);
  }
  return {};
}

int useSavedSettings(const FlagGiven& given, RunOptions& options) {
  RunResult saved;
  try {
    saved = readResultFile(options.from);
  } catch (const ResultFileError& e) {
    std::fprintf(stderr, "trainbench-cli: error: --from: %s\n", table::printable(e.what()).c_str());
    return kExitData;
  }
  if (const std::string problem = applySavedSettings(saved, options.from, given, options);
      !problem.empty()) {
    std::fprintf(stderr, "trainbench-cli: error: --from: %s\n", table::printable(problem).c_str());
    return kExitUsage;
  }
  if (const std::string defaults = defaultsTaken(saved, given, options); !defaults.empty()) {
    std::fprintf(stderr, "trainbench-cli: warning: --from: %s %s\n",
                 table::printable(options.from).c_str(), defaults.c_str());
  }
  if (const double budget = savedTimeBudget(saved);
      budget > 0.0 && options.dataParallel > 1 && !given("--time-budget")) {
    std::fprintf(stderr,
                 "trainbench-cli: warning: --from: %s ran within a time budget of %g s; this "
                 "data-parallel run trains its full length\n",
                 table::printable(options.from).c_str(), budget);
  }
  // Graph mode captures CUDA steps: on another kind of device the rerun trains eagerly. The
  // figures are another measurement, so it says so rather than dropping the mode unseen.
  // An --execution the user typed is their choice, and needs no word.
  const bool fellBack = !saved.config.executionFallback.empty();
  const bool savedGraph = saved.config.execution == "graph" || fellBack;
  if (savedGraph && options.config.execution != "graph" && !given("--execution")) {
    std::string devices;
    for (const auto& device : options.devices) devices += (devices.empty() ? "" : ", ") + device;
    std::fprintf(stderr,
                 "trainbench-cli: warning: --from: %s %s graph mode on %s; this run on %s "
                 "trains eagerly (graph mode is for CUDA devices)\n",
                 table::printable(options.from).c_str(), fellBack ? "asked for" : "ran in",
                 saved.device.id.c_str(), devices.c_str());
  }
  // The file does not record where its own files were: without --data-dir the rerun reads the
  // data folder's, most often the published set, and measures another benchmark.
  if (saved.workload.dataSource == kCustomFiles && !given("--data-dir")) {
    std::fprintf(stderr,
                 "trainbench-cli: warning: --from: %s trained on custom files (not the published "
                 "set), whose folder it does not record: give --data-dir with the same files to "
                 "train the same\n",
                 table::printable(options.from).c_str());
  }
  // The libraries read these when they load, before any flag: only the user can set them.
  if (const auto here = speedSwitches(); here != saved.config.environment) {
    const std::string then = saved.config.environment.empty()
                                 ? "no speed-changing environment variables set"
                                 : "the speed-changing environment variables " +
                                       speedSwitchesText(saved.config.environment);
    const std::string now = here.empty() ? "none" : speedSwitchesText(here);
    std::fprintf(stderr,
                 "trainbench-cli: warning: --from: %s ran with %s; this run has %s: set the "
                 "same ones to measure the same benchmark\n",
                 table::printable(options.from).c_str(), then.c_str(), now.c_str());
  }
  return kExitOk;
}

}  // namespace tb::cli
