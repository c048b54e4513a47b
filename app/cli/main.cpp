// trainbench-cli: the headless front end of TrainBench (links the core only, no Qt).
#include "compare_command.h"
#include "data_command.h"
#include "data_parallel.h"
#include "exit_codes.h"
#include "info_commands.h"
#include "option_checks.h"
#include "probe_command.h"
#include "profile_command.h"
#include "run_command.h"
#include "run_from.h"
#include "scaling_command.h"
#include "signal_guard.h"

#include "devices/build_info.h"
#include "devices/device_id.h"
#include "devices/system_info.h"
#include "engine/precision.h"
#include "engine/run_data.h"
#include "engine/step_graph.h"
#include "models/workload.h"

#include <CLI/CLI.hpp>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <poll.h>
#include <unistd.h>

namespace {

using tb::cli::finiteNumber;
using tb::cli::knownWorkload;
using tb::cli::pathName;
using tb::cli::precisionNames;
using tb::cli::unsigned64;
using tb::cli::wholeNumber;
using tb::cli::workloadNames;

constexpr const char* kExitCodeHelp =
    "Exit codes: 0 ok, 2 usage, 3 data or file error (also: the result cannot be saved), "
    "4 device error, 5 run failed, "
    "130 cancelled (Ctrl-C, SIGTERM or SIGHUP; `run` saves the run as cancelled), "
    "141 the output's reader closed it first (`| head`), as for other tools.";

void addRunOptions(CLI::App& run, tb::cli::RunOptions& options) {
  auto& config = options.config;
  run.add_option("-w,--workload", config.workload, "Workload to train: " + workloadNames())
      ->capture_default_str()
      ->check(knownWorkload());
  run.add_option("-d,--device", options.devices,
                 "Device: cpu, cuda, cuda:N or mps; repeat to run on each in turn (default cpu)");
  run.add_option("-e,--epochs", config.epochs, "Epochs (default: the workload's, 10 for the seed)")
      ->transform(wholeNumber(1, tb::kMaxEpochs));
  run.add_option("-b,--batch-size", config.batchSize, "Batch size (default: the workload's, 32 for the seed)")
      ->transform(wholeNumber(1, tb::kMaxBatchSize));
  run.add_option("--learning-rate", config.learningRate,
                 "Adam learning rate (default: the workload's, Keras's 1e-3)")
      ->check(finiteNumber(tb::kMinLearningRate, tb::kMaxLearningRate, false,
                           "above 0 that float32 holds (1.2e-38 to 3.4e+38)"));
  run.add_option("--seed", config.seed, "Random seed for weights, shuffling and synthetic data")
      ->capture_default_str()
      ->transform(unsigned64());
  run.add_option("--threads", config.threads,
                 "CPU threads (default: the physical cores); with --data-parallel N, the run's, "
                 "each rank taking its share")
      ->transform(wholeNumber(1, tb::kMaxThreads));
  auto* dataDir = run.add_option("--data-dir", config.dataDir,
                                 "Folder with the dataset files (default: $TRAINBENCH_DATA_DIR or "
                                 "$XDG_DATA_HOME/trainbench/datasets/<dataset>)")
                      ->check(pathName());
  // Two opposite asks: one of them was trained and the other dropped without a word.
  run.add_flag("--synthetic", config.synthetic,
               "Use built-in synthetic data of the same shapes (recorded as synthetic)")
      ->excludes(dataDir);
  run.add_option("--train-limit", config.trainLimit,
                 "Use only the first N training images (with --synthetic: make N, more than the "
                 "dataset has if asked)")
      ->transform(wholeNumber(std::int64_t{1}, tb::kMaxImageLimit));
  run.add_option("--test-limit", config.testLimit,
                 "Use only the first N test images (with --synthetic: make N)")
      ->transform(wholeNumber(std::int64_t{1}, tb::kMaxImageLimit));
  run.add_option("--telemetry-interval", config.telemetryIntervalSeconds,
                 "Seconds between CPU, GPU and memory samples (0.1 or more)")
      ->capture_default_str()
      ->check(finiteNumber(tb::kMinTelemetryIntervalSeconds, tb::kMaxTelemetryIntervalSeconds));
  run.add_option("-o,--out", options.out,
                 "Result file, or folder for automatically named files (default: "
                 "$TRAINBENCH_RESULTS_DIR or $XDG_DATA_HOME/trainbench/results)")
      ->check(pathName());
  run.add_option("--precision", config.precision,
                 "fp32 (default), tf32 (CUDA, Ampere or newer), bf16 (CPU and CUDA mixed "
                 "precision) or fp16 (CUDA mixed precision with loss scaling)")
      ->capture_default_str()
      ->check(CLI::IsMember(precisionNames()));
  run.add_option("--execution", config.execution,
                 std::string("eager (default: each kernel launched as the step runs) or graph (the "
                             "step captured as a CUDA graph and replayed") +
                     (tb::builtWithCudaGraphs() ? ")" : "; not in this build)"))
      ->check(CLI::IsMember({"eager", "graph"}));
  // A function flag gets 1 for "--no-probe" and -1 for "--no-probe=false".
  run.add_flag("--no-probe", [&config](std::int64_t count) { config.probePeak = count < 0; },
               "Do not measure the device's peak before the first run (no efficiency figures)");
  auto* quiet = run.add_flag("-q,--quiet", options.quiet, "No progress output; only the summary");
  // Quiet would silence the events a driving program waits for.
  run.add_flag("--progress-json", options.jsonProgress,
               "Progress as JSON lines on stdout, one event per line, for programs that drive "
               "trainbench-cli (docs/result-format.md)")
      ->excludes(quiet);
  run.add_option_function<std::string>(
         "--repeat",
         [&options](const std::string& text) {
           options.autoRepeat = text == "auto";
           if (!options.autoRepeat) options.repeats = std::stoi(text);
         },
         "Run each device N times (1-" + std::to_string(tb::kMaxRepeats) +
             "), or 'auto': 3 to 10 times, until the 95% interval of steady-state samples/s is "
             "within 2% of its median; the runs share a group id")
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            const bool digits = !text.empty() && text.size() <= 3 &&
                                text.find_first_not_of("0123456789") == std::string::npos;
            if (text == "auto" ||
                (digits && std::stoi(text) >= 1 && std::stoi(text) <= tb::kMaxRepeats)) {
              return {};
            }
            return "expects a number from 1 to " + std::to_string(tb::kMaxRepeats) +
                   " or 'auto', not '" + text + "'";
          },
          "N|auto"));
  run.add_option("--time-budget", config.timeBudgetSeconds,
                 "Train for about this many seconds, then project the full run from the "
                 "steady-state step time (e.g. 60); a run that fits in the budget runs in full; "
                 "0: none (for a --from run that had one)")
      ->check(tb::cli::finiteNumberOrNone(tb::kMinTimeBudgetSeconds, tb::kMaxTimeBudgetSeconds));
  run.add_option("--from", options.from,
                 "Run again with the settings of a saved result file (workload, device, epochs, "
                 "batch size, learning rate, seed, threads, precision, execution, images, data "
                 "source, time budget); flags given as well override them")
      ->type_name("FILE")
      ->check(pathName());
  run.add_option("--data-parallel", options.dataParallel,
                 "Train one run on N local ranks (child processes), averaging gradients with "
                 "allreduce (Gloo); CPU threads are split between CPU ranks")
      ->transform(wholeNumber(1, 256));
  run.add_option("--rank", options.launch.rank, "This process's rank (overrides RANK and the "
                                                "launcher's)")
      ->transform(wholeNumber(0, 1 << 20));
  run.add_option("--world-size", options.launch.worldSize, "Ranks in the run (overrides WORLD_SIZE)")
      ->transform(wholeNumber(1, 1 << 20));
  run.add_option("--master-addr", options.launch.masterAddr,
                 "Rendezvous host, served by rank 0 (overrides MASTER_ADDR)");
  run.add_option("--master-port", options.launch.masterPort, "Rendezvous port (overrides "
                                                             "MASTER_PORT)")
      ->transform(wholeNumber(1, 65535));
  run.add_option_function<std::string>(
         "--scaling", [&options](const std::string& mode) { options.strongScaling = mode == "strong"; },
         "weak (default: a full batch per rank, global batch = batch x ranks) or strong (the "
         "batch split across the ranks, as Keras's MirroredStrategy)")
      ->check(CLI::IsMember({"weak", "strong"}));
  run.add_option("--dist-timeout", options.distTimeoutSeconds,
                 "Seconds a rank waits for the others before it stops with an error")
      ->capture_default_str()
      ->transform(wholeNumber(1, 86400));
  run.add_option("--bucket-mb", options.bucketMegabytes,
                 "Gradients travel in allreduce buckets of about this many MB")
      ->capture_default_str()
      ->check(finiteNumber(0.001, 4096));
  run.add_flag("--no-machine-check",
               [&options](std::int64_t count) { options.checkMachine = count < 0; },
               "Do not sample the machine for a second before training to warn when it is busy "
               "(also off when $TRAINBENCH_SKIP_MACHINE_CHECK is set)");
}

