// The seed article's first model: Flatten -> Dense(128, relu) -> Dense(10) logits (Keras).
#pragma once

#include "models/classifier.h"

#include <torch/nn/modules/linear.h>

namespace tb {

class FashionMlp final : public Classifier {
 public:
  static constexpr std::int64_t kInputs = 28 * 28;
  static constexpr std::int64_t kHidden = 128;
  static constexpr std::int64_t kClasses = 10;

  FashionMlp();
  torch::Tensor forward(const torch::Tensor& images) override;

 private:
  torch::nn::Linear m_hidden{nullptr};
  torch::nn::Linear m_output{nullptr};
};

// Keras's defaults for Dense layers: Glorot-uniform kernels, zero biases.
void initKerasDense(torch::nn::Linear& layer);

}  // namespace tb
