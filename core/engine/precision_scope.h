// RAII scopes that apply a run's precision: the CUDA math mode (TF32 on or off) for the whole
// run, and autocast around each forward pass. Both restore what was there before, also when an
// exception leaves the scope.
#pragma once

#include "engine/precision.h"

#include <torch/types.h>

namespace tb {

// For the whole run on a GPU: TF32 for cuBLAS and cuDNN on exactly when the precision is tf32,
// and cuDNN's algorithm autotuning only where $TRAINBENCH_CUDNN_BENCHMARK is 1. These are
// process-wide LibTorch settings, so runs must not overlap (TrainBench never overlaps them).
class MathModeScope {
 public:
  MathModeScope(Precision precision, const torch::Device& device);
  ~MathModeScope();
  MathModeScope(const MathModeScope&) = delete;
  MathModeScope& operator=(const MathModeScope&) = delete;

 private:
  bool m_active = false;
  bool m_cublas = false;
  bool m_cudnn = false;
  bool m_cudnnBenchmark = false;
};

// For one forward pass: autocast to bf16 or fp16 on the device for those precisions, nothing
// otherwise. Autocast state is per thread; leaving the outermost scope drops the cast-weight
// cache, which must not outlive an optimiser step.
class AutocastScope {
 public:
  AutocastScope(Precision precision, const torch::Device& device);
  ~AutocastScope();
  AutocastScope(const AutocastScope&) = delete;
  AutocastScope& operator=(const AutocastScope&) = delete;

 private:
  bool m_active = false;
  c10::DeviceType m_deviceType = c10::DeviceType::CPU;
  bool m_wasEnabled = false;
  c10::ScalarType m_previousType = c10::ScalarType::BFloat16;
};

}  // namespace tb
