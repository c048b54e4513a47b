// profileTrainingStep (step_profile.h): passes over the same steps, after a warm-up: as a run
// trains them (no sync inside), one step at a time from an idle device (the host's issue time),
// a few with ATen's operator calls counted, phase by phase with a sync at each phase's end, and
// on a GPU phase by phase on the device's own clock.
#include "engine/step_profile.h"

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
#include "engine/weight_layout.h"
#include "data/dataset_registry.h"
#include "models/workload.h"

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
  }
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
  std::array<double, std::size(kStepPhases)> m_totals{};
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

  StepProfile profile;
  profile.workload = workload->name;
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
  profile.batchSize = config.batchSize > 0 ? config.batchSize : workload->defaultBatchSize;
  const std::int64_t batch = profile.batchSize;

  if (const std::string problem = batchProblem(*workload, batch, 0); !problem.empty()) {
    throw ExecutionError(problem);
  }
  // Synthetic data only needs enough images for a few dozen distinct batches, and never more
  // than a run would make (the dataset's size) unless one batch is larger.
  RunConfig dataConfig = config;
  if (config.synthetic && config.trainLimit == 0) {
    const auto dataset = findDataset(workload->dataset);
    const std::int64_t full = dataset ? dataset->trainSamples : batch * 64;
    dataConfig.trainLimit = std::min(batch * 64, std::max(full, batch));
  }
  dataConfig.testLimit = 1;
  DatasetSplits data = loadRunData(dataConfig, workload->dataset);
  const std::int64_t batches = data.train.size() / batch;
  if (batches == 0) {
    throw DataError("the training set (" + std::to_string(data.train.size()) +
                    " images; --train-limit) is smaller than one batch of " +
                    std::to_string(batch) + " (--batch-size)");
  }
  const auto images = normalised(data.train.images.to(device));
  const auto labels = data.train.labels.to(device);

  torch::manual_seed(config.seed);
  auto model = workload->makeModel();
  model->to(device);
  model->train();
  const double rate = config.learningRate > 0 ? config.learningRate : workload->learningRate;
  const WeightLayout layout = weightLayoutFor(*model, precision, device, /*dataParallel=*/false);
  KerasAdam optimizer(model->parameters(), KerasAdamOptions{rate},
                      options.warmupSteps + 4 * static_cast<std::int64_t>(options.steps) + kCountedSteps,
                      layout);
  profile.bf16WeightCopies = optimizer.keepsBf16Copies();
  const auto parameters = model->parameters();
  profile.channelsLastKernels = layout.channelsLast && optimizer.isFlat() &&
                                std::any_of(parameters.begin(), parameters.end(),
                                            [](const torch::Tensor& p) { return p.dim() == 4; });
  std::unique_ptr<LossScaler> scaler;
  if (precision == Precision::Fp16) {
    scaler = std::make_unique<LossScaler>(LossScalerOptions{}, device);
  }
  TrainStepParts parts;
  parts.model = model.get();
  parts.optimizer = &optimizer;
  parts.parameters = parameters;
  parts.images = images;
  parts.labels = labels;
  parts.batchSize = batch;
  parts.precision = precision;
  parts.device = device;
  parts.scaler = scaler.get();
  TrainStep step(parts);
  // The run's full, graph-safe steps, over one shuffled order again and again.
  const auto order =
      torch::randperm(data.train.size(), torch::TensorOptions().dtype(torch::kLong)).to(device);
  EpochStats stats(batches * batch, batch, device);
  std::int64_t next = 0;
  const auto nextBatch = [&] {
    if (next++ % batches == 0) step.startEpoch(order, stats);
  };
  const auto trainOne = [&](PhaseObserver* phases) {
    nextBatch();
    step.runFull(phases);
  };

  for (int i = 0; i < options.warmupSteps && !cancel.load(); ++i) trainOne(nullptr);
  synchronise(device);

  // As a run trains: no sync inside.
  int done = 0;
  auto start = Clock::now();
  for (; done < options.steps && !cancel.load(); ++done) trainOne(nullptr);
  synchronise(device);
  if (done == 0) return profile;
  profile.runStepSeconds = seconds(Clock::now() - start) / done;

  // One step at a time from an idle device: the host's time to issue it. (On the CPU that is
  // the step itself, measured above.)
  profile.issueSeconds = profile.runStepSeconds;
  if (!device.is_cpu()) {
    double issue = 0.0;
    int issued = 0;
    for (; issued < done && !cancel.load(); ++issued) {
      synchronise(device);
      start = Clock::now();
      trainOne(nullptr);
      issue += seconds(Clock::now() - start);
    }
    synchronise(device);
    if (issued == 0) return profile;
    profile.issueSeconds = issue / issued;
  }

  {
    const OperatorCounter counter;
    int counted = 0;
    for (; counted < kCountedSteps && !cancel.load(); ++counted) trainOne(nullptr);
    synchronise(device);
    if (counted == 0) return profile;
    profile.operatorCalls = static_cast<double>(counter.calls()) / counted;
  }

  PhaseTimer timer(device);
  int timed = 0;
  for (; timed < done && !cancel.load(); ++timed) {
    timer.startStep();
    trainOne(&timer);
  }
  if (timed == 0) return profile;
  profile.steps = timed;
  for (const StepPhase phase : kStepPhases) {
    if (phase == StepPhase::Exchange) continue;  // one process: nothing to exchange
    profile.phases.push_back(PhaseTime{phase, timer.total(phase) / timed, 0.0, std::nullopt});
    profile.stepSeconds += profile.phases.back().secondsPerStep;
  }
  for (auto& phase : profile.phases) {
    phase.share = profile.stepSeconds > 0 ? phase.secondsPerStep / profile.stepSeconds : 0.0;
  }
  timeOnDevice(
      profile, options.deviceClock ? options.deviceClock(device) : deviceQueueClock(device),
      [&](DeviceTimer& timer) {
        nextBatch();
        timer.startStep();
        step.runFull(&timer);
        timer.finishStep();
      },
      cancel);
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
  std::snprintf(line, sizeof line, "%s on %s (%s), %s, %s%s, batch %lld, %d thread%s: %d step%s\n\n",
                profile.workload.c_str(), profile.device.c_str(), profile.deviceName.c_str(),
                profile.precision.c_str(), profile.execution.c_str(), layout.c_str(),
                static_cast<long long>(profile.batchSize), profile.threads,
                profile.threads == 1 ? "" : "s", profile.steps, profile.steps == 1 ? "" : "s");
  text += line;
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
