// Per-step training times, taken as host timestamps between consecutive steps (no device sync is
// added), and the steady-state figures computed from them once warm-up is left out.
//
// On the CPU every step is done when the host moves on, so the timestamps are the steps. On CUDA
// the host runs ahead of the GPU by at most the launch queue; in steady state the host therefore
// advances at the GPU's pace (or the GPU waits on launches and the host's pace is the truth), so
// the median of host step times is the device's throughput either way. Single-step spikes on CUDA
// are smoothed by the queue: read p95 there as host-side jitter.
#pragma once

#include "results/run_result.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace tb {

class StepTimes {
 public:
  // One finished step of `epoch` (1-based) that took `seconds`; `fullBatch` is false for the
  // last, smaller batch of an epoch, which is timed but not used for the steady-state figures.
  void add(int epoch, double seconds, bool fullBatch);

  std::int64_t count() const { return static_cast<std::int64_t>(m_steps.size()); }

  // Steps left out as warm-up: all of the first epoch when later epochs hold at least
  // kMinSteadySteps full steps; otherwise the first 10% of the steps (at least kMinWarmupSteps).
  std::int64_t warmupSteps() const;
  // The full-batch step times after warm-up, in order.
  std::vector<double> steadySeconds() const;
  // Seconds spent in the warm-up steps.
  double warmupSeconds() const;

  // Samples/s from the median steady step (batch / p50) with p50 and p95; nullopt when too few
  // steps are left after warm-up to say anything.
  std::optional<SteadyStateRecord> steadyState(int batchSize) const;

  static constexpr std::int64_t kMinWarmupSteps = 3;
  static constexpr std::int64_t kMinSteadySteps = 5;

 private:
  struct Step {
    int epoch;
    double seconds;
    bool fullBatch;
  };
  std::vector<Step> m_steps;
};

}  // namespace tb
