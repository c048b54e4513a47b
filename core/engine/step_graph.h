// --execution graph: one full training step (engine/train_step.h) captured once as a CUDA graph
// and replayed for every full step after, so the host launches one graph per step instead of
// each of the step's kernels, as Keras's compiled model.fit runs a step.
//
// The trainer runs the run's first full steps eagerly (they settle cuDNN's algorithms, cuBLAS's
// workspaces and the allocator's blocks, and count as training steps), then captures one and
// replays it. A capture that fails leaves the weights as they were and the run trains on
// eagerly, recording why (config.execution_fallback in the result).
#pragma once

#include <torch/types.h>

#include <functional>
#include <memory>

namespace tb {

class TrainStep;

// A captured full step.
class StepGraph {
 public:
  virtual ~StepGraph() = default;
  // Trains the epoch's next full step, exactly as TrainStep::runFull would.
  virtual void replay() = 0;
};

// Captures the next full step of `step` without running it (replay() trains it). Throws
// std::exception saying why when the step cannot be captured; the step is then untouched.
using StepCapture = std::function<std::unique_ptr<StepGraph>(TrainStep& step)>;

// Whether this build captures CUDA graphs: a LibTorch with CUDA, and TRAINBENCH_CUDA_GRAPHS on
// (core/CMakeLists.txt).
bool builtWithCudaGraphs();

// CUDA graph capture on `device` (a CUDA device). Where this build has none, the capture throws
// saying so.
StepCapture cudaGraphCapture(const torch::Device& device);

}  // namespace tb
