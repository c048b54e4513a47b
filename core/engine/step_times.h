// Per-step training times, read by the step clock (engine/step_clock.h) without any added device
// sync, and the steady-state figures computed from them once warm-up is left out.
//
// On the CPU a step's time is the host's, between consecutive steps. On CUDA it is the time
// between events queued after consecutive steps: the step as the device ran it, including any
// wait for the host's launches, so p95 there is the device's jitter.
#pragma once

#include "results/run_result.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tb {

class StepTimes {
 public:
  // One finished step of `epoch` (1-based) that took `seconds`; `fullBatch` is false for the
  // last, smaller batch of an epoch, which is timed but not used for the steady-state figures.
  void add(int epoch, double seconds, bool fullBatch);

  std::int64_t count() const { return static_cast<std::int64_t>(m_steps.size()); }

  // Steps left out as warm-up: all of the first epoch when later epochs hold at least as many
  // full steps as it (and at least kMinSteadySteps); otherwise the first 10% of the steps (at
  // least kMinWarmupSteps) and the first epoch's last, smaller batch.
  std::int64_t warmupSteps() const;
  // The full-batch step times after warm-up, in order.
  std::vector<double> steadySeconds() const;
  // Seconds spent in the warm-up steps.
  double warmupSeconds() const;
  // The last, smaller batches of epochs: the times of those after warm-up, in order, and how
  // many the warm-up holds (a projection times the rest of them from these).
  std::vector<double> partialSeconds() const;
  std::int64_t warmupPartialSteps() const;

  // Samples/s from the median steady step (batch / p50) with p50 and p95; nullopt when too few
  // steps are left after warm-up to say anything.
  std::optional<SteadyStateRecord> steadyState(int batchSize) const;

  // When the steady steps took kStallRatio times their median or more in all, and so at least
  // kStallSeconds more, some of them stalled, and the median step (steadyState's samples/s)
  // overstates what the run delivered: a sentence saying so, with both rates. Empty otherwise,
  // or without a steady state.
  std::string stallWarning(int batchSize) const;

  // Warm-up holds at least this many full steps: a CUDA graph's eager warm-up steps and its
  // capture (engine/graph_steps.h), so a short run's steady state never holds the capture.
  static constexpr std::int64_t kMinWarmupSteps = 4;
  static constexpr std::int64_t kMinSteadySteps = 5;
  // Quiet runs sit within a few percent of their median (the seed MLP on a 2-core VM: 1.01x);
  // a quarter more is time lost to something other than the steps' own work.
  static constexpr double kStallRatio = 1.25;
  // One time slice lost to another process is a large share of a run of a tenth of a second,
  // yet nothing a user would notice or act on.
  static constexpr double kStallSeconds = 1.0;

 private:
  struct Step {
    int epoch;
    double seconds;
    bool fullBatch;
  };
  // How many steps from the start are warm-up, and whether step `index` is (the prefix, or the
  // first step of the smaller last batch's shape).
  std::int64_t warmupPrefix() const;
  bool isWarmup(std::size_t index, std::int64_t prefix) const;

  std::vector<Step> m_steps;
};

}  // namespace tb
