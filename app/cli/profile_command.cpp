// The profile subcommand (profile_command.h).
#include "profile_command.h"

#include "data_command.h"
#include "exit_codes.h"
#include "json_values.h"
#include "option_checks.h"
#include "run_command.h"
#include "signal_guard.h"

#include "data/dataset.h"
#include "devices/blas_library.h"
#include "devices/device_id.h"
#include "engine/execution.h"
#include "engine/step_profile.h"
#include "machine/disturbance.h"
#include "models/workload.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

namespace tb::cli {

namespace {

using Json = nlohmann::ordered_json;

std::string profileJson(const StepProfile& profile) {
  const auto deviceStep = profile.deviceTimedSteps > 0
                              ? nlohmann::ordered_json(profile.deviceStepSeconds)
                              : nlohmann::ordered_json(nullptr);
  nlohmann::ordered_json phases = nlohmann::ordered_json::array();
  for (const auto& phase : profile.phases) {
    phases.push_back({{"phase", toString(phase.phase)},
                      {"seconds_per_step", phase.secondsPerStep},
                      {"share", phase.share},
                      {"device_seconds_per_step", orNull<Json>(phase.deviceSecondsPerStep)}});
  }
  const nlohmann::ordered_json json{{"workload", profile.workload},
                                    {"device", profile.device},
                                    {"device_name", profile.deviceName},
                                    {"precision", profile.precision},
                                    {"execution", profile.execution},
                                    {"bf16_weight_copies", profile.bf16WeightCopies},
                                    {"channels_last_kernels", profile.channelsLastKernels},
                                    {"threads", profile.threads},
                                    {"batch_size", profile.batchSize},
                                    {"steps", profile.steps},
                                    {"phases", phases},
                                    {"step_seconds", profile.stepSeconds},
                                    {"step_seconds_p10", profile.stepSecondsP10},
                                    {"step_seconds_p50", profile.stepSecondsP50},
                                    {"step_seconds_p90", profile.stepSecondsP90},
                                    {"run_step_seconds", profile.runStepSeconds},
                                    {"issue_seconds", profile.issueSeconds},
                                    {"operator_calls", profile.operatorCalls},
                                    {"device_step_seconds", deviceStep},
                                    {"device_timed_steps", profile.deviceTimedSteps},
                                    {"device_time_note", orNull<Json>(profile.deviceTimeNote)},
                                    {"verdict", profile.verdict}};
  return json.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace

ProfileCommand::ProfileCommand(CLI::App& app) {
  m_profile = app.add_subcommand(
      "profile", "Time a few hundred training steps phase by phase (data, forward, backward, "
                 "optimizer) and say what bounds the step");
  auto& c = m_config;
  m_profile->add_option("-w,--workload", c.workload, "Workload: " + workloadNames())
      ->capture_default_str()
      ->check(knownWorkload());
  m_profile->add_option("-d,--device", c.device, "Device: cpu, cuda, cuda:N or mps")
      ->capture_default_str();
  m_profile->add_option("--execution", c.execution, "eager, or graph (CUDA graphs)")
      ->check(CLI::IsMember({"eager", "graph"}));
  m_profile->add_option("--precision", c.precision, "fp32, tf32, bf16 or fp16")
      ->capture_default_str()
      ->check(CLI::IsMember(precisionNames()));
  m_profile->add_option("-b,--batch-size", c.batchSize, "Batch size (default: the workload's)")
      ->transform(wholeNumber(1, kMaxBatchSize));
  m_profile->add_option("--threads", c.threads, "CPU threads (default: the physical cores)")
      ->transform(wholeNumber(1, kMaxThreads));
  m_profile->add_option("--seed", c.seed, "Random seed")->capture_default_str()->transform(unsigned64());
  auto* dataDir =
      m_profile->add_option("--data-dir", c.dataDir, "Folder with the dataset files")->check(pathName());
  m_profile->add_flag("--synthetic", c.synthetic, "Use synthetic data of the dataset's shape")
      ->excludes(dataDir);
  m_profile->add_option("--train-limit", c.trainLimit,
                        "Use only the first N training images (with --synthetic: make N)")
      ->transform(wholeNumber(std::int64_t{1}, std::int64_t{1} << 40));
  m_profile->add_option("--steps", m_steps, "Timed steps")->capture_default_str()->transform(wholeNumber(1, 100000));
  m_profile->add_option("--warmup", m_warmup, "Untimed steps first")
      ->capture_default_str()
      ->transform(wholeNumber(0, 100000));
  m_profile->add_flag("--json", m_json, "Print JSON instead of a table");
  m_profile->add_flag("--no-machine-check", [this](std::int64_t count) { m_checkMachine = count < 0; },
                      "Skip the 1 s check for other busy processes before profiling");
}

bool ProfileCommand::parsed() const { return m_profile->parsed(); }

int ProfileCommand::run() const {
  // The device, precision and execution are checked as `run` checks them, with the same flags
  // named in the messages.
  RunOptions check;
  check.devices = {m_config.device};
  check.config = m_config;
  if (const int code = checkRunDevices(check); code != kExitOk) return code;
  // Steps of a whole batch are what it times: too few images asked for is a flag's mistake, said
  // before any data is made or read.
  const auto workload = findWorkload(m_config.workload);
  const std::int64_t batch = m_config.batchSize > 0 ? m_config.batchSize
                             : workload             ? workload->defaultBatchSize
                                                    : 0;
  if (m_config.trainLimit > 0 && m_config.trainLimit < batch) {
    std::fprintf(stderr,
                 "trainbench-cli: error: --train-limit: %lld images are fewer than one batch of "
                 "%lld (--batch-size): profile times steps of a whole batch\n",
                 static_cast<long long>(m_config.trainLimit), static_cast<long long>(batch));
    return kExitUsage;
  }
  // A busy machine distorts every phase, as it does a run: warn, never block.
  if (m_checkMachine && std::getenv("TRAINBENCH_SKIP_MACHINE_CHECK") == nullptr) {
    for (const auto& warning : checkMachineBeforeRun()) {
      std::fprintf(stderr, "trainbench-cli: warning: %s\n", warning.c_str());
    }
  }
  if (const std::string warning = referenceBlasWarning(loadedBlasLibrary());
      parseDeviceId(m_config.device).kind == DeviceKind::Cpu && !warning.empty()) {
    std::fprintf(stderr, "trainbench-cli: warning: %s\n", warning.c_str());
  }
  const SignalGuard signals;
  ProfileOptions options;
  options.config = m_config;
  options.steps = m_steps;
  options.warmupSteps = m_warmup;
  StepProfile profile;
  try {
    profile = profileTrainingStep(options, signals.cancelFlag());
  } catch (const ExecutionError& e) {
    std::fprintf(stderr, "trainbench-cli: error: %s\n", e.what());
    return kExitUsage;
  } catch (const DeviceError& e) {
    std::fprintf(stderr, "trainbench-cli: error: --device: %s\n", e.what());
    return kExitDevice;
  } catch (const DataError& e) {
    std::fprintf(stderr, "trainbench-cli: error: %s\n", e.what());
    if (const auto workload = findWorkload(m_config.workload)) {
      std::fputs(fetchHint(e.what(), workload->dataset, m_config.dataDir).c_str(), stderr);
    }
    return kExitData;
  } catch (const c10::Error& e) {
    // LibTorch's own errors carry a C++ backtrace, which says nothing to the user.
    std::fprintf(stderr, "trainbench-cli: error: profile: %s\n", e.what_without_backtrace());
    return kExitRunFailed;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "trainbench-cli: error: profile: %s\n", e.what());
    return kExitRunFailed;
  }
  if (signals.cancelled()) {
    std::fprintf(stderr, "trainbench-cli: profile cancelled\n");
    return kExitCancelled;
  }
  const std::string text = m_json ? profileJson(profile) : profileText(profile);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return kExitOk;
}

}  // namespace tb::cli
