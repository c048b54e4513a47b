// Events a training run reports. Every callback runs on the thread that called Trainer::run.
#pragma once

#include "results/run_result.h"

#include <cstdint>
#include <optional>

namespace tb {

struct RunStarted {
  RunResult header;  // workload, config, device and system facts resolved; no metrics yet
  std::int64_t stepsPerEpoch = 0;
};

struct BatchProgress {
  int epoch = 0;  // 1-based
  int epochs = 0;
  std::int64_t step = 0;  // steps finished in this epoch
  std::int64_t stepsPerEpoch = 0;
  double epochSeconds = 0.0;  // since this epoch started
  // Running loss/accuracy of this epoch. Present on the CPU only, where reading them costs no
  // device synchronisation; accelerators report them once per epoch.
  std::optional<double> runningLoss;
  std::optional<double> runningAccuracy;
};

class RunObserver {
 public:
  virtual ~RunObserver() = default;
  virtual void runStarted(const RunStarted& /*event*/) {}
  virtual void batchProgress(const BatchProgress& /*event*/) {}  // at most ~20 per second
  virtual void epochFinished(const EpochRecord& /*epoch*/) {}
  virtual void evaluationStarted() {}
  virtual void evaluationFinished(const TestRecord& /*test*/) {}
  virtual void telemetry(const TelemetrySample& /*sample*/) {}
  virtual void runFinished(const RunResult& /*result*/) {}
};

}  // namespace tb
