// TrainingRun's training and evaluation: the epochs, their steps, the test pass and a budgeted
// run's projection.
#include "engine/training_run.h"

#include "devices/torch_device.h"
#include "engine/keras_adam.h"
#include "engine/precision_scope.h"
#include "engine/projection.h"
#include "engine/rank_records.h"
#include "engine/step_graph.h"
#include "engine/weight_layout.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace tb::detail {
namespace {

constexpr auto kProgressInterval = std::chrono::milliseconds(50);  // at most ~20 events a second

// A budgeted run needs enough steps after warm-up for a projection worth reading.
constexpr std::int64_t kMinProjectionSteps = 30;
// Evaluation of a budgeted run stops after this share of the budget (at least 5 s) and is
// scaled up: on a laptop CPU, ResNet-50's 10 000 test images alone take minutes.
constexpr double kEvaluationBudgetShare = 0.25;
constexpr double kMinEvaluationBudgetSeconds = 5.0;

}  // namespace

void TrainingRun::train() {
  // NVML starts up (loading and initialising the library can take a second) before the clock;
  // the sampler's own open below then finds it ready.
  m_validity = std::make_unique<ValidityMonitor>(m_facts.nvmlIndex, m_result.device.id,
                                                 MachineRoots{}, worldSize() > 1);
  m_validity->start();
  // The seed script starts its clock once the data are in memory, before normalisation. The
  // device's start-up is not training: it happens before the clock, probe or no probe.
  wakeDevice(m_device);
  m_start = Clock::now();
  std::vector<GpuTarget> gpus;  // the run's GPU, where NVML knows which one it is
  if (m_facts.nvmlIndex) gpus.push_back({m_result.device.id, *m_facts.nvmlIndex});
  m_sampler = std::make_unique<TelemetrySampler>(
      std::chrono::duration<double>(m_config.telemetryIntervalSeconds), m_start, gpus);
  m_sampler->start();
  const MathModeScope mathMode(m_precision, m_device);
  m_stepClock = std::make_unique<StepClock>(stepMarksFor(m_device));

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
  if (m_data.test.size() > 0) {  // the other ranks of a data-parallel run have none
    m_data.test.images = m_data.test.images.to(m_device);
    m_data.test.labels = m_data.test.labels.to(m_device);
  }

  torch::manual_seed(torchSeed(m_config.seed));
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
  if (m_scaler) noteSkippedSteps();
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

void TrainingRun::noteSkippedSteps() {
  const std::int64_t steps = m_stepTimes.count();
  const std::int64_t skipped = m_scaler->skippedSteps();
  // Overflowing at every step, down to the smallest scale: the weights never changed. (A short
  // run still backing off from 2^16 skips all its few steps too, and is no failure.)
  if (steps > 0 && skipped >= steps && m_scaler->currentScale() <= 1.0) {
    throw Failure(FailureKind::Run, "fp16 gradients overflowed at every one of the " +
                                        std::to_string(steps) +
                                        " steps, so nothing was trained; use bf16 or fp32");
  }
  if (std::string note = lossScalingNote(skipped, steps, m_scaler->currentScale()); !note.empty()) {
    m_settingsWarnings.push_back(std::move(note));
  }
}

bool TrainingRun::budgetSpent() const {
  return budgeted() && m_stepClock && m_stepClock->stepsQueued() >= kMinProjectionSteps &&
         secondsSince(m_start) >= m_config.timeBudgetSeconds;
}

void TrainingRun::project() {
  const std::int64_t batch = m_result.config.batchSize;
  ProjectionInputs in;
  in.setupSeconds = m_setupSeconds.value_or(0.0);
  in.warmupSteps = m_stepTimes.warmupSteps();
  in.warmupSeconds = m_stepTimes.warmupSeconds();
  in.steadyStepSeconds = m_stepTimes.steadySeconds();
  in.partialStepSeconds = m_stepTimes.partialSeconds();
  in.warmupPartialSteps = m_stepTimes.warmupPartialSteps();
  in.evaluationSeconds = m_evaluationSeconds;
  in.evaluatedSamples = m_evaluatedSamples;
  in.epochs = m_result.config.epochs;
  in.trainSamples = m_data.train.size();
  in.stepsPerEpoch = (in.trainSamples + batch - 1) / batch;
  in.batchSize = batch;
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

  // Set-up ends where the first epoch starts: its shuffle is timed with its first step, as
  // every epoch's is, and the projection (setup + warm-up + ...) must not count it twice.
  if (!m_setupSeconds) m_setupSeconds = secondsSince(m_start);
  const auto epochStart = Clock::now();
  auto lastReport = epochStart;
  // Each step timed where it runs, with no added device sync (engine/step_clock.h).
  StepClock& stepClock = *m_stepClock;
  stepClock.startEpoch(epoch);
  // Keras reshuffles every epoch. Drawn from the CPU's generator on every device, so one seed
  // gives every device the same order of images (a GPU's generator drew another); one copy of
  // 8 bytes an image per epoch.
  const auto order = torch::randperm(samples, torch::TensorOptions().dtype(torch::kLong)).to(m_device);
  const std::int64_t fullSteps = trainStep.startEpoch(order, stats);
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

    stepClock.stepQueued(stepSamples == batch);
    const auto now = Clock::now();
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
  stepClock.flushInto(m_stepTimes);
  if (const auto bad = stats.firstNonFiniteStep(done)) {
    throw Failure(FailureKind::Run, "training diverged at epoch " + std::to_string(epoch) +
                                        ", step " + std::to_string(*bad + 1) +
                                        " (the loss became NaN or infinite" +
                                        learningRateHint() + ")");
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

// What most often makes a run diverge, for its error message.
std::string TrainingRun::learningRateHint() const {
  char rate[32];
  std::snprintf(rate, sizeof rate, "%g", m_result.config.learningRate);
  return std::string("; the learning rate, ") + rate + ", may be too high";
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
  // The last steps can ruin weights the training losses never saw (they are measured before
  // each update): such a run has learnt nothing, and its accuracy is chance, not a result.
  if (!std::isfinite(test.loss)) {
    throw Failure(FailureKind::Run,
                  "training diverged in its last steps: the test loss is NaN or infinite" +
                      learningRateHint());
  }
  m_evaluationSeconds = secondsSince(start);  // the stats read above waited for the device
  m_evaluatedSamples = std::min(samples, done * batch);
  m_result.test = test;
  m_observer.evaluationFinished(test);
}

}  // namespace tb::detail
