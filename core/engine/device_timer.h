// The device's own time for each phase of a training step, from timestamps in its queue (CUDA
// events), with the host's launch gaps taken out: the "device time" of `trainbench-cli profile`.
//
// Timed as a run trains it, a launch-bound step's device time would be the host's: the device
// waits between kernels for the next launch. So before each phase the device is held busy (a
// spin kernel) while the host queues the phase; the phase's kernels then run back to back, and
// the timestamps on either side of them time the device alone. A step counts only where every
// hold was still running when the host had queued its phase; otherwise the holds double and the
// next step is timed instead. The step minus its device time is what the device sat idle.
#pragma once

#include "engine/train_step.h"

#include <torch/types.h>

#include <array>
#include <cstddef>
#include <memory>

namespace tb {

// What the timer needs of a device's queue.
class DeviceQueueClock {
 public:
  virtual ~DeviceQueueClock() = default;
  // Queues work that keeps the device busy for about `seconds`.
  virtual void hold(double seconds) = 0;
  // Queues timestamp number `mark` (below kDeviceClockMarks), replacing an earlier one.
  virtual void mark(std::size_t mark) = 0;
  // Whether the device has reached timestamp `mark`, without waiting for it.
  virtual bool reached(std::size_t mark) = 0;
  // Waits until the device has done all queued work.
  virtual void waitForDevice() = 0;
  // Seconds between two reached timestamps.
  virtual double secondsBetween(std::size_t from, std::size_t to) = 0;
};

// A start and an end for each phase of a step.
inline constexpr std::size_t kDeviceClockMarks = 2 * std::size(kStepPhases);

// `device`'s queue clock: CUDA events and a spin kernel, on a CUDA device in a build with
// TRAINBENCH_WITH_CUDA_DEVICE_TIMER (core/CMakeLists.txt). Null elsewhere (the CPU, MPS).
std::unique_ptr<DeviceQueueClock> deviceQueueClock(const torch::Device& device);

class DeviceTimer final : public PhaseObserver {
 public:
  // `holdSeconds`: how long the device is first held before each phase; more than the host needs
  // to queue the phase.
  DeviceTimer(std::unique_ptr<DeviceQueueClock> clock, double holdSeconds);

  // Before the step is queued: holds the device for its first phase.
  void startStep();
  // As the step queues: ends the phase's timing and holds the device for the next one.
  void phaseEnded(StepPhase phase) override;
  // After the step is queued: waits for the device; whether the step counted.
  bool finishStep();

  int steps() const { return m_steps; }
  // The device's seconds in `phase` over the counted steps.
  double total(StepPhase phase) const { return m_totals[static_cast<std::size_t>(phase)]; }
  double holdSeconds() const { return m_hold; }

 private:
  void holdForPhase();

  std::unique_ptr<DeviceQueueClock> m_clock;
  double m_hold;
  std::array<StepPhase, std::size(kStepPhases)> m_phases{};  // this step's, in order
  std::size_t m_phaseCount = 0;
  bool m_heldThroughout = true;
  int m_steps = 0;
  std::array<double, std::size(kStepPhases)> m_totals{};
};

}  // namespace tb