// Standard output is a pipe whose reader has closed it. Asked of the pipe itself: the failed
// write's errno may be long overwritten when the output is checked.
bool pipeReaderGone() {
  pollfd out{STDOUT_FILENO, POLLOUT, 0};
  return ::poll(&out, 1, 0) == 1 && (out.revents & POLLERR) != 0;
}

// A command whose product is its standard output (a table, JSON for a script) must not exit 0
// when that could not be written in full: a full disk left its reader half a document. A reader
// that closed the pipe (`| head -1`) wanted no more: the command ends quietly, as other tools
// do, with SIGPIPE's status. (A run's product is its result file; its progress may go to a
// closed pipe.)
int checkedOutput(int code) {
  errno = 0;
  if (std::fflush(stdout) == 0 && !std::ferror(stdout)) return code;
  if (errno == EPIPE || pipeReaderGone()) {
    return code == tb::cli::kExitOk ? tb::cli::kExitReaderGone : code;
  }
  std::fprintf(stderr,
               "trainbench-cli: error: standard output: the output was not written in full%s%s\n",
               errno != 0 ? ": " : "", errno != 0 ? std::strerror(errno) : "");
  return code == tb::cli::kExitOk ? tb::cli::kExitData : code;
}

// CLI11 reads a mistyped command as no command at all ("A subcommand is required"): false after
// naming the commands there are.
bool knownCommand(const CLI::App& app, int argc, char** argv) {
  if (argc <= 1 || argv[1][0] == '-') return true;
  const std::string word = argv[1];
  bool known = false;
  std::string names;
  for (const CLI::App* command : app.get_subcommands([](const CLI::App*) { return true; })) {
    known = known || command->check_name(word);
    names += (names.empty() ? "" : ", ") + command->get_name();
  }
  if (!known) {
    std::fprintf(stderr, "trainbench-cli: error: unknown command '%s'; the commands are %s "
                         "(trainbench-cli --help says more)\n",
                 word.c_str(), names.c_str());
  }
  return known;
}

