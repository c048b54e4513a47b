#include "run_command.h"

#include "data_command.h"
#include "exit_codes.h"
#include "json_progress.h"
#include "progress_printer.h"
#include "rank_journal.h"
#include "signal_guard.h"

#include "devices/blas_library.h"
#include "devices/device_facts.h"
#include "engine/execution.h"
#include "engine/gradient_exchange.h"
#include "devices/device_id.h"
#include "engine/precision.h"
#include "engine/trainer.h"
#include "machine/cpu_budget.h"
#include "machine/disturbance.h"
#include "results/comparison.h"
#include "results/comparison_groups.h"
#include "results/repeats.h"
#include "results/result_file.h"
#include "results/result_paths.h"
#include "results/trust_text.h"
#include "stats/summary.h"
#include "util/text.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <string_view>

namespace tb::cli {

namespace {

int exitCodeFor(const RunResult& result) {
  switch (result.status) {
    case RunStatus::Completed: return kExitOk;
    case RunStatus::Cancelled: return kExitCancelled;
    case RunStatus::Failed: break;
  }
  switch (result.failure) {
    case FailureKind::Data: return kExitData;
    case FailureKind::Device: return kExitDevice;
    default: return kExitRunFailed;
  }
}

// The four lines the seed script prints, so outputs compare line by line. A run its time budget
// cut short says so on them: its accuracy and time are not the full run's, which is projected.
void printSeedSummary(const RunResult& result) {
  std::printf("Training set contained %lld images\n",
              static_cast<long long>(result.workload.trainSamples));
  std::printf("Testing set contained %lld images\n",
              static_cast<long long>(result.workload.testSamples));
  const char* cutShort = result.projection ? " (cut short by the time budget)" : "";
  if (result.test) {
    std::printf("Model achieved %.2f testing accuracy%s\n", result.test->accuracy, cutShort);
  }
  if (result.totalSeconds) {
    std::printf("Training and testing took %.2f seconds%s\n", *result.totalSeconds, cutShort);
  }
}

// Throughput once warm-up is over, and for a budgeted run the full run it projects.
void printTrustFigures(const RunResult& result) {
  if (const auto& steady = result.steadyState) {
    std::printf("Steady state: %s\n", steadyStateText(*steady).c_str());
  }
  if (const auto& projection = result.projection) {
    std::printf("Projected full run %s\n", projectionText(*projection).c_str());
  }
}

// A data-parallel run's shape and each rank's share of it.
void printDistributed(const RunResult& result) {
  const auto& d = result.distributed;
  if (!d) return;
  std::printf("Data-parallel: %d ranks over %s, %s scaling, global batch %d\n", d->worldSize,
              d->backend.c_str(), d->scaling.c_str(), d->globalBatch);
  for (const RankRecord& rank : d->ranks) std::printf("  %s\n", rankText(rank).c_str());
}

// A disturbed run is saved like any other, with its warnings; the user hears of them at once.
void printValidity(const RunResult& result) {
  // Graph mode that trained eagerly: the figures are eager ones, and the user should know why.
  if (!result.config.executionFallback.empty()) {
    std::fprintf(stderr, "trainbench-cli: warning: %s: %s\n", result.device.id.c_str(),
                 result.config.executionFallback.c_str());
  }
  // Warnings about the run itself (a data-parallel epoch's left-out images) come undisturbed too.
  if (!result.validity) return;
  for (const auto& warning : result.validity->warnings) {
    std::fprintf(stderr, "trainbench-cli: warning: %s: %s\n", result.device.id.c_str(),
                 warning.c_str());
  }
}

// Achieved TFLOPS against the device's measured peak, where the workload's FLOPs are known.
void printEfficiency(const RunResult& result) {
  const ComparisonRow row = comparisonRow(result);
  if (!row.achievedTflops) return;
  std::printf("Achieved %s TFLOPS (%s)", formatTflops(*row.achievedTflops).c_str(),
              result.config.precision.c_str());
  if (row.efficiency && row.peakTflops) {
    std::printf(", %s of the measured peak %s TFLOPS\n", formatEfficiency(*row.efficiency).c_str(),
                formatTflops(*row.peakTflops).c_str());
    if (const std::string note = efficiencyNote({row}); !note.empty()) std::printf("%s\n", note.c_str());
  } else {
    std::printf("; the device's peak was not measured\n");
  }
}

// The runs side by side, grouped and with repeats folded, as `compare` prints them.
void printComparison(const std::vector<RunResult>& results) {
  std::printf("\n%s", comparisonText(buildComparison(results)).c_str());
}

bool endsWithJson(const std::string& path) {
  constexpr std::string_view kExtension = ".json";
  if (path.size() < kExtension.size()) return false;
  return asciiLower(path.substr(path.size() - kExtension.size())) == kExtension;
}

// A folder unless `out` names a .json file: an existing folder, "DIR/", or a new name such as
// "results" (which once became a file that the next run replaced).
bool isFolderTarget(const std::string& out) {
  std::error_code error;
  return out.empty() || out.back() == '/' || std::filesystem::is_directory(out, error) ||
         !endsWithJson(out);
}

// Checks --out and the folder it saves to before any training: a run that cannot be saved does
// not start. Returns an empty string or the message.
std::string outProblem(const std::string& out) {
  namespace fs = std::filesystem;
  std::error_code error;
  const auto status = fs::symlink_status(out, error);
  if (!out.empty() && fs::exists(status) && !fs::is_directory(fs::status(out, error))) {
    // A link (even one to nowhere) is a taken name like a file: the result gets the next free
    // name beside it.
    if (!fs::is_regular_file(status) && !fs::is_symlink(status)) {
      return "--out: " + out + " is not a regular file or a folder";
    }
    if (!endsWithJson(out)) {
      return "--out: " + out + " is a file, not a folder; name a result file with .json";
    }
  }
  const std::string folder = isFolderTarget(out)
                                 ? (out.empty() ? defaultResultsDir() : out)
                                 : fs::path(out).parent_path().string();
  try {
    checkResultsFolder(folder.empty() ? "." : folder,
                       isFolderTarget(out) ? std::string() : fs::path(out).filename().string());
  } catch (const ResultFileError& e) {
    // Without --out, the folder is the default one ($TRAINBENCH_RESULTS_DIR or the user's).
    return (out.empty() ? std::string("results folder: ") : std::string("--out: ")) + e.what();
  }
  return {};
}

int runOnce(const RunConfig& config, const RunOptions& options, bool severalFiles,
            const SignalGuard& signals, std::vector<RunResult>& results) {
  int exitCode = kExitOk;
  {
    ProgressPrinter printer(stdout, styleFor(stdout, options.quiet));
    JsonProgress json(stdout);
    RunObserver& observer = options.jsonProgress && !options.quiet
                                ? static_cast<RunObserver&>(json)
                                : static_cast<RunObserver&>(printer);
    // Rank 0 of a local data-parallel run keeps the run so far for its launcher.
    std::optional<RankJournal> journal;
    if (const char* path = std::getenv(kRankJournalVariable);
        path != nullptr && config.exchange && config.exchange->rank() == 0) {
      journal.emplace(observer, path);
    }
    RunResult result = runTraining(config, journal ? *journal : observer, signals.cancelFlag());
    printer.finishLine();

    // A data-parallel run is saved once, by rank 0, for all ranks.
    if (config.exchange && config.exchange->rank() != 0) {
      const int code = exitCodeFor(result);
      // Said here too: rank 0 names it from the store (reportFailure), but a launcher shows
      // each rank's own output.
      if (result.status == RunStatus::Failed && !result.error.empty()) {
        // Its error may name the rank already ("rank 1 on node7: rank 0 ... stopped answering").
        const std::string rank = "rank " + std::to_string(config.exchange->rank());
        if (result.error.rfind(rank + " ", 0) == 0) {
          std::fprintf(stderr, "trainbench-cli: error: %s\n", result.error.c_str());
        } else {
          std::fprintf(stderr, "trainbench-cli: error: %s: %s\n", rank.c_str(),
                       result.error.c_str());
        }
      }
      results.push_back(std::move(result));
      return code;
    }
    // From here a second Ctrl-C waits until the result is saved and its path printed.
    const SignalGuard::SaveSection saving;
    const std::string wanted =
        resultPath(options.out, defaultResultFileName(result), result.device.id, severalFiles);
    std::string path;
    try {
      // Never replaces a file: another run's result, or one saved a moment ago by a concurrent
      // process, keeps its name and this one takes the next free "_N".
      path = saveResultUnderFreeName(result, wanted);
      // Repeats of one run take "_2", "_3" beside the first as expected; only another file
      // already there is worth a word.
      const bool earlierRepeat =
          std::any_of(results.begin(), results.end(), [&](const RunResult& earlier) {
            return resultPath(options.out, defaultResultFileName(earlier), earlier.device.id,
                              severalFiles) == wanted;
          });
      if (path != wanted && !isFolderTarget(options.out) && !earlierRepeat) {
        std::fprintf(stderr, "trainbench-cli: %s exists; saving as %s instead\n", wanted.c_str(),
                     path.c_str());
      }
    } catch (const ResultFileError& e) {
      std::fprintf(stderr, "trainbench-cli: error: cannot save the result: %s\n", e.what());
      exitCode = exitCode == kExitOk ? kExitData : exitCode;
    }
    if (journal) journal->finish();  // saved here, or said why not: never saved twice
    const bool saved = !path.empty();

    if (result.status == RunStatus::Completed) {
      printSeedSummary(result);
    } else if (result.status == RunStatus::Cancelled) {
      std::fprintf(stderr, "trainbench-cli: cancelled on %s after %zu epoch(s)\n",
                   result.device.id.c_str(), result.epochs.size());
    } else {
      std::fprintf(stderr, "trainbench-cli: error: %s: %s\n", result.device.id.c_str(),
                   result.error.c_str());
      const std::string hint =
          fetchHint(result.error, result.workload.dataset, options.config.dataDir);
      std::fputs(hint.c_str(), stderr);
    }
    if (options.jsonProgress && !options.quiet) json.finishedEvent(result, path);
    if (saved) std::printf("Result saved to %s\n", path.c_str());
    if (result.status == RunStatus::Completed) {
      printTrustFigures(result);
      printDistributed(result);
      printEfficiency(result);
    }
    std::fflush(stdout);
    printValidity(result);
    if (exitCode == kExitOk || result.status == RunStatus::Cancelled) {
      exitCode = std::max(exitCode, exitCodeFor(result));
    }
    results.push_back(std::move(result));
  }
  return exitCode;
}

}  // namespace

std::string resultPath(const std::string& out, const std::string& autoName,
                       const std::string& deviceId, bool severalDevices) {
  namespace fs = std::filesystem;
  const std::string target = out.empty() ? defaultResultsDir() : out;
  if (isFolderTarget(out)) return (fs::path(target) / autoName).string();
  if (!severalDevices) return target;
  fs::path path(target);
  std::string device = deviceId;
  for (auto& c : device) {
    if (c == ':') c = '-';
  }
  const std::string extension = path.has_extension() ? path.extension().string() : ".json";
  return (path.parent_path() / (path.stem().string() + "_" + device + extension)).string();
}

RunCheck runDevicesCheck(const RunOptions& options) {
  for (const auto& device : options.devices) {
    try {
      const DeviceId id = resolveDevice(device);
      try {
        checkPrecision(id, options.config.precision, deviceFacts(id).computeCapability);
      } catch (const DeviceError& e) {
        return {kExitDevice, std::string("--precision: ") + e.what()};
      }
      try {
        resolveExecution(id, options.config.execution);
      } catch (const ExecutionError& e) {
        return {kExitUsage, e.what()};
      }
    } catch (const DeviceError& e) {
      return {kExitDevice, std::string("--device: ") + e.what()};
    }
  }
  return {};
}

RunCheck runSettingsCheck(const RunOptions& options) {
  if (std::string problem = runConfigProblem(options.config, options.dataParallel > 1);
      !problem.empty()) {
    return {kExitUsage, std::move(problem)};
  }
  if (std::string problem = outProblem(options.out); !problem.empty()) {
    return {kExitData, std::move(problem)};
  }
  return {};
}

namespace {

int printed(const RunCheck& check, const RunOptions& options) {
  if (check.code == kExitOk) return check.code;
  // Settings the user did not type came from the file: say so, and how to change them.
  std::string flags;
  for (const std::string& flag : options.flagsFromFile) {
    const std::string& text = check.message;
    if (text.compare(0, flag.size() + 1, flag + ":") == 0 ||
        text.find("(" + flag + ")") != std::string::npos) {
      flags += (flags.empty() ? "" : ", ") + flag;
    }
  }
  const bool one = flags.find(',') == std::string::npos;
  const std::string from = flags.empty() ? std::string()
                                         : " (" + flags + " from --from " + options.from +
                                               "; give " + (one ? flags : "them") +
                                               " to override " + (one ? "it" : "them") + ")";
  std::fprintf(stderr, "trainbench-cli: error: %s%s\n", check.message.c_str(), from.c_str());
  return check.code;
}

std::string sameDeviceTwiceWarning(const std::vector<std::string>& devices, bool repeating) {
  std::map<std::string, std::string> givenAs;  // canonical id -> the text that first named it
  for (const auto& device : devices) {
    std::string id;
    try {
      id = resolveDevice(device).str();
    } catch (const DeviceError&) {
      continue;  // refused on its own by runDevicesCheck
    }
    if (const auto [first, isNew] = givenAs.emplace(id, device); !isNew) {
      const std::string same = first->second == device ? device + " is given twice"
                                                       : first->second + " and " + device +
                                                             " are one device (" + id + ")";
      if (repeating) {
        return "--device: " + same + ": --repeat runs for each of them, as two groups of " +
               "repeats; give it once";
      }
      return "--device: " + same + ": it trains once for each, one run after the other; " +
             "--repeat N repeats every device and says the repeats' spread";
    }
  }
  return {};
}

}  // namespace

int checkRunDevices(const RunOptions& options) {
  return printed(runDevicesCheck(options), options);
}

int checkRunSettings(const RunOptions& options) {
  return printed(runSettingsCheck(options), options);
}

int runCommand(const RunOptions& options) {
  // From the start: a Ctrl-C during the checks below cancels like one during training (exit
  // 130), not with the default action's silent 143.
  const SignalGuard signals;
  // Check every device before training on the first, so a typo costs no time.
  if (const int code = checkRunDevices(options); code != kExitOk) return code;
  if (const int code = checkRunSettings(options); code != kExitOk) return code;

  // Two runs of one device are what was asked, but --repeat may have been meant.
  if (const std::string warning =
          sameDeviceTwiceWarning(options.devices, options.repeats > 1 || options.autoRepeat);
      !warning.empty()) {
    std::fprintf(stderr, "trainbench-cli: warning: %s\n", warning.c_str());
  }
  // Said now, while Ctrl-C costs nothing; the result says it too.
  const bool onCpu = std::find(options.devices.begin(), options.devices.end(), "cpu") !=
                     options.devices.end();
  if (const std::string warning = tooManyThreadsWarning(options.config.threads, usableCpuCount());
      onCpu && !warning.empty()) {
    std::fprintf(stderr, "trainbench-cli: warning: --threads: %s\n", warning.c_str());
  }
  if (const std::string warning = referenceBlasWarning(loadedBlasLibrary());
      onCpu && !warning.empty()) {
    std::fprintf(stderr, "trainbench-cli: warning: %s\n", warning.c_str());
  }
  // Warn, never block: the user may know the load is brief, or want to measure under it.
  if (options.checkMachine) {
    for (const auto& warning : checkMachineBeforeRun()) {
      std::fprintf(stderr, "trainbench-cli: warning: %s\n", warning.c_str());
    }
  }

  std::vector<RunResult> results;
  int exitCode = kExitOk;
  const bool severalDevices = options.devices.size() > 1;
  const bool repeating = options.autoRepeat || options.repeats > 1;
  bool saveRefused = false;
  for (const auto& device : options.devices) {
    if (signals.cancelled() || saveRefused) break;
    RunConfig config = options.config;
    config.device = device;
    if (repeating) config.group = newGroupId();
    std::vector<RunResult> repeats;
    bool gaveUp = false;
    for (int repeat = 1; !signals.cancelled(); ++repeat) {
      if (!options.autoRepeat && repeat > options.repeats) break;
      if (repeating) std::printf("Repeat %d on %s\n", repeat, device.c_str());
      const int code = runOnce(config, options, severalDevices || repeating, signals, results);
      // The first error's code stands; a later Ctrl-C still ends the command with 130.
      if (exitCode == kExitOk || code == kExitCancelled) exitCode = std::max(exitCode, code);
      const RunResult& result = results.back();
      if (result.status != RunStatus::Completed) break;  // a failure repeats the same way
      repeats.push_back(result);
      // Only a save can fail a completed run: the next run's result would be lost the same way.
      if (code != kExitOk) {
        const bool more = &device != &options.devices.back() || options.autoRepeat ||
                          repeat < options.repeats;
        if (more) {
          std::fprintf(stderr, "trainbench-cli: no further run started: the result could not be "
                               "saved, and the next one would be lost the same way\n");
        }
        saveRefused = true;
        break;
      }
      if (options.autoRepeat) {
        const RepeatDecision decision =
            autoRepeatDecision(repeats.size(), steadyThroughputs(repeats));
        if (decision == RepeatDecision::Continue) continue;
        gaveUp = decision == RepeatDecision::GaveUp;
        break;
      }
    }
    if (repeating && !repeats.empty()) {
      std::printf("%s\n", repeatSummary(device, repeats, gaveUp).c_str());
    }
  }
  // A signal between two runs (while one was being saved, say) ends the command like one
  // during a run: the runs saved so far stand, and the exit code says it was cancelled.
  if (signals.cancelled() && exitCode != kExitCancelled) {
    // Said once for a data-parallel run, by rank 0: a launcher shows every rank's output.
    if (!options.config.exchange || options.config.exchange->rank() == 0) {
      std::fprintf(stderr, results.empty()
                               ? "\ntrainbench-cli: cancelled before the run started; nothing saved\n"
                               : "\ntrainbench-cli: cancelled; no further run started\n");
    }
    exitCode = kExitCancelled;
  }
  if (severalDevices || repeating) printComparison(results);
  return exitCode;
}

}  // namespace tb::cli
