// profileTrainingStep (step_profile.h): passes over the same steps, after a warm-up: as a run
// trains them (no sync inside), one step at a time from an idle device (the host's issue time),
// a few with ATen's operator calls counted, phase by phase with a sync at each phase's end, and
// on a GPU phase by phase on the device's own clock.
#include "engine/step_profile.h"

#include "data/dataset_registry.h"
#include "devices/device_facts.h"
#include "devices/device_id.h"
#include "devices/system_info.h"
#include "devices/torch_device.h"
#include "engine/device_timer.h"
#include "engine/epoch_stats.h"
#include "engine/execution.h"
#include "engine/keras_adam.h"
#include "engine/loss_scaler.h"
#include "engine/precision_scope.h"
#include "engine/run_data.h"
#include "engine/step_memory.h"
#include "engine/weight_layout.h"
#include "models/workload.h"
#include "stats/summary.h"

#include <ATen/record_function.h>
#include <torch/torch.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

namespace tb {

namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::duration duration) { return std::chrono::duration<double>(duration).count(); }

// Adds each phase's synchronised time to its total.
class PhaseTimer final : public PhaseObserver {
 public:
  explicit PhaseTimer(const torch::Device& device) : m_device(device) {}

  void startStep() {
    synchronise(m_device);
    m_last = Clock::now();
    m_stepStart = m_last;
  }
  // The step just timed, from its start to its last phase's end.
  void endStep() { m_steps.push_back(seconds(m_last - m_stepStart)); }
  const std::vector<double>& steps() const { return m_steps; }
  void phaseEnded(StepPhase phase) override {
    synchronise(m_device);
    const auto now = Clock::now();
    m_totals[static_cast<std::size_t>(phase)] += seconds(now - m_last);
    m_last = now;
  }
  double total(StepPhase phase) const { return m_totals[static_cast<std::size_t>(phase)]; }

 private:
  torch::Device m_device;
  Clock::time_point m_last;
  Clock::time_point m_stepStart;
  std::array<double, std::size(kStepPhases)> m_totals{};
  std::vector<double> m_steps;
};

int percent(double share) { return static_cast<int>(share * 100.0 + 0.5); }

// Whole percentages of `shares` (fractions that add up to 1) that add up to 100 as the shares
// do: each rounded down, then the largest remainders rounded up (6.5 + 93.5 reads 7 + 93, not
// 7 + 94).
std::vector<int> wholePercents(const std::vector<double>& shares) {
  std::vector<int> whole;
  std::vector<std::pair<double, std::size_t>> remainders;
  double total = 0.0;
  for (std::size_t i = 0; i < shares.size(); ++i) {
    const double exact = std::max(0.0, shares[i]) * 100.0;
    whole.push_back(static_cast<int>(exact));
    remainders.emplace_back(exact - whole.back(), i);
    total += exact;
  }
  int missing = static_cast<int>(total + 0.5);
  for (const int value : whole) missing -= value;
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t i = 0; i < remainders.size() && missing > 0; ++i, --missing) {
    ++whole[remainders[i].second];
  }
  return whole;
}

std::atomic<std::int64_t> g_operatorCalls{0};

std::unique_ptr<at::ObserverContext> countOperatorCall(const at::RecordFunction&) {
  g_operatorCalls.fetch_add(1, std::memory_order_relaxed);
  return nullptr;
}

// Counts ATen's operator calls while it lives (RecordFunction, every thread: backward runs on
// the autograd engine's threads on a GPU).
class OperatorCounter {
 public:
  OperatorCounter()
      : m_handle(at::addGlobalCallback(
            at::RecordFunctionCallback(countOperatorCall).scopes({at::RecordScope::FUNCTION}))) {
    g_operatorCalls.store(0);
  }
  ~OperatorCounter() { at::removeCallback(m_handle); }
  OperatorCounter(const OperatorCounter&) = delete;
  OperatorCounter& operator=(const OperatorCounter&) = delete;
  std::int64_t calls() const { return g_operatorCalls.load(); }

 private:
  at::CallbackHandle m_handle;
};

constexpr int kCountedSteps = 5;
constexpr int kDeviceTimedSteps = 50;
// A host that cannot queue a phase within this long of holding the device is waiting for it.
constexpr int kLongestHoldSeconds = 2;

