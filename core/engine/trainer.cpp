// runTraining: resolves a RunConfig, loads data, trains, evaluates and builds the RunResult.
#include "engine/trainer.h"

#include "devices/cuda_memory.h"
#include "devices/device_facts.h"
#include "devices/device_health.h"
#include "devices/device_id.h"
#include "devices/peak_probe.h"
#include "devices/system_info.h"
#include "devices/torch_device.h"
#include "engine/epoch_stats.h"
#include "engine/execution.h"
#include "engine/graph_steps.h"
#include "engine/gradient_exchange.h"
#include "engine/keras_adam.h"
#include "engine/loss_scaler.h"
#include "engine/precision.h"
#include "engine/precision_scope.h"
#include "engine/projection.h"
#include "engine/rank_data.h"
#include "engine/rank_records.h"
#include "engine/run_data.h"
#include "engine/step_times.h"
#include "engine/train_step.h"
#include "engine/weight_layout.h"
#include "machine/cpu_budget.h"
#include "machine/validity_monitor.h"
#include "models/workload.h"
#include "telemetry/telemetry_sampler.h"

#include <torch/torch.h>

#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace tb {

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kProgressInterval = std::chrono::milliseconds(50);  // at most ~20 events a second

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Thrown inside the loop when the cancel flag is seen; caught by TrainingRun::execute.
struct Cancelled {};

class Failure : public std::runtime_error {
 public:
  Failure(FailureKind kind, const std::string& message)
      : std::runtime_error(message), m_kind(kind) {}
  FailureKind kind() const { return m_kind; }

 private:
  FailureKind m_kind;
};

class TrainingRun {
 public:
  TrainingRun(const RunConfig& config, RunObserver& observer, const std::atomic<bool>& cancel)
      : m_config(config), m_observer(observer), m_cancel(cancel) {}

  RunResult execute();

 private:
  void resolve();
  void loadData();
  void loadDataOnEveryRank();
  void train();
  // Returns false when the time budget ended training within this epoch.
  bool trainEpoch(int epoch, Classifier& model, TrainStep& step, GraphSteps& fullStepRunner);
  void evaluate(Classifier& model);
  bool budgeted() const { return m_config.timeBudgetSeconds > 0; }
  bool budgetSpent() const;
  void project();
  int worldSize() const { return m_config.exchange ? m_config.exchange->worldSize() : 1; }
  int rank() const { return m_config.exchange ? m_config.exchange->rank() : 0; }
  void resolveDistributed();
  void checkCancelled() const {
    if (m_cancel.load(std::memory_order_relaxed)) throw Cancelled{};
  }
  void forwardTelemetry();
  void recordFailure(const std::string& message);

  const RunConfig& m_config;
  RunObserver& m_observer;
  const std::atomic<bool>& m_cancel;
  RunResult m_result;
  WorkloadSpec m_workload;
  torch::Device m_device{torch::kCPU};
  DeviceFacts m_facts;
  Precision m_precision = Precision::Fp32;
  std::unique_ptr<LossScaler> m_scaler;  // fp16 only
  // One for the whole run, restarted each epoch: a full step writes to the same memory every
  // epoch (engine/train_step.h).
  std::unique_ptr<EpochStats> m_epochStats;
  std::vector<torch::Tensor> m_parameters;
  DatasetSplits m_data;
  Clock::time_point m_start;
  std::unique_ptr<TelemetrySampler> m_sampler;
  std::unique_ptr<ValidityMonitor> m_validity;
  // What the settings themselves make doubtful, said in the result's warnings: a data-parallel
  // epoch that leaves out more than 1% of the images, more CPU threads than CPUs.
  std::vector<std::string> m_settingsWarnings;
  StepTimes m_stepTimes;
  std::optional<double> m_setupSeconds;  // clock start to the first step
  double m_evaluationSeconds = 0.0;
  std::int64_t m_evaluatedSamples = 0;
  bool m_cutShort = false;  // the time budget ended training before its last epoch
};