// `run --data-parallel N` (N > 1) on this machine: checked once here, then its ranks started.
int launchDataParallel(tb::cli::RunOptions& runOptions, int argc, char** argv) {
  if (!tb::cli::dataParallelBuilt()) {
    std::fprintf(stderr, "trainbench-cli: error: --data-parallel: this trainbench-cli was "
                         "built without data-parallel runs (build it with libgloo-dev)\n");
    return tb::cli::kExitUsage;
  }
  if (const std::string problem =
          tb::cli::dataParallelProblem(runOptions, runOptions.dataParallel);
      !problem.empty()) {
    std::fprintf(stderr, "trainbench-cli: error: --data-parallel: %s\n", problem.c_str());
    return tb::cli::kExitUsage;
  }
  // The device, precision, execution, settings and --out folder are checked once here, not
  // once by every rank after all of them started.
  if (const int code = tb::cli::checkRunDevices(runOptions); code != tb::cli::kExitOk) {
    return code;
  }
  if (const std::string problem =
          tb::cli::rankDevicesProblem(runOptions, runOptions.dataParallel);
      !problem.empty()) {
    std::fprintf(stderr, "trainbench-cli: error: --data-parallel: %s\n", problem.c_str());
    return tb::cli::kExitDevice;
  }
  if (const int code = tb::cli::checkRunSettings(runOptions); code != tb::cli::kExitOk) {
    return code;
  }
  // Every rank holds the whole training set: ranks that together outgrow the memory would be
  // killed by the system one by one, saving nothing.
  if (const auto workload = tb::findWorkload(runOptions.config.workload)) {
    if (const std::string problem = tb::dataMemoryProblem(
            runOptions.config, workload->dataset, runOptions.dataParallel);
        !problem.empty()) {
      std::fprintf(stderr, "trainbench-cli: error: %s\n", problem.c_str());
      return tb::cli::kExitData;
    }
  }
  return tb::cli::spawnLocalRanks(runOptions, argc, argv);
}

}  // namespace