// Times up to kDeviceTimedSteps steps phase by phase on the device's own clock (none: the
// device has no such clock); `train` trains one step, telling `timer` of its phases.
void timeOnDevice(StepProfile& profile, std::unique_ptr<DeviceQueueClock> clock,
                  const std::function<void(DeviceTimer& timer)>& train,
                  const std::atomic<bool>& cancel) {
  if (!clock) return;
  // Each phase is queued in less than the whole step's issue time: hold for twice that.
  DeviceTimer timer(std::move(clock), 2.0 * profile.issueSeconds + 1e-3);
  const int wanted = std::min(profile.steps, kDeviceTimedSteps);
  while (timer.steps() < wanted && timer.holdSeconds() <= kLongestHoldSeconds && !cancel.load()) {
    train(timer);
  }
  if (timer.steps() == 0) {
    if (!cancel.load()) {
      profile.deviceTimeNote = "no device time: the host could not queue a phase while the device "
                               "was held for " + std::to_string(kLongestHoldSeconds) +
                               " s, so something in the step waits for the device";
    }
    return;
  }
  profile.deviceTimedSteps = timer.steps();
  for (auto& phase : profile.phases) {
    phase.deviceSecondsPerStep = timer.total(phase.phase) / timer.steps();
    profile.deviceStepSeconds += *phase.deviceSecondsPerStep;
  }
}

// The header of a profile: what it trains, where and how. Throws what a run of these settings
// would refuse.
StepProfile describeProfile(const ProfileOptions& options, const WorkloadSpec& workload,
                            const DeviceId& id, Precision precision) {
  const RunConfig& config = options.config;
  StepProfile profile;
  profile.workload = workload.name;
  profile.device = id.str();
  profile.deviceName = deviceFacts(id).name;
  profile.precision = toString(precision);
  profile.execution = resolveExecution(id, config.execution);
  if (profile.execution == "graph") {
    // A replayed graph is one launch: its phases cannot be timed apart.
    throw ExecutionError("profile --execution graph: the phases of a captured step cannot be "
                         "timed apart; profile eagerly and compare the modes with `run "
                         "--execution graph`");
  }
  profile.threads = at::get_num_threads();
  profile.batchSize = config.batchSize > 0 ? config.batchSize : workload.defaultBatchSize;
  if (const std::string problem = batchProblem(workload, profile.batchSize, 0); !problem.empty()) {
    throw ExecutionError(problem);
  }
  return profile;
}

// The images a profile trains on. Synthetic data only needs enough for a few dozen distinct
// batches, and never more than a run would make (the dataset's size) unless one batch is larger.
DatasetSplits profileData(const RunConfig& config, const WorkloadSpec& workload,
                          std::int64_t batch) {
  RunConfig dataConfig = config;
  if (config.synthetic && config.trainLimit == 0) {
    const auto dataset = findDataset(workload.dataset);
    const std::int64_t full = dataset ? dataset->trainSamples : batch * 64;
    dataConfig.trainLimit = std::min(batch * 64, std::max(full, batch));
  }
  dataConfig.testLimit = 1;
  DatasetSplits data = loadRunData(dataConfig, workload.dataset);
  if (data.train.size() < batch) {
    throw DataError("the training set (" + std::to_string(data.train.size()) +
                    " images; --train-limit) is smaller than one batch of " +
                    std::to_string(batch) + " (--batch-size)");
  }
  return data;
}