// A budgeted run needs enough steps after warm-up for a projection worth reading.
constexpr std::int64_t kMinProjectionSteps = 30;
// Evaluation of a budgeted run stops after this share of the budget (at least 5 s) and is
// scaled up: on a laptop CPU, ResNet-50's 10 000 test images alone take minutes.
constexpr double kEvaluationBudgetShare = 0.25;
constexpr double kMinEvaluationBudgetSeconds = 5.0;

RunResult TrainingRun::execute() {
  m_result.created = isoTimestampUtc();
  m_result.system = collectSystemInfo();
  m_result.config.seed = m_config.seed;
  m_result.config.precision = m_config.precision;
  m_result.device.id = m_config.device;
  m_result.workload.name = m_config.workload;
  m_result.group = m_config.group;
  try {
    resolve();
    loadDataOnEveryRank();
    train();
    m_result.status = RunStatus::Completed;
  } catch (const Cancelled&) {
    m_result.status = RunStatus::Cancelled;
  } catch (const Failure& e) {
    m_result.failure = e.kind();
    m_result.error = e.what();
  } catch (const DataError& e) {
    m_result.failure = FailureKind::Data;
    m_result.error = e.what();
  } catch (const DeviceError& e) {
    m_result.failure = FailureKind::Device;
    m_result.error = e.what();
  } catch (const c10::Error& e) {
    recordFailure(e.what_without_backtrace());
  } catch (const std::exception& e) {
    recordFailure(e.what());
  } catch (...) {
    m_result.failure = FailureKind::Run;
    m_result.error = "unknown error";
  }
  // Ranks of a cancelled data-parallel run stop at different steps: one that finds its partner
  // gone was still cancelled by the user, not failed.
  if (m_result.status == RunStatus::Failed && m_config.exchange && m_cancel.load()) {
    m_result.status = RunStatus::Cancelled;
    m_result.failure = FailureKind::None;
    m_result.error.clear();
  }
  // The other ranks see this one stop answering; the reason is known here alone.
  if (m_result.status == RunStatus::Failed && m_config.exchange) {
    m_config.exchange->reportFailure(m_result.error);
  }
  if (m_result.status != RunStatus::Completed) m_result.totalSeconds.reset();
  m_result.steadyState = m_stepTimes.steadyState(m_result.config.batchSize * worldSize());
  // The closing telemetry sample first: the validity check's pass over /proc is not the run's.
  if (m_sampler) {
    m_sampler->finish();
    try {
      forwardTelemetry();
    } catch (...) {
      // The run is over; an observer failing on a late sample must not change its outcome.
    }
    m_result.timeline = thinnedTimeline(m_sampler->all());
  }
  // A failed run has nothing to judge; a cancelled one keeps its epochs and so its validity.
  if (m_validity && m_result.status != RunStatus::Failed) m_result.validity = m_validity->finish();
  if (!m_settingsWarnings.empty() && m_result.status != RunStatus::Failed) {
    if (!m_result.validity) m_result.validity = ValidityRecord{};
    for (const auto& warning : m_settingsWarnings) m_result.validity->warnings.push_back(warning);
  }
  return m_result;
}

