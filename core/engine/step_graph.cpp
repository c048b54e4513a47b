// CUDA graph capture of a training step (step_graph.h). The capture itself is compiled only
// where LibTorch has CUDA (TRAINBENCH_WITH_CUDA_GRAPHS).
#include "engine/step_graph.h"

#include "engine/keras_adam.h"
#include "engine/train_step.h"

#include <stdexcept>

#ifdef TRAINBENCH_WITH_CUDA_GRAPHS
#include <ATen/autocast_mode.h>
#include <ATen/cuda/CUDAEvent.h>
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <torch/version.h>
#endif

namespace tb {

bool builtWithCudaGraphs() {
#ifdef TRAINBENCH_WITH_CUDA_GRAPHS
  return true;
#else
  return false;
#endif
}

#ifdef TRAINBENCH_WITH_CUDA_GRAPHS

namespace {

// The autocast cache holds each weight's low-precision copy for the length of an autocast
// region. Captured, a cached copy would be made once and never refreshed when the weights
// change, so the cache is off while capturing: each replay casts the current weights.
class AutocastCacheOff {
 public:
  AutocastCacheOff() : m_was(at::autocast::is_autocast_cache_enabled()) {
    at::autocast::set_autocast_cache_enabled(false);
  }
  ~AutocastCacheOff() { at::autocast::set_autocast_cache_enabled(m_was); }
  AutocastCacheOff(const AutocastCacheOff&) = delete;
  AutocastCacheOff& operator=(const AutocastCacheOff&) = delete;

 private:
  bool m_was;
};

class CudaStepGraph final : public StepGraph {
 public:
  // A capture needs a stream of its own; the warm-up steps run there too.
  CudaStepGraph(TrainStep& step, const torch::Device& device)
      : m_step(step),
        m_device(device),
        m_captureStream(c10::cuda::getStreamFromPool(/*isHighPriority=*/false, device.index())) {}

  void warmUp() override {
    const c10::cuda::CUDAGuard deviceGuard(m_device.index());
    const auto trainStream = c10::cuda::getCurrentCUDAStream();
    follow(m_captureStream, trainStream);
    {
      const c10::cuda::CUDAStreamGuard onCaptureStream(m_captureStream);
      m_step.runFull();
    }
    follow(trainStream, m_captureStream);
  }

  void capture() override {
    const c10::cuda::CUDAGuard deviceGuard(m_device.index());
    const auto trainStream = c10::cuda::getCurrentCUDAStream();
    follow(m_captureStream, trainStream);
    KerasAdam& optimizer = m_step.optimizer();
    const std::int64_t stepsBefore = optimizer.iterations();
    {
      const AutocastCacheOff noCache;
      const c10::cuda::CUDAStreamGuard onCaptureStream(m_captureStream);
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 1)
      // Thread-local mode: only this thread's calls can invalidate the capture, so the
      // telemetry and probe threads of the app go on as they are.
      m_graph.capture_begin({0, 0}, cudaStreamCaptureModeThreadLocal);
#else
      // Older LibTorch captures in global mode only: another thread's unsafe CUDA call breaks
      // the capture, and the run falls back to eager with the reason in its result.
      m_graph.capture_begin({0, 0});
#endif
      // capture_end() inside: a capture the step invalidated fails there, and the host's step
      // count must be put back as for a step that threw.
      try {
        m_step.runFull();
        m_graph.capture_end();
      } catch (...) {
        endFailedCapture();
        optimizer.addHostSteps(stepsBefore - optimizer.iterations());
        throw;
      }
    }
    // The captured step has not run: its host-side count is taken again by replay().
    optimizer.addHostSteps(stepsBefore - optimizer.iterations());
    follow(trainStream, m_captureStream);
  }

  // On the current (training) stream, after the work queued there.
  void replay() override {
    m_graph.replay();
    m_step.optimizer().addHostSteps(1);
  }

 private:
  // `later` starts its next work once what is queued on `earlier` so far is done.
  static void follow(const c10::cuda::CUDAStream& later, const c10::cuda::CUDAStream& earlier) {
    at::cuda::CUDAEvent queued;
    queued.record(earlier);
    queued.block(later);
  }

  // Ends a capture that an operation broke (e.g. one that waits for the device), so the stream
  // and the allocator leave capture mode; the broken graph is dropped.
  void endFailedCapture() {
    try {
      m_graph.capture_end();
    } catch (const std::exception&) {
      // Expected: the capture was invalidated. The step's own error says why.
    }
    try {
      m_graph.reset();
    } catch (const std::exception&) {
      // Nothing more to free.
    }
  }

  TrainStep& m_step;
  torch::Device m_device;
  c10::cuda::CUDAStream m_captureStream;
  at::cuda::CUDAGraph m_graph;
};

}  // namespace

StepCapture cudaGraphCapture(const torch::Device& device) {
  return [device](TrainStep& step) -> std::unique_ptr<StepGraph> {
    if (!device.is_cuda()) throw std::runtime_error("CUDA graphs need an NVIDIA GPU");
    return std::make_unique<CudaStepGraph>(step, device);
  };
}

#else

StepCapture cudaGraphCapture(const torch::Device&) {
  return [](TrainStep&) -> std::unique_ptr<StepGraph> {
    throw std::runtime_error("this TrainBench build cannot capture CUDA graphs");
  };
}

#endif

}  // namespace tb
