// StepClock (step_clock.h) and its marks. The CUDA events are compiled only where LibTorch has
// CUDA (TRAINBENCH_WITH_CUDA_DEVICE_TIMER).
#include "engine/step_clock.h"

#include <chrono>
#include <utility>

#ifdef TRAINBENCH_WITH_CUDA_DEVICE_TIMER
#include <ATen/cuda/CUDAEvent.h>
#include <c10/cuda/CUDAFunctions.h>
#include <c10/cuda/CUDAStream.h>
#endif

namespace tb {

namespace {

class HostMarks final : public StepMarks {
 public:
  void mark(std::size_t mark) override {
    if (mark >= m_times.size()) m_times.resize(mark + 1);
    m_times[mark] = Clock::now();
  }
  void waitFor(std::size_t) override {}
  double secondsBetween(std::size_t from, std::size_t to) override {
    return std::chrono::duration<double>(m_times.at(to) - m_times.at(from)).count();
  }

 private:
  using Clock = std::chrono::steady_clock;
  std::vector<Clock::time_point> m_times;
};

#ifdef TRAINBENCH_WITH_CUDA_DEVICE_TIMER

// Events on the device's current stream, the one the steps (and graph replays) go to. They are
// made once and recorded again each epoch.
class CudaMarks final : public StepMarks {
 public:
  explicit CudaMarks(c10::DeviceIndex index) : m_index(index) {}

  void mark(std::size_t mark) override {
    while (mark >= m_events.size()) {
      m_events.push_back(std::make_unique<at::cuda::CUDAEvent>(cudaEventDefault));
    }
    m_events[mark]->record(c10::cuda::getCurrentCUDAStream(m_index));
  }
  void waitFor(std::size_t mark) override { m_events.at(mark)->synchronize(); }
  double secondsBetween(std::size_t from, std::size_t to) override {
    return m_events.at(from)->elapsed_time(*m_events.at(to)) / 1e3;
  }

 private:
  c10::DeviceIndex m_index;
  std::vector<std::unique_ptr<at::cuda::CUDAEvent>> m_events;
};

#endif

}  // namespace

std::unique_ptr<StepMarks> stepMarksFor(const torch::Device& device) {
#ifdef TRAINBENCH_WITH_CUDA_DEVICE_TIMER
  if (device.is_cuda()) {
    return std::make_unique<CudaMarks>(device.has_index() ? device.index()
                                                          : c10::cuda::current_device());
  }
#else
  (void)device;
#endif
  return std::make_unique<HostMarks>();
}

StepClock::StepClock(std::unique_ptr<StepMarks> marks) : m_marks(std::move(marks)) {}

void StepClock::startEpoch(int epoch) {
  m_epoch = epoch;
  m_fullBatch.clear();
  m_firstMark = m_lastMark = 0;
  m_marks->mark(0);
}

void StepClock::stepQueued(bool fullBatch) {
  m_fullBatch.push_back(fullBatch);
  m_marks->mark(++m_lastMark);
  ++m_stepsQueued;
}

void StepClock::flushInto(StepTimes& times) {
  if (m_fullBatch.empty()) return;
  m_marks->waitFor(m_lastMark);
  for (std::size_t i = 0; i < m_fullBatch.size(); ++i) {
    const std::size_t from = m_firstMark + i;
    times.add(m_epoch, m_marks->secondsBetween(from, from + 1), m_fullBatch[i]);
  }
  m_fullBatch.clear();
  m_firstMark = m_lastMark;
}

}  // namespace tb
