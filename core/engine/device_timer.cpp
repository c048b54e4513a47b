// DeviceTimer (device_timer.h) and the CUDA queue clock. The CUDA clock is compiled only where
// LibTorch has CUDA (TRAINBENCH_WITH_CUDA_DEVICE_TIMER).
#include "engine/device_timer.h"

#include "devices/torch_device.h"

#include <stdexcept>
#include <utility>

#ifdef TRAINBENCH_WITH_CUDA_DEVICE_TIMER
#include <ATen/cuda/CUDAEvent.h>
#include <ATen/cuda/Sleep.h>
#include <c10/cuda/CUDAFunctions.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include <cstdint>
#endif

namespace tb {

DeviceTimer::DeviceTimer(std::unique_ptr<DeviceQueueClock> clock, double holdSeconds)
    : m_clock(std::move(clock)), m_hold(holdSeconds) {
  if (!m_clock) throw std::invalid_argument("DeviceTimer needs a device queue clock");
}

void DeviceTimer::holdForPhase() {
  m_clock->hold(m_hold);
  m_clock->mark(2 * m_phaseCount);
}

void DeviceTimer::startStep() {
  m_phaseCount = 0;
  m_heldThroughout = true;
  holdForPhase();
}

void DeviceTimer::phaseEnded(StepPhase phase) {
  if (m_phaseCount == m_phases.size()) throw std::logic_error("a step has more phases than kStepPhases");
  m_clock->mark(2 * m_phaseCount + 1);
  // Where the hold ended before the host had queued the whole phase, the device waited for the
  // host somewhere inside it: the phase's time is not the device's alone.
  if (m_clock->reached(2 * m_phaseCount)) m_heldThroughout = false;
  m_phases[m_phaseCount++] = phase;
  // The optimiser ends every step: no phase follows it to hold the device for.
  if (phase != StepPhase::Optimizer) holdForPhase();
}

bool DeviceTimer::finishStep() {
  m_clock->waitForDevice();
  if (!m_heldThroughout || m_phaseCount == 0) {
    m_hold *= 2.0;
    return false;
  }
  for (std::size_t i = 0; i < m_phaseCount; ++i) {
    m_totals[static_cast<std::size_t>(m_phases[i])] += m_clock->secondsBetween(2 * i, 2 * i + 1);
  }
  ++m_steps;
  return true;
}

#ifdef TRAINBENCH_WITH_CUDA_DEVICE_TIMER

namespace {

// CUDA events on the device's current stream, the one a step's kernels go to, and PyTorch's spin
// kernel (the one behind torch.cuda._sleep) to hold it.
class CudaQueueClock final : public DeviceQueueClock {
 public:
  explicit CudaQueueClock(c10::DeviceIndex index) : m_index(index) {
    for (auto& mark : m_marks) mark = std::make_unique<at::cuda::CUDAEvent>(cudaEventDefault);
    m_cyclesPerSecond = spinCyclesPerSecond();
  }

  void hold(double seconds) override {
    const c10::cuda::CUDAGuard onDevice(m_index);
    at::cuda::sleep(static_cast<std::int64_t>(seconds * m_cyclesPerSecond));
  }
  void mark(std::size_t mark) override {
    m_marks.at(mark)->record(c10::cuda::getCurrentCUDAStream(m_index));
  }
  bool reached(std::size_t mark) override { return m_marks.at(mark)->query(); }
  void waitForDevice() override { synchronise(torch::Device(torch::kCUDA, m_index)); }
  double secondsBetween(std::size_t from, std::size_t to) override {
    return m_marks.at(from)->elapsed_time(*m_marks.at(to)) / 1e3;
  }

 private:
  // The spin kernel counts the SM's clock cycles: how many pass in a second, timed by events.
  double spinCyclesPerSecond() {
    const c10::cuda::CUDAGuard onDevice(m_index);
    at::cuda::sleep(1000);  // loads the kernel, so the timed spin starts at once
    constexpr std::int64_t kCycles = 20'000'000;  // about 10 ms at 2 GHz
    const auto stream = c10::cuda::getCurrentCUDAStream(m_index);
    m_marks[0]->record(stream);
    at::cuda::sleep(kCycles);
    m_marks[1]->record(stream);
    m_marks[1]->synchronize();
    const double seconds = m_marks[0]->elapsed_time(*m_marks[1]) / 1e3;
    if (seconds <= 0) throw std::runtime_error("the GPU's spin kernel took no time");
    return static_cast<double>(kCycles) / seconds;
  }

  c10::DeviceIndex m_index;
  std::array<std::unique_ptr<at::cuda::CUDAEvent>, kDeviceClockMarks> m_marks;
  double m_cyclesPerSecond = 0.0;
};

}  // namespace

std::unique_ptr<DeviceQueueClock> deviceQueueClock(const torch::Device& device) {
  if (!device.is_cuda()) return nullptr;
  const c10::DeviceIndex index = device.has_index() ? device.index() : c10::cuda::current_device();
  return std::make_unique<CudaQueueClock>(index);
}

#else

std::unique_ptr<DeviceQueueClock> deviceQueueClock(const torch::Device&) { return nullptr; }

#endif

}  // namespace tb
