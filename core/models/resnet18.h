// ResNet-18 as CIFAR-10 training recipes use it (He et al.'s ImageNet ResNet-18 with a 3x3
// stride-1 stem and no max-pool, so 32x32 images keep their resolution; e.g.
// kuangliu/pytorch-cifar).
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

// Two 3x3 convs (no bias, each followed by BatchNorm); a 1x1 projection shortcut where the shape
// changes.
class BasicBlockImpl : public torch::nn::Module {
 public:
  BasicBlockImpl(std::int64_t inChannels, std::int64_t outChannels, std::int64_t stride);
  torch::Tensor forward(const torch::Tensor& input);

 private:
  torch::nn::Conv2d m_conv1{nullptr}, m_conv2{nullptr};
  torch::nn::BatchNorm2d m_bn1{nullptr}, m_bn2{nullptr};
  torch::nn::Conv2d m_shortcutConv{nullptr};
  torch::nn::BatchNorm2d m_shortcutBn{nullptr};
};
TORCH_MODULE(BasicBlock);

// PyTorch-style: torch's default initialisation and BatchNorm settings, as the recipes have them.
class CifarResNet18 final : public Classifier {
 public:
  static constexpr std::int64_t kStemFilters = 64;
  static constexpr std::array<std::int64_t, 4> kBlocks = {2, 2, 2, 2};
  static constexpr std::array<std::int64_t, 4> kFilters = {64, 128, 256, 512};

  explicit CifarResNet18(std::int64_t classes = 10, std::int64_t inChannels = 3);
  torch::Tensor forward(const torch::Tensor& images) override;

  static ModelFacts facts(const ImageShape& input, std::int64_t classes = 10);

 private:
  torch::nn::Conv2d m_stemConv{nullptr};
  torch::nn::BatchNorm2d m_stemBn{nullptr};
  std::vector<BasicBlock> m_blocks;
  torch::nn::Linear m_fc{nullptr};
};

}  // namespace tb
