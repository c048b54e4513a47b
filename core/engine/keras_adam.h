// Adam exactly as Keras 2.x applies it, so runs match the seed scripts.
//
// Keras's epsilon is the "epsilon hat" of Kingma & Ba: it is added to sqrt(v) before bias
// correction, while torch::optim::Adam adds it after. With Keras's small default (1e-7) the two
// differ early in training, so TrainBench carries its own update:
//   lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t)
//   m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g^2
//   p -= lr_t * m / (sqrt(v) + epsilon)
//
// The step count lives on the device: lr_t of every planned step is computed on the host in
// double once and kept on the device in the parameters' type (the value a host-side scalar
// would be rounded to); each step picks its own with a device-side index. A step then holds no
// host-side number that changes from step to step, so a captured CUDA graph of it replays
// correctly, and its arithmetic is bit for bit that of a host-side scalar step
// (tests/core/tst_train_step.cpp).
//
// One buffer for all parameters: the optimiser moves the parameters into one flat tensor (each
// parameter becomes a view of its part, keeping its identity) and keeps its moments the same
// way. A step copies the gradients into one flat gradient and updates everything with a dozen
// operations on whole buffers, whatever the model's parameter count. Before, every operation ran
// per parameter on the CPU, and even on a GPU the step factor was multiplied in parameter by
// parameter: ResNet-50 has 214 parameters, and its step made 8 030 operator calls before and
// 4 202 after. Parameters of mixed types or devices, or a step where some have no gradient,
// take the same arithmetic parameter by parameter (tests/core/tst_keras_adam.cpp: bit for bit).
//
// The weights' layout (engine/weight_layout.h), where they share one buffer:
// - bf16 copies: the parameters named are handed to the model as bf16 copies of the optimiser's
//   fp32 weights, all in one bf16 buffer that one copy refreshes after each step. Their
//   gradients arrive in bf16 and are widened into the fp32 flat gradient in two operations,
//   wherever they are in the model.
// - channels-last: each 4-D parameter's part of every buffer holds it in NHWC order, and the
//   parameter is a channels-last view of it; its gradient is gathered in the same order.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <vector>

namespace tb {

struct WeightLayout {
  std::vector<torch::Tensor> bf16Copies;  // parameters the model reads as bf16 copies
  bool channelsLast = false;              // 4-D parameters stored channels-last
};

struct KerasAdamOptions {
  double learningRate = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double epsilon = 1e-7;
};

class KerasAdam {
 public:
  // `plannedSteps`: the steps the run will take, so their factors are on the device before the
  // first; stepping past them grows the table (on the host, between steps). Construct it after
  // the model is on its device: the parameters' storage moves into the optimiser's buffer.
  // `layout`: kept only where all parameters share one buffer.
  KerasAdam(std::vector<torch::Tensor> parameters, KerasAdamOptions options = {},
            std::int64_t plannedSteps = 0, const WeightLayout& layout = {});

  void zeroGrad();
  // One step; with `overflow` (fp16's loss scaling, engine/loss_scaler.h: a float flag of shape
  // [1] on the device, 1 when a gradient holds an inf or NaN) the step is skipped on the device
  // when it is set, leaving weights, moments and the step count as they were: nothing is read
  // on the host.
  void step(const torch::Tensor& overflow = {});
  // Steps asked of the host, skipped ones included.
  std::int64_t iterations() const { return m_step; }
  // Steps whose factors are on the device now; a captured step must not take more (the table
  // would move, and the graph read the old one).
  std::int64_t plannedSteps() const { return m_rates.size(0); }
  // Steps taken without step() running on the host (a graph's replay: +1) or not taken by a
  // step() that ran (a capture: -1). The device's count is right either way.
  void addHostSteps(std::int64_t steps) { m_step += steps; }
  // Whether the parameters live in one flat buffer (see above).
  bool isFlat() const { return !m_flat.parameters.empty(); }
  // Whether some parameters are bf16 copies of the weights trained here.
  bool keepsBf16Copies() const { return m_copies.defined(); }
  // The weights trained, in the parameters' order: the parameters themselves, or for bf16
  // copies their fp32 originals.
  const std::vector<torch::Tensor>& weights() const { return m_each.parameters; }

 private:
  // The optimiser's tensors: per parameter, or one flat buffer each.
  struct State {
    std::vector<torch::Tensor> parameters, grads, firstMoments, secondMoments;
    std::vector<torch::Tensor> denominators;  // sqrt(v) + epsilon
    std::vector<torch::Tensor> scaled;        // -lr_t * m
  };

  void planSteps(std::int64_t steps);
  void flatten(const WeightLayout& layout);
  // `sizes`' part of a flat buffer at `offset`, in the layout's order.
  torch::Tensor partOf(const torch::Tensor& buffer, std::int64_t offset,
                       torch::IntArrayRef sizes) const;
  // A parameter-shaped tensor flattened in its part's order.
  torch::Tensor inBufferOrder(const torch::Tensor& tensor) const;
  void gatherFlatGradient();
  void refreshCopies();
  void update(const State& state, const torch::Tensor& rate) const;
  void updateUnlessOverflow(const State& state, const torch::Tensor& rate,
                            const torch::Tensor& overflow) const;

  std::vector<torch::Tensor> m_parameters;
  // Per parameter, in the parameters' order: the weights and their state (views of m_flat's
  // buffers when flat); no grads.
  State m_each;
  State m_flat;  // one tensor per list, when flat
  // The flat buffers' order: indexes into m_parameters, the m_copiedCount bf16-copied ones
  // first, so that theirs are the first m_copiedElements of every buffer.
  std::vector<std::size_t> m_layout;
  std::size_t m_copiedCount = 0;
  bool m_channelsLast = false;
  std::int64_t m_copiedElements = 0;
  torch::Tensor m_copiedWeights;  // the fp32 weights of the copied parameters (a view)
  torch::Tensor m_copies;         // bf16, what the model reads for them
  torch::Tensor m_copyGrads;      // bf16, their gradients gathered
  torch::Tensor m_copiedGrads;    // the flat gradient's part for them, and for the others
  torch::Tensor m_otherGrads;
  KerasAdamOptions m_options;
  std::int64_t m_step = 0;    // the host's count, for planning and iterations()
  torch::Tensor m_stepIndex;  // the device's count (long, shape [1]): indexes m_rates
  torch::Tensor m_rates;  // -lr_t of step t + 1 at index t (the parameters' type, on the device)
  // [beta1, 1 - beta1, beta2, 1 - beta2] of a step (row 0) and of a skipped one (row 1), for
  // updateUnlessOverflow to pick from on the device in one operation.
  torch::Tensor m_overflowFactors;
};

}  // namespace tb
