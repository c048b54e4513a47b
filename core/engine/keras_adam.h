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
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <vector>

namespace tb {

struct KerasAdamOptions {
  double learningRate = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double epsilon = 1e-7;
};

class KerasAdam {
 public:
  // `plannedSteps`: the steps the run will take, so their factors are on the device before the
  // first; stepping past them grows the table (on the host, between steps).
  KerasAdam(std::vector<torch::Tensor> parameters, KerasAdamOptions options = {},
            std::int64_t plannedSteps = 0);

  void zeroGrad();
  void step();
  std::int64_t iterations() const { return m_step; }

 private:
  void planSteps(std::int64_t steps);

  std::vector<torch::Tensor> m_parameters;
  std::vector<torch::Tensor> m_firstMoments;
  std::vector<torch::Tensor> m_secondMoments;
  std::vector<torch::Tensor> m_scaled;        // -lr_t * m, kept across steps
  std::vector<torch::Tensor> m_denominators;  // sqrt(v) + epsilon, kept across steps (CPU)
  KerasAdamOptions m_options;
  std::int64_t m_step = 0;     // the host's count, for planning and iterations()
  torch::Tensor m_stepIndex;   // the device's count (long, shape [1]): indexes m_rates
  torch::Tensor m_rates;       // -lr_t of step t + 1 at index t (the parameters' type, on the device)
};

}  // namespace tb