// A model training the run's full, graph-safe steps over one shuffled order again and again,
// and the passes that time them; each pass fills its part of the profile and says whether it
// timed any step (a cancel ends it early).
class StepProfiler {
 public:
  StepProfiler(const ProfileOptions& options, const WorkloadSpec& workload, Precision precision,
               const torch::Device& device, StepProfile& profile, const std::atomic<bool>& cancel)
      : m_options(options), m_device(device), m_profile(profile), m_cancel(cancel) {
    const std::int64_t batch = profile.batchSize;
    const RunConfig& config = options.config;
    const DatasetSplits data = profileData(config, workload, batch);
    if (device.is_cpu()) {
      if (std::string problem = cpuStepMemoryProblem(workload, batch, data); !problem.empty()) {
        throw std::runtime_error(problem);
      }
    }
    m_batches = data.train.size() / batch;
    torch::manual_seed(torchSeed(config.seed));
    m_model = workload.makeModel();
    m_model->to(device);
    m_model->train();
    const double rate = config.learningRate > 0 ? config.learningRate : workload.learningRate;
    const WeightLayout layout = weightLayoutFor(*m_model, precision, device, /*dataParallel=*/false);
    const std::int64_t allSteps =
        options.warmupSteps + 4 * static_cast<std::int64_t>(options.steps) + kCountedSteps;
    m_optimizer = std::make_unique<KerasAdam>(m_model->parameters(), KerasAdamOptions{rate},
                                              allSteps, layout);
    profile.bf16WeightCopies = m_optimizer->keepsBf16Copies();
    const auto parameters = m_model->parameters();
    profile.channelsLastKernels = layout.channelsLast && m_optimizer->isFlat() &&
                                  std::any_of(parameters.begin(), parameters.end(),
                                              [](const torch::Tensor& p) { return p.dim() == 4; });
    if (precision == Precision::Fp16) {
      m_scaler = std::make_unique<LossScaler>(LossScalerOptions{}, device);
    }
    TrainStepParts parts;
    parts.model = m_model.get();
    parts.optimizer = m_optimizer.get();
    parts.parameters = parameters;
    parts.images = normalised(data.train.images.to(device));
    parts.labels = data.train.labels.to(device);
    parts.batchSize = batch;
    parts.precision = precision;
    parts.device = device;
    parts.scaler = m_scaler.get();
    m_step = std::make_unique<TrainStep>(parts);
    m_order =
        torch::randperm(data.train.size(), torch::TensorOptions().dtype(torch::kLong)).to(device);
    m_stats = std::make_unique<EpochStats>(m_batches * batch, batch, device);
  }

  void warmUp() {
    for (int i = 0; i < m_options.warmupSteps && !cancelled(); ++i) trainOne(nullptr);
    synchronise(m_device);
  }

  // As a run trains: no sync inside.
  bool timeAsRun() {
    int done = 0;
    const auto start = Clock::now();
    for (; done < m_options.steps && !cancelled(); ++done) trainOne(nullptr);
    synchronise(m_device);
    if (done == 0) return false;
    m_done = done;
    m_profile.runStepSeconds = seconds(Clock::now() - start) / done;
    return true;
  }

  // One step at a time from an idle device: the host's time to issue it. (On the CPU that is
  // the step itself, timed as a run.)
  bool timeIssue() {
    m_profile.issueSeconds = m_profile.runStepSeconds;
    if (m_device.is_cpu()) return true;
    double issue = 0.0;
    int issued = 0;
    for (; issued < m_done && !cancelled(); ++issued) {
      synchronise(m_device);
      const auto start = Clock::now();
      trainOne(nullptr);
      issue += seconds(Clock::now() - start);
    }
    synchronise(m_device);
    if (issued == 0) return false;
    m_profile.issueSeconds = issue / issued;
    return true;
  }

  bool countOperators() {
    const OperatorCounter counter;
    int counted = 0;
    for (; counted < kCountedSteps && !cancelled(); ++counted) trainOne(nullptr);
    synchronise(m_device);
    if (counted == 0) return false;
    m_profile.operatorCalls = static_cast<double>(counter.calls()) / counted;
    return true;
  }

  // Phase by phase, the device synchronised at each phase's end.
  bool timePhases() {
    PhaseTimer timer(m_device);
    int timed = 0;
    for (; timed < m_done && !cancelled(); ++timed) {
      timer.startStep();
      trainOne(&timer);
      timer.endStep();
    }
    if (timed == 0) return false;
    m_profile.steps = timed;
    // The shares are of the mean step; how far single steps strayed from it says whether the
    // machine held still while they were timed.
    m_profile.stepSecondsP10 = percentile(timer.steps(), 0.1).value_or(0.0);
    m_profile.stepSecondsP50 = percentile(timer.steps(), 0.5).value_or(0.0);
    m_profile.stepSecondsP90 = percentile(timer.steps(), 0.9).value_or(0.0);
    for (const StepPhase phase : kStepPhases) {
      if (phase == StepPhase::Exchange) continue;  // one process: nothing to exchange
      m_profile.phases.push_back(PhaseTime{phase, timer.total(phase) / timed, 0.0, std::nullopt});
      m_profile.stepSeconds += m_profile.phases.back().secondsPerStep;
    }
    for (auto& phase : m_profile.phases) {
      phase.share = m_profile.stepSeconds > 0 ? phase.secondsPerStep / m_profile.stepSeconds : 0.0;
    }
    return true;
  }

