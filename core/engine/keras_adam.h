// Adam exactly as Keras 2.x applies it, so runs match the seed scripts.
//
// Keras's epsilon is the "epsilon hat" of Kingma & Ba: it is added to sqrt(v) before bias
// correction, while torch::optim::Adam adds it after. With Keras's small default (1e-7) the two
// differ early in training, so TrainBench carries its own update:
//   lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t)
//   m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g^2
//   p -= lr_t * m / (sqrt(v) + epsilon)
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
  KerasAdam(std::vector<torch::Tensor> parameters, KerasAdamOptions options = {});

  void zeroGrad();
  void step();
  std::int64_t iterations() const { return m_step; }

 private:
  std::vector<torch::Tensor> m_parameters;
  std::vector<torch::Tensor> m_firstMoments;
  std::vector<torch::Tensor> m_secondMoments;
  KerasAdamOptions m_options;
  std::int64_t m_step = 0;
};

}  // namespace tb