void TrainingRun::resolve() {
  if (const std::string problem = runConfigProblem(m_config); !problem.empty()) {
    throw Failure(FailureKind::Run, problem);
  }
  const auto workload = findWorkload(m_config.workload);
  if (!workload) {
    throw Failure(FailureKind::Run, "unknown workload '" + m_config.workload +
                                        "'; available workloads: " + workloadNames());
  }
  m_workload = *workload;
  const DeviceId id = resolveDevice(m_config.device);
  m_device = torchDevice(id);
  m_facts = deviceFacts(id);
  m_precision = checkPrecision(id, m_config.precision, m_facts.computeCapability);
  try {
    // A capture given by a test runs graph mode on any device.
    const bool givenCapture = m_config.stepCapture && m_config.execution == "graph";
    m_result.config.execution = givenCapture ? "graph" : resolveExecution(id, m_config.execution);
  } catch (const ExecutionError& e) {
    throw Failure(FailureKind::Run, e.what());
  }
  const int threads = cpuThreadCount(m_config.threads);
  at::set_num_threads(threads);
  if (id.kind == DeviceKind::Cpu) {
    if (std::string warning = tooManyThreadsWarning(threads, usableCpuCount()); !warning.empty()) {
      m_settingsWarnings.push_back(std::move(warning));
    }
  }

  m_result.device.id = id.str();
  m_result.device.kind = toString(id.kind);
  m_result.device.name = m_facts.name;
  if (id.kind != DeviceKind::Cpu)
    m_result.device.memoryMb = m_facts.memoryMb;  // the CPU's: system.memory_mb
  m_result.device.computeCapability = m_facts.computeCapability;
  m_result.device.driverVersion = m_facts.driverVersion;
  // Measured once per device and process, before the clock starts, so runs can be read as a
  // share of the device's peak.
  if (m_config.probePeak && probeEnabledByEnvironment()) {
    m_result.device.peak = cachedPeak(id, &m_cancel);  // Ctrl-C need not wait for it
    checkCancelled();
  }
  auto& config = m_result.config;
  config.epochs = m_config.epochs > 0 ? m_config.epochs : m_workload.defaultEpochs;
  config.batchSize = m_config.batchSize > 0 ? m_config.batchSize : m_workload.defaultBatchSize;
  config.optimizer = "adam";
  config.learningRate =
      m_config.learningRate > 0 ? m_config.learningRate : m_workload.learningRate;
  config.threads = at::get_num_threads();
  resolveDistributed();
  m_result.workload.dataset = m_workload.dataset;
  m_result.workload.parameters = m_workload.parameters;
  if (m_workload.flopsPerSample > 0) m_result.workload.flopsPerSample = m_workload.flopsPerSample;
}

// Every rank of a data-parallel run says how its loading went before any trains
// (engine/rank_data.h); this rank's own failure is rethrown as it was.
void TrainingRun::loadDataOnEveryRank() {
  if (worldSize() <= 1) {
    loadData();
    return;
  }
  std::exception_ptr failure;
  std::string mine;
  try {
    loadData();
    mine = loadedData(m_data.train.size());
  } catch (const Cancelled&) {
    failure = std::current_exception();
    mine = cancelledLoading();
  } catch (const c10::Error& e) {
    failure = std::current_exception();
    mine = failedToLoad(e.what_without_backtrace());  // one line for the others
  } catch (const std::exception& e) {
    failure = std::current_exception();
    mine = failedToLoad(e.what());
  } catch (...) {
    failure = std::current_exception();
    mine = failedToLoad("unknown error");
  }
  const DataAgreement agreement = agreeOnData(*m_config.exchange, mine);
  if (failure) std::rethrow_exception(failure);
  if (agreement.cancelled) throw Cancelled{};
  if (!agreement.problem.empty()) throw Failure(FailureKind::Data, agreement.problem);
}

void TrainingRun::loadData() {
  m_data = loadRunData(m_config, m_workload.dataset);
  m_result.workload.dataSource = m_data.source;
  m_result.workload.trainSamples = m_data.train.size();
  m_result.workload.testSamples = m_data.test.size();
  // The files' own size decides the last step; a data-parallel run leaves the remainder out,
  // so only its per-rank batch counts (the CLI refuses a strong split too small before the
  // ranks start; this catches any other front end).
  const std::int64_t batch = m_result.config.batchSize;
  if (const std::string problem =
          batchProblem(m_workload, batch, worldSize() > 1 ? 0 : m_data.train.size());
      !problem.empty()) {
    throw Failure(FailureKind::Run, problem);
  }
  if (std::string warning = leftOutImagesWarning(m_data.train.size(), batch, worldSize());
      !warning.empty()) {
    m_settingsWarnings.push_back(std::move(warning));
  }
}