int main(int argc, char** argv) {
  tb::cli::ignoreFileSignals();
  CLI::App app{"TrainBench: how fast does this machine, and each device in it, train a neural "
               "network?",
               "trainbench-cli"};
  app.footer(kExitCodeHelp);
  app.set_version_flag("--version", "trainbench-cli " + tb::appVersion() + " (LibTorch " +
                                        tb::libtorchVersion() + "; " +
                                        tb::buildText(tb::thisBuild()) + ")");
  app.require_subcommand(1);
  app.failure_message(tb::cli::usageFailure);

  bool json = false;
  auto* devices = app.add_subcommand("devices", "List the devices this machine can train on");
  devices->add_flag("--json", json, "Print JSON instead of a table");
  auto* workloads = app.add_subcommand("workloads", "List the training workloads");
  workloads->add_flag("--json", json, "Print JSON instead of a table");

  tb::cli::RunOptions runOptions;
  auto* run = app.add_subcommand("run", "Train a workload on one or more devices and save results");
  addRunOptions(*run, runOptions);

  std::string showPath;
  auto* show = app.add_subcommand("show", "Summarise a result file");
  show->add_option("file", showPath, "Result file (.json)")
      ->required()
      ->check(pathName(/*positional=*/true));
  show->add_flag("--json", json, "Print the whole result as JSON");

  tb::cli::CompareCommand compare(app);  // `compare FILE|DIR... [--json] [--baseline TEXT]`
  tb::cli::ScalingCommand scaling(app);  // `scaling FILE|DIR...`
  tb::cli::DataCommand data(app);  // `data status`, `data fetch NAME`
  tb::cli::ProbeCommand probe(app);  // `probe [--device D] [--json]`
  tb::cli::ProfileCommand profile(app);  // `profile --workload W --device D [--steps N]`

  if (!knownCommand(app, argc, argv)) return tb::cli::kExitUsage;

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);  // prints the message and a hint
    return tb::cli::kExitUsage;
  }

  if (*devices) return checkedOutput(tb::cli::devicesCommand(json));
  if (*workloads) return checkedOutput(tb::cli::workloadsCommand(json));
  if (*show) return checkedOutput(tb::cli::showCommand(showPath, json));
  if (scaling.parsed()) return checkedOutput(scaling.run());
  if (compare.parsed()) return checkedOutput(compare.run());
  if (data.parsed()) return checkedOutput(data.run());
  if (probe.parsed()) return checkedOutput(probe.run());
  if (profile.parsed()) return checkedOutput(profile.run());
  if (!runOptions.from.empty()) {
    const auto given = [run](const std::string& flag) { return run->count(flag) > 0; };
    if (const int code = tb::cli::useSavedSettings(given, runOptions); code != tb::cli::kExitOk) {
      return code;
    }
  }
  if (runOptions.devices.empty()) runOptions.devices.push_back("cpu");
  // One spelling from here on: every check below compares the words ("cpu", "cuda").
  for (std::string& device : runOptions.devices) device = tb::canonicalDeviceText(device);
  // A run address without the ranks to meet there trained one process and said nothing.
  for (const char* flag :
       {"--scaling", "--dist-timeout", "--bucket-mb", "--master-addr", "--master-port"}) {
    if (run->count(flag) > 0) runOptions.dataParallelFlagsGiven.emplace_back(flag);
  }
  if (std::getenv("TRAINBENCH_SKIP_MACHINE_CHECK")) runOptions.checkMachine = false;
  // A rank of a launched run joins it; --data-parallel N alone starts the ranks.
  if (const int code = tb::cli::joinLaunchedRun(runOptions); code >= 0) {
    return tb::cli::leaveRun(std::move(runOptions.config.exchange), code);
  }
  // --data-parallel 1 is the one-rank base of a scaling series (docs/data-parallel.md): its knobs
  // are the series'.
  if (!runOptions.config.exchange && run->count("--data-parallel") == 0) {
    if (const std::string problem = tb::cli::unusedDataParallelFlags(runOptions); !problem.empty()) {
      std::fprintf(stderr, "trainbench-cli: error: %s\n", problem.c_str());
      return tb::cli::kExitUsage;
    }
  }
  if (!runOptions.config.exchange && runOptions.dataParallel > 1) {
    return launchDataParallel(runOptions, argc, argv);
  }
  const int code = tb::cli::runCommand(runOptions);
  return tb::cli::leaveRun(std::move(runOptions.config.exchange), code);
}
