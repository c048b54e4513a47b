// TrainingRun: one run of runTraining (engine/trainer.h), from resolving its settings to the
// result. Internal to the engine: training_run.cpp resolves and loads, training_loop.cpp trains
// and evaluates.
#pragma once

#include "devices/device_facts.h"
#include "engine/epoch_stats.h"
#include "engine/gradient_exchange.h"
#include "engine/graph_steps.h"
#include "engine/loss_scaler.h"
#include "engine/precision.h"
#include "engine/rank_records.h"
#include "engine/run_config.h"
#include "engine/run_data.h"
#include "engine/run_observer.h"
#include "engine/step_clock.h"
#include "engine/step_times.h"
#include "engine/train_step.h"
#include "machine/validity_monitor.h"
#include "models/classifier.h"
#include "models/workload.h"
#include "results/run_result.h"
#include "telemetry/telemetry_sampler.h"

#include <torch/torch.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace tb::detail {

using Clock = std::chrono::steady_clock;
inline double secondsSince(Clock::time_point start) {
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
  std::string learningRateHint() const;
  bool budgeted() const { return m_config.timeBudgetSeconds > 0; }
  bool budgetSpent() const;
  void noteNoFullBatch();         // a training set smaller than one batch: refused or warned
  void refuseStepBeyondMemory();  // a CPU step of the batch that outgrows the memory
  // fp16: fails a run whose every step overflowed; notes many skipped steps in the result.
  void noteSkippedSteps();
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
  bool m_threadsWarned = false;  // this rank has more threads than CPUs (said once)
  RankMemory m_memory;           // what this CPU run needs of the machine's memory (all 0: a GPU's)
  std::unique_ptr<StepClock> m_stepClock;  // made as training starts, for the run's device
  StepTimes m_stepTimes;                   // the steps the clock has read back
  std::optional<double> m_setupSeconds;  // clock start to the first step
  double m_evaluationSeconds = 0.0;
  std::int64_t m_evaluatedSamples = 0;
  bool m_cutShort = false;  // the time budget ended training before its last epoch
};

}  // namespace tb::detail
