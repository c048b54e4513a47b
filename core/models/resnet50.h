// The seed's second model: tf.keras.applications.ResNet50(include_top=True, weights=None,
// input_shape=(32, 32, 3), classes=10), ported layer for layer (keras/applications/resnet.py).
#pragma once

#include "data/dataset.h"
#include "models/classifier.h"
#include "models/flops.h"

#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

#include <array>
#include <vector>

namespace tb {

// Keras's block1 (the older resnet50.py's conv_block with a projection, identity_block without):
// 1x1 (stride here) -> 3x3 -> 1x1 x4 filters, each conv with a bias and followed by BatchNorm, the
// shortcut added before the last ReLU.
class KerasBottleneckImpl : public torch::nn::Module {
 public:
  KerasBottleneckImpl(std::int64_t inChannels, std::int64_t filters, std::int64_t stride,
                      bool projection);
  torch::Tensor forward(const torch::Tensor& input);

 private:
  torch::nn::Conv2d m_conv1{nullptr}, m_conv2{nullptr}, m_conv3{nullptr};
  torch::nn::BatchNorm2d m_bn1{nullptr}, m_bn2{nullptr}, m_bn3{nullptr};
  torch::nn::Conv2d m_shortcutConv{nullptr};  // only in a stage's first block
  torch::nn::BatchNorm2d m_shortcutBn{nullptr};
};
TORCH_MODULE(KerasBottleneck);

class KerasResNet50 final : public Classifier {
 public:
  static constexpr std::int64_t kStemFilters = 64;
  static constexpr std::array<std::int64_t, 4> kBlocks = {3, 4, 6, 3};
  static constexpr std::array<std::int64_t, 4> kFilters = {64, 128, 256, 512};  // x4 out
  static constexpr std::int64_t kExpansion = 4;

  explicit KerasResNet50(std::int64_t classes = 10, std::int64_t inChannels = 3);
  // Logits: the engine's cross-entropy on logits equals Keras's softmax output followed by
  // CategoricalCrossentropy (up to Keras clipping probabilities at 1e-7), and is stabler.
  torch::Tensor forward(const torch::Tensor& images) override;

  // FLOPs and parameters of this architecture for `input`-sized images.
  static ModelFacts facts(const ImageShape& input, std::int64_t classes = 10);

 private:
  torch::nn::Conv2d m_stemConv{nullptr};
  torch::nn::BatchNorm2d m_stemBn{nullptr};
  std::vector<KerasBottleneck> m_blocks;
  torch::nn::Linear m_predictions{nullptr};
};

}  // namespace tb
