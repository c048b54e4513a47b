// The common face of every workload model: normalised images (N, C, H, W) in, logits (N, K) out.
#pragma once

#include <torch/nn/module.h>

namespace tb {

class Classifier : public torch::nn::Module {
 public:
  virtual torch::Tensor forward(const torch::Tensor& images) = 0;
};

}  // namespace tb
