// Where each training step's time is read, without adding a device sync.
//
// On the CPU a step is done when the host moves on, so host timestamps between steps time it.
// On CUDA the host only queues a step's work, and a captured step is one graph launch that
// returns at once: hundreds of steps can be queued before the host waits, so host timestamps
// would time the launches. There an event is queued after each step on the training stream, and
// the time between two events is that step as the device ran it, any wait for the host's
// launches included. The events are read once the epoch's work is done. Apple's GPU keeps the
// host timestamps it had before; how far its queue lets the host run ahead was never measured
// (no Mac).
#pragma once

#include "engine/step_times.h"

#include <torch/types.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace tb {

// Timestamps at numbered points of one epoch, read after the last one was reached.
class StepMarks {
 public:
  virtual ~StepMarks() = default;
  // Timestamp number `mark`, replacing an earlier one with that number.
  virtual void mark(std::size_t mark) = 0;
  // Waits until timestamp `mark` has been taken.
  virtual void waitFor(std::size_t mark) = 0;
  virtual double secondsBetween(std::size_t from, std::size_t to) = 0;
};

// CUDA events on a CUDA device in a build with TRAINBENCH_WITH_CUDA_DEVICE_TIMER; host
// timestamps elsewhere.
std::unique_ptr<StepMarks> stepMarksFor(const torch::Device& device);

class StepClock {
 public:
  explicit StepClock(std::unique_ptr<StepMarks> marks);

  // Before epoch `epoch` (1-based) queues anything: its shuffle is timed with its first step.
  void startEpoch(int epoch);
  // After each step is queued; `fullBatch` is false for an epoch's last, smaller batch.
  void stepQueued(bool fullBatch);
  // Adds the steps queued since the last call to `times`, waiting for the device to reach them.
  void flushInto(StepTimes& times);
  // Steps queued in the whole run so far.
  std::int64_t stepsQueued() const { return m_stepsQueued; }

 private:
  std::unique_ptr<StepMarks> m_marks;
  int m_epoch = 0;
  std::vector<bool> m_fullBatch;  // the epoch's steps not yet flushed
  std::size_t m_firstMark = 0;    // the mark the first of them is timed from
  std::size_t m_lastMark = 0;
  std::int64_t m_stepsQueued = 0;
};

}  // namespace tb
