// --execution graph: one full training step (engine/train_step.h) captured once as a CUDA graph
// and replayed for every full step after, so the host launches one graph per step instead of
// each of the step's kernels, as Keras's compiled model.fit runs a step.
//
// The trainer runs the run's first full steps eagerly on the stream the capture will use (they
// settle cuDNN's algorithms, cuBLAS's per-stream workspaces and the allocator's blocks, and count
// as training steps), then captures one and replays it. A capture that fails leaves the weights
// as they were and the run trains on eagerly, recording why (config.execution_fallback in the
// result).
#pragma once

#include <torch/types.h>

#include <functional>
#include <memory>

namespace tb {

class TrainStep;

// The full step of one TrainStep: warmed up, captured once, then replayed.
class StepGraph {
 public:
  virtual ~StepGraph() = default;
  // Trains the epoch's next full step eagerly, on the stream the capture will use: what the
  // libraries set up lazily per stream (cuBLAS's workspace) must exist before the capture, as
  // PyTorch's own recipe warms up on its capture stream.
  virtual void warmUp() = 0;
  // Captures the next full step without training it (replay() trains it). Throws
  // std::exception saying why when the step cannot be captured; the step is then untouched.
  virtual void capture() = 0;
  // Trains the epoch's next full step, exactly as TrainStep::runFull would. After capture().
  virtual void replay() = 0;
};

// The graph of `step`'s full step, not yet captured. Throws std::exception saying why where
// there can be none.
using StepCapture = std::function<std::unique_ptr<StepGraph>(TrainStep& step)>;

// Whether this build captures CUDA graphs: a LibTorch with CUDA, and TRAINBENCH_CUDA_GRAPHS on
// (core/CMakeLists.txt).
bool builtWithCudaGraphs();

// CUDA graph capture on `device` (a CUDA device). Where this build has none, the capture throws
// saying so.
StepCapture cudaGraphCapture(const torch::Device& device);

}  // namespace tb
