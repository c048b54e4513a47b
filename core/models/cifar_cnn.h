// A small CIFAR-10 conv net that trains in minutes on a laptop CPU: the network of TensorFlow's
// "Convolutional Neural Network (CNN)" tutorial (122 570 parameters, ~70% test accuracy after
// 10 epochs on the real data), with Keras's initialisation.
#pragma once

#include "data/dataset.h"
#include "models/classifier.h"
#include "models/flops.h"

#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

namespace tb {

// Conv(32, 3x3) -> MaxPool 2 -> Conv(64, 3x3) -> MaxPool 2 -> Conv(64, 3x3) -> Flatten ->
// Dense(64) -> Dense(10) logits; ReLU after every conv and the hidden dense layer; valid padding.
class CifarCnn final : public Classifier {
 public:
  static constexpr std::int64_t kFilters1 = 32;
  static constexpr std::int64_t kFilters2 = 64;
  static constexpr std::int64_t kFilters3 = 64;
  static constexpr std::int64_t kHidden = 64;

  explicit CifarCnn(const ImageShape& input = ImageShape{3, 32, 32}, std::int64_t classes = 10);
  torch::Tensor forward(const torch::Tensor& images) override;

  static ModelFacts facts(const ImageShape& input, std::int64_t classes = 10);

 private:
  torch::nn::Conv2d m_conv1{nullptr}, m_conv2{nullptr}, m_conv3{nullptr};
  torch::nn::Linear m_hidden{nullptr}, m_output{nullptr};
};

}  // namespace tb