  // Phase by phase on the device's own clock, where it has one.
  void timePhasesOnDevice() {
    timeOnDevice(
        m_profile,
        m_options.deviceClock ? m_options.deviceClock(m_device) : deviceQueueClock(m_device),
        [this](DeviceTimer& timer) {
          nextBatch();
          timer.startStep();
          m_step->runFull(&timer);
          timer.finishStep();
        },
        m_cancel);
  }

 private:
  bool cancelled() const { return m_cancel.load(); }
  void nextBatch() {
    if (m_next++ % m_batches == 0) m_step->startEpoch(m_order, *m_stats);
  }
  void trainOne(PhaseObserver* phases) {
    nextBatch();
    m_step->runFull(phases);
  }

  const ProfileOptions& m_options;
  torch::Device m_device;
  StepProfile& m_profile;
  const std::atomic<bool>& m_cancel;
  std::int64_t m_batches = 0;
  std::shared_ptr<Classifier> m_model;
  std::unique_ptr<KerasAdam> m_optimizer;
  std::unique_ptr<LossScaler> m_scaler;
  std::unique_ptr<TrainStep> m_step;
  torch::Tensor m_order;
  std::unique_ptr<EpochStats> m_stats;
  std::int64_t m_next = 0;
  int m_done = 0;  // steps timed as a run: the other passes time as many
};

}  // namespace

StepProfile profileTrainingStep(const ProfileOptions& options, const std::atomic<bool>& cancel) {
  const RunConfig& config = options.config;
  const auto workload = findWorkload(config.workload);
  if (!workload) throw std::runtime_error("unknown workload '" + config.workload + "'");
  if (options.steps < 1 || options.warmupSteps < 0) {
    throw std::runtime_error("a profile needs at least one timed step");
  }
  const DeviceId id = resolveDevice(config.device);
  const Precision precision =
      checkPrecision(id, config.precision, deviceFacts(id).computeCapability);
  const torch::Device device = torchDevice(id);
  at::set_num_threads(cpuThreadCount(config.threads));
  // The math mode a run of this precision trains in (TF32 off for fp32, cuDNN autotuning as
  // set), or the profile would time other kernels than the run's.
  const MathModeScope mathMode(precision, device);

  StepProfile profile = describeProfile(options, *workload, id, precision);
  StepProfiler profiler(options, *workload, precision, device, profile, cancel);
  profiler.warmUp();
  if (!profiler.timeAsRun() || !profiler.timeIssue() || !profiler.countOperators() ||
      !profiler.timePhases()) {
    return profile;
  }
  profiler.timePhasesOnDevice();
  profile.verdict = stepVerdict(profile, toString(id.kind));
  return profile;
}

std::optional<double> deviceBusyShare(const StepProfile& profile) {
  if (profile.deviceStepSeconds <= 0 || profile.runStepSeconds <= 0) return std::nullopt;
  return std::min(1.0, profile.deviceStepSeconds / profile.runStepSeconds);
}

std::string stepVerdict(const StepProfile& profile, const std::string& deviceKind) {
  std::vector<double> shares;
  std::size_t largest = 0;
  for (std::size_t i = 0; i < profile.phases.size(); ++i) {
    shares.push_back(profile.phases[i].share);
    if (profile.phases[i].secondsPerStep > profile.phases[largest].secondsPerStep) largest = i;
  }
  if (shares.empty() || profile.runStepSeconds <= 0) return "no steps were timed";
  // The percentage the table prints for it (wholePercents), not one rounded on its own.
  const std::string top = std::string(toString(profile.phases[largest].phase)) + " takes " +
                          std::to_string(wholePercents(shares)[largest]) + " % of the step";
  if (deviceKind == "cpu") return "compute-bound on the CPU: " + top;
  if (const auto busyShare = deviceBusyShare(profile)) {
    // The device's own time against the step's: for the rest it waits for the host's launches.
    const double busy = *busyShare;
    if (busy < 0.8) {
      return "launch-bound: the GPU is idle " + std::to_string(percent(1.0 - busy)) +
             " % of the step, waiting for the host's launches; " + top;
    }
    return "device-bound: the GPU is busy " + std::to_string(percent(busy)) + " % of the step; " +
           top;
  }
  // The device cannot start a kernel before the host has issued it.
  const double issueShare = profile.issueSeconds / profile.runStepSeconds;
  if (issueShare >= 0.8) {
    return "launch-bound: the host needs " + std::to_string(percent(std::min(1.0, issueShare))) +
           " % of the step to issue its kernels, so the " + deviceKind +
           " device waits for it; " + top;
  }
  return "device-bound: the host issues a step in " + std::to_string(percent(issueShare)) +
         " % of its time and the device's work sets the pace; " + top;
}