void TrainingRun::train() {
  // NVML starts up (loading and initialising the library can take a second) before the clock;
  // the sampler's own open below then finds it ready.
  m_validity = std::make_unique<ValidityMonitor>(m_facts.nvmlIndex, m_result.device.id,
                                                 MachineRoots{}, worldSize() > 1);
  m_validity->start();
  // The seed script starts its clock once the data are in memory, before normalisation.
  m_start = Clock::now();
  std::vector<GpuTarget> gpus;  // the run's GPU, where NVML knows which one it is
  if (m_facts.nvmlIndex) gpus.push_back({m_result.device.id, *m_facts.nvmlIndex});
  m_sampler = std::make_unique<TelemetrySampler>(
      std::chrono::duration<double>(m_config.telemetryIntervalSeconds), m_start, gpus);
  m_sampler->start();
  const MathModeScope mathMode(m_precision, m_device);

  RunStarted started;
  started.header = m_result;
  const std::int64_t batch = m_result.config.batchSize;
  const std::int64_t world = worldSize();
  started.stepsPerEpoch = world > 1 ? m_data.train.size() / (batch * world)
                                    : (m_data.train.size() + batch - 1) / batch;
  m_observer.runStarted(started);

  // Model and data stay on the device for the whole run. The training images are normalised
  // once, as the seed scripts do (and on their clock); the test images batch by batch.
  m_data.train.images = normalised(m_data.train.images.to(m_device));
  m_data.train.labels = m_data.train.labels.to(m_device);
  m_data.test.images = m_data.test.images.to(m_device);
  m_data.test.labels = m_data.test.labels.to(m_device);

  torch::manual_seed(m_config.seed);
  auto model = m_workload.makeModel();
  model->to(m_device);
  m_parameters = model->parameters();
  // Every rank starts from rank 0's weights.
  if (m_config.exchange) m_config.exchange->broadcastParameters(m_parameters);
  KerasAdam optimizer(m_parameters, KerasAdamOptions{m_result.config.learningRate},
                      started.stepsPerEpoch * m_result.config.epochs,
                      weightLayoutFor(*model, m_precision, m_device, m_config.exchange != nullptr));
  if (m_precision == Precision::Fp16) {
    m_scaler = std::make_unique<LossScaler>(LossScalerOptions{}, m_device);
  }
  TrainStepParts parts;
  parts.model = model.get();
  parts.optimizer = &optimizer;
  parts.parameters = m_parameters;
  parts.images = m_data.train.images;
  parts.labels = m_data.train.labels;
  parts.batchSize = batch;
  parts.precision = m_precision;
  parts.device = m_device;
  parts.scaler = m_scaler.get();
  parts.exchange = m_config.exchange.get();
  TrainStep step(parts);
  GraphSteps fullStepRunner(
      m_result.config, m_config.stepCapture ? m_config.stepCapture : cudaGraphCapture(m_device),
      optimizer, started.stepsPerEpoch * m_result.config.epochs, m_config.exchange.get());

  for (int epoch = 1; epoch <= m_result.config.epochs && !m_cutShort; ++epoch) {
    m_cutShort = !trainEpoch(epoch, *model, step, fullStepRunner);
    m_validity->sampleGpu();
  }
  fullStepRunner.release();
  // The ranks' training figures are gathered before rank 0 evaluates: the others would wait in
  // the gather for the whole evaluation, which on a CPU can outlast --dist-timeout.
  if (m_config.exchange) {
    m_result.distributed->ranks = gatherRankRecords(*m_config.exchange, m_result);
  }
  // Rank 0 evaluates for the whole run; the other ranks' results are not kept.
  if (rank() == 0) evaluate(*model);
  m_result.totalSeconds = secondsSince(m_start);
  if (m_cutShort) project();
}

void TrainingRun::resolveDistributed() {
  if (!m_config.exchange) return;
  try {
    m_result.distributed = distributedRecord(*m_config.exchange, m_config.strongScaling,
                                             m_result.config.batchSize);
  } catch (const std::invalid_argument& e) {
    throw Failure(FailureKind::Run, e.what());
  }
}

bool TrainingRun::budgetSpent() const {
  return budgeted() && m_stepTimes.count() >= kMinProjectionSteps &&
         secondsSince(m_start) >= m_config.timeBudgetSeconds;
}

