#include "run_command.h"

#include "exit_codes.h"
#include "progress_printer.h"

#include "devices/device_facts.h"
#include "devices/device_id.h"
#include "engine/precision.h"
#include "engine/trainer.h"
#include "results/comparison.h"
#include "results/result_file.h"
#include "results/result_paths.h"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <set>

namespace tb::cli {

namespace {

std::atomic<bool> g_cancelRequested{false};

extern "C" void onInterrupt(int /*signal*/) { g_cancelRequested.store(true); }

// The first Ctrl-C cancels cleanly (the result is saved as cancelled); SA_RESETHAND makes a
// second one end the program at once.
class InterruptGuard {
 public:
  InterruptGuard() {
    struct sigaction action {};
    action.sa_handler = onInterrupt;
    action.sa_flags = SA_RESETHAND;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &m_previous);
    sigaction(SIGTERM, &action, &m_previousTerm);
  }
  ~InterruptGuard() {
    sigaction(SIGINT, &m_previous, nullptr);
    sigaction(SIGTERM, &m_previousTerm, nullptr);
  }
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

 private:
  struct sigaction m_previous {};
  struct sigaction m_previousTerm {};
};

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

// The four lines the seed script prints, so outputs compare line by line.
void printSeedSummary(const RunResult& result) {
  std::printf("Training set contained %lld images\n",
              static_cast<long long>(result.workload.trainSamples));
  std::printf("Testing set contained %lld images\n",
              static_cast<long long>(result.workload.testSamples));
  if (result.test) std::printf("Model achieved %.2f testing accuracy\n", result.test->accuracy);
  if (result.totalSeconds) {
    std::printf("Training and testing took %.2f seconds\n", *result.totalSeconds);
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
  } else {
    std::printf("; the device's peak was not measured\n");
  }
}

// The runs side by side, as the Markdown table the GUI exports (readable in a terminal too).
void printComparison(const std::vector<RunResult>& results) {
  std::vector<ComparisonRow> rows;
  std::size_t baseline = 0;
  for (const auto& result : results) {
    if (rows.size() == baseline && !result.totalSeconds) ++baseline;  // first completed run
    rows.push_back(comparisonRow(result));
  }
  if (baseline < rows.size()) applySpeedups(rows, baseline);
  std::printf("\n%s", comparisonMarkdown(rows).c_str());
}

// `path`, or `path` with "_2", "_3", ... before its extension when an earlier run of this
// command wrote it, or (for automatic names) when a file is already there: runs never replace
// each other's results.
std::string unusedPath(const std::string& path, const std::set<std::string>& written,
                       bool avoidExisting) {
  namespace fs = std::filesystem;
  const auto taken = [&](const std::string& candidate) {
    std::error_code error;
    return written.count(candidate) > 0 || (avoidExisting && fs::exists(candidate, error));
  };
  if (!taken(path)) return path;
  const fs::path original(path);
  for (int n = 2;; ++n) {
    const std::string candidate = (original.parent_path() / (original.stem().string() + "_" +
                                                             std::to_string(n) +
                                                             original.extension().string()))
                                      .string();
    if (!taken(candidate)) return candidate;
  }
}

bool isFolderTarget(const std::string& out) {
  std::error_code error;
  return out.empty() || out.back() == '/' || std::filesystem::is_directory(out, error);
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

int runCommand(const RunOptions& options) {
  // Check every device before training on the first, so a typo costs no time.
  for (const auto& device : options.devices) {
    try {
      const DeviceId id = resolveDevice(device);
      try {
        checkPrecision(id, options.config.precision, deviceFacts(id).computeCapability);
      } catch (const DeviceError& e) {
        std::fprintf(stderr, "trainbench-cli: error: --precision: %s\n", e.what());
        return kExitDevice;
      }
    } catch (const DeviceError& e) {
      std::fprintf(stderr, "trainbench-cli: error: --device: %s\n", e.what());
      return kExitDevice;
    }
  }

  InterruptGuard interrupts;
  g_cancelRequested.store(false);
  std::vector<RunResult> results;
  std::set<std::string> written;
  const bool autoNamed = isFolderTarget(options.out);
  int exitCode = kExitOk;
  const bool severalDevices = options.devices.size() > 1;
  for (const auto& device : options.devices) {
    if (g_cancelRequested.load()) break;
    RunConfig config = options.config;
    config.device = device;
    ProgressPrinter printer(stdout, styleFor(stdout, options.quiet));
    RunResult result = runTraining(config, printer, g_cancelRequested);

    const std::string path = unusedPath(resultPath(options.out, defaultResultFileName(result),
                                                   result.device.id, severalDevices),
                                        written, autoNamed);
    bool saved = true;
    try {
      writeResultFile(result, path);
      written.insert(path);
    } catch (const ResultFileError& e) {
      std::fprintf(stderr, "trainbench-cli: error: %s\n", e.what());
      exitCode = exitCode == kExitOk ? kExitData : exitCode;
      saved = false;
    }

    if (result.status == RunStatus::Completed) {
      printSeedSummary(result);
    } else if (result.status == RunStatus::Cancelled) {
      std::fprintf(stderr, "\ntrainbench-cli: cancelled on %s after %zu epoch(s)\n",
                   result.device.id.c_str(), result.epochs.size());
    } else {
      std::fprintf(stderr, "trainbench-cli: error: %s: %s\n", result.device.id.c_str(),
                   result.error.c_str());
    }
    if (saved) std::printf("Result saved to %s\n", path.c_str());
    if (result.status == RunStatus::Completed) printEfficiency(result);
    std::fflush(stdout);
    if (exitCode == kExitOk || result.status == RunStatus::Cancelled) {
      exitCode = std::max(exitCode, exitCodeFor(result));
    }
    results.push_back(std::move(result));
  }
  if (severalDevices) printComparison(results);
  return exitCode;
}

}  // namespace tb::cli