std::string profileText(const StepProfile& profile) {
  std::string text;
  char line[256];
  const std::string layout = std::string(profile.bf16WeightCopies ? ", bf16 weight copies" : "") +
                             (profile.channelsLastKernels ? ", channels-last kernels" : "");
  // Built whole, not in `line`: a GPU's name (NVML's, up to 96 bytes) and the layout's words cut
  // the step count and the blank line off, and the table's header ran on after it.
  text += profile.workload + " on " + profile.device + " (" + profile.deviceName + "), " +
          profile.precision + ", " + profile.execution + layout + ", batch " +
          std::to_string(profile.batchSize) + ", " + std::to_string(profile.threads) +
          (profile.threads == 1 ? " thread: " : " threads: ") + std::to_string(profile.steps) +
          (profile.steps == 1 ? " step\n\n" : " steps\n\n");
  // The device's own time, where measured, in a column of its own.
  const bool onDevice = profile.deviceTimedSteps > 0;
  const auto deviceMs = [](std::optional<double> seconds) {
    char cell[32] = "";
    if (seconds) std::snprintf(cell, sizeof cell, " %15.3f", *seconds * 1e3);
    return std::string(cell);
  };
  std::snprintf(line, sizeof line, "%-10s %12s %8s%s\n", "phase", "ms/step", "share",
                onDevice ? "  device ms/step" : "");
  text += line;
  std::vector<double> shares;
  for (const auto& phase : profile.phases) shares.push_back(phase.share);
  const std::vector<int> percents = wholePercents(shares);
  for (std::size_t i = 0; i < profile.phases.size(); ++i) {
    const PhaseTime& phase = profile.phases[i];
    std::snprintf(line, sizeof line, "%-10s %12.3f %7d%%%s\n", toString(phase.phase),
                  phase.secondsPerStep * 1e3, percents[i],
                  deviceMs(phase.deviceSecondsPerStep).c_str());
    text += line;
  }
  std::snprintf(line, sizeof line, "%-10s %12.3f %7d%%%s\n\n", "step", profile.stepSeconds * 1e3,
                100, onDevice ? deviceMs(profile.deviceStepSeconds).c_str() : "");
  text += line;
  if (profile.stepSecondsP50 > 0) {
    std::snprintf(line, sizeof line,
                  "Steps varied: median %.3f ms, 80%% of them %.3f-%.3f ms (the table gives "
                  "means).\n",
                  profile.stepSecondsP50 * 1e3, profile.stepSecondsP10 * 1e3,
                  profile.stepSecondsP90 * 1e3);
    text += line;
  }
  std::snprintf(line, sizeof line,
                "Trained as in a run (no sync inside a step): %.3f ms/step; the host issues a step "
                "in %.3f ms, making %.0f ATen operator calls.\n",
                profile.runStepSeconds * 1e3, profile.issueSeconds * 1e3, profile.operatorCalls);
  text += line;
  if (onDevice) {
    std::snprintf(line, sizeof line,
                  "On the device's own clock (CUDA events, %d steps, each phase queued while the "
                  "device was held): %.3f ms of work per step.\n",
                  profile.deviceTimedSteps, profile.deviceStepSeconds * 1e3);
    text += line;
  }
  if (!profile.deviceTimeNote.empty()) text += profile.deviceTimeNote + "\n";
  text += profile.verdict + "\n";
  return text;
}

}  // namespace tb