void TrainingRun::project() {
  const std::int64_t batch = m_result.config.batchSize;
  ProjectionInputs in;
  in.setupSeconds = m_setupSeconds.value_or(0.0);
  in.warmupSteps = m_stepTimes.warmupSteps();
  in.warmupSeconds = m_stepTimes.warmupSeconds();
  in.steadyStepSeconds = m_stepTimes.steadySeconds();
  in.evaluationSeconds = m_evaluationSeconds;
  in.evaluatedSamples = m_evaluatedSamples;
  in.epochs = m_result.config.epochs;
  in.trainSamples = m_data.train.size();
  in.stepsPerEpoch = (in.trainSamples + batch - 1) / batch;
  in.testSamples = m_data.test.size();
  in.budgetSeconds = m_config.timeBudgetSeconds;
  m_result.projection = projectFullRun(in);
  // The test figures describe the images evaluated, which the result must say.
  m_result.workload.testSamples = m_evaluatedSamples;
}

bool TrainingRun::trainEpoch(int epoch, Classifier& model, TrainStep& trainStep,
                             GraphSteps& fullStepRunner) {
  model.train();
  const auto& data = m_data.train;
  const std::int64_t samples = data.size();
  const std::int64_t batch = m_result.config.batchSize;
  const int world = worldSize();
  // Data-parallel: every rank runs the same number of full steps on its own part of each step's
  // images (the remainder is left out, as drop_last does), or the ranks would fall out of step.
  const std::int64_t ownSamples = world > 1 ? samples / (batch * world) * batch : samples;
  if (ownSamples == 0) {
    throw Failure(FailureKind::Run, "the training set (" + std::to_string(samples) +
                                        " images) is smaller than one step of all ranks (" +
                                        std::to_string(batch * world) + " images)");
  }
  if (m_epochStats) {
    m_epochStats->restart();
  } else {
    m_epochStats = std::make_unique<EpochStats>(ownSamples, batch, m_device);
  }
  EpochStats& stats = *m_epochStats;
  const std::int64_t steps = stats.steps();
  // Reading CPU tensors needs no device sync. A data-parallel rank must not stop early on its
  // own reading either: the others would wait for it in the next allreduce.
  const bool liveStats = m_device.is_cpu() && world == 1;

  const auto epochStart = Clock::now();
  auto lastReport = epochStart;
  // Keras reshuffles every epoch.
  const auto order = torch::randperm(samples, torch::TensorOptions().dtype(torch::kLong).device(m_device));
  const std::int64_t fullSteps = trainStep.startEpoch(order, stats);
  if (!m_setupSeconds) m_setupSeconds = secondsSince(m_start);
  // Host timestamps between steps, with no added device sync (engine/step_times.h).
  auto stepClock = epochStart;
  std::int64_t done = 0;
  bool budgetLeft = true;
  for (std::int64_t step = 0; step < steps; ++step) {
    checkCancelled();
    // Full steps are graph-safe (engine/train_step.h); only a single process has a last,
    // partial batch.
    const std::int64_t stepSamples = step < fullSteps ? batch : samples - step * batch;
    if (step < fullSteps) {
      fullStepRunner.runFull(trainStep);
    } else {
      trainStep.runPartial(step, order.narrow(0, step * batch, stepSamples));
    }

    const auto now = Clock::now();
    m_stepTimes.add(epoch, std::chrono::duration<double>(now - stepClock).count(),
                    stepSamples == batch);
    stepClock = now;
    done = step + 1;
    const bool lastStepOfRun = epoch == m_result.config.epochs && done == steps;
    if (!lastStepOfRun && budgetSpent()) {
      budgetLeft = false;
      break;
    }
    if (now - lastReport >= kProgressInterval && step + 1 < steps) {
      lastReport = now;
      BatchProgress progress{epoch, m_result.config.epochs, step + 1, steps,
                             secondsSince(epochStart), std::nullopt, std::nullopt};
      if (liveStats) {
        progress.runningLoss = stats.meanLoss(step + 1);
        progress.runningAccuracy = stats.accuracy(step + 1);
        if (!std::isfinite(*progress.runningLoss)) break;  // diverged: reported below
      }
      m_observer.batchProgress(progress);
      forwardTelemetry();
    }
  }

  EpochRecord record;
  record.epoch = epoch;
  record.trainLoss = stats.meanLoss(done);  // reads the device, so the epoch's work is done
  if (const auto bad = stats.firstNonFiniteStep(done)) {
    throw Failure(FailureKind::Run, "training diverged at epoch " + std::to_string(epoch) +
                                        ", step " + std::to_string(*bad + 1) +
                                        " (the loss became NaN or infinite)");
  }
  record.trainAccuracy = stats.accuracy(done);
  record.seconds = secondsSince(epochStart);
  if (world > 1) averageOverRanks(*m_config.exchange, record);
  // A budget can end the epoch early: its throughput counts the images it trained.
  // All ranks train in lockstep (each allreduce waits for all): the run's throughput is this
  // rank's times the world size.
  const std::int64_t trained = std::min(ownSamples, done * batch) * world;
  record.samplesPerSecond = record.seconds > 0 ? static_cast<double>(trained) / record.seconds : 0;
  m_result.epochs.push_back(record);
  m_observer.epochFinished(record);
  forwardTelemetry();
  return budgetLeft;
}

void TrainingRun::evaluate(Classifier& model) {
  m_observer.evaluationStarted();
  const auto& data = m_data.test;
  const std::int64_t samples = data.size();
  if (samples == 0) return;  // nothing to evaluate: the result then has no test record
  const std::int64_t batch = m_result.config.batchSize;
  torch::NoGradGuard noGrad;
  model.eval();
  EpochStats stats(samples, batch, m_device);
  const auto start = Clock::now();
  // A budgeted run evaluates for part of its budget and scales the time up (project()).
  const double evaluationBudget =
      std::max(kMinEvaluationBudgetSeconds, kEvaluationBudgetShare * m_config.timeBudgetSeconds);
  std::int64_t done = 0;
  for (std::int64_t step = 0; step < stats.steps(); ++step) {
    checkCancelled();
    if (m_cutShort && done > 0 && secondsSince(start) >= evaluationBudget) break;
    const auto images = normalised(data.images.narrow(0, step * batch, std::min(batch, samples - step * batch)));
    const auto labels = data.labels.narrow(0, step * batch, images.size(0));
    const AutocastScope autocast(m_precision, m_device);
    const auto logits = model.forward(images);
    stats.add(step, torch::nn::functional::cross_entropy(logits.to(torch::kFloat), labels), logits,
              labels);
    done = step + 1;
  }
  const TestRecord test{stats.meanLoss(done), stats.accuracy(done)};
  m_evaluationSeconds = secondsSince(start);  // the stats read above waited for the device
  m_evaluatedSamples = std::min(samples, done * batch);
  m_result.test = test;
  m_observer.evaluationFinished(test);
}

void TrainingRun::forwardTelemetry() {
  if (!m_sampler) return;
  for (const auto& sample : m_sampler->takeNew()) m_observer.telemetry(sample);
}

void TrainingRun::recordFailure(const std::string& message) {
  const RunFailure failure = describeRunFailure(m_result.device.id, m_device.is_cuda(), message);
  m_result.failure = failure.deviceFault ? FailureKind::Device : FailureKind::Run;
  m_result.error = failure.message;
}

}  // namespace

RunResult runTraining(const RunConfig& config, RunObserver& observer,
                      const std::atomic<bool>& cancel) {
  RunResult result = TrainingRun(config, observer, cancel).execute();
  // The run's tensors went with it: hand its cached GPU memory back for the next run.
  try {
    releaseCachedMemory(parseDeviceId(result.device.id));
  } catch (...) {
    // An unparsable device never allocated anything.
  }
  try {
    observer.runFinished(result);
  } catch (...) {
    // The result stands whatever the observer does with it.
  }
  return result;
}

}  // namespace tb
