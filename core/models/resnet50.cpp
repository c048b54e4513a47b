// Keras ResNet50; module paths follow Keras layer names (conv2_block1.1_conv: conv2_block1_1_conv).
#include "models/resnet50.h"

#include "models/fashion_mlp.h"
#include "models/keras_layers.h"

#include <torch/nn/functional/pooling.h>

#include <string>

namespace tb {
namespace {

// keras.applications' ResNet BatchNormalization(epsilon=1.001e-5), with Keras's default momentum
// 0.99 for the moving averages, which is 1 - 0.99 = 0.01 in torch's convention.
constexpr double kBnEpsilon = 1.001e-5;
constexpr double kBnMomentum = 0.01;

torch::nn::BatchNorm2d kerasBatchNorm(std::int64_t channels) {
  return torch::nn::BatchNorm2d(
      torch::nn::BatchNorm2dOptions(channels).eps(kBnEpsilon).momentum(kBnMomentum));
}

// Keras's Conv2D defaults: a bias, Glorot-uniform kernel. `padding` 1 on a 3x3 stride-1 conv is
// Keras's padding="same".
torch::nn::Conv2d conv(std::int64_t in, std::int64_t out, std::int64_t kernel,
                       std::int64_t stride = 1, std::int64_t padding = 0) {
  return kerasConv2d(
      torch::nn::Conv2dOptions(in, out, kernel).stride(stride).padding(padding).bias(true));
}

std::string stageName(std::size_t stage) { return "conv" + std::to_string(stage + 2); }

}  // namespace

KerasBottleneckImpl::KerasBottleneckImpl(std::int64_t inChannels, std::int64_t filters,
                                         std::int64_t stride, bool projection) {
  const std::int64_t out = KerasResNet50::kExpansion * filters;
  if (projection) {
    m_shortcutConv = register_module("0_conv", conv(inChannels, out, 1, stride));
    m_shortcutBn = register_module("0_bn", kerasBatchNorm(out));
  }
  // Keras strides the first 1x1 conv, not the 3x3 (torchvision's "v1.5" strides the 3x3).
  m_conv1 = register_module("1_conv", conv(inChannels, filters, 1, stride));
  m_bn1 = register_module("1_bn", kerasBatchNorm(filters));
  m_conv2 = register_module("2_conv", conv(filters, filters, 3, 1, /*padding=*/1));
  m_bn2 = register_module("2_bn", kerasBatchNorm(filters));
  m_conv3 = register_module("3_conv", conv(filters, out, 1));
  m_bn3 = register_module("3_bn", kerasBatchNorm(out));
}

torch::Tensor KerasBottleneckImpl::forward(const torch::Tensor& input) {
  const torch::Tensor shortcut =
      m_shortcutConv ? m_shortcutBn->forward(m_shortcutConv->forward(input)) : input;
  auto x = torch::relu(m_bn1->forward(m_conv1->forward(input)));
  x = torch::relu(m_bn2->forward(m_conv2->forward(x)));
  x = m_bn3->forward(m_conv3->forward(x));
  return torch::relu(x + shortcut);
}

KerasResNet50::KerasResNet50(std::int64_t classes, std::int64_t inChannels) {
  // ZeroPadding2D(3) + a valid 7x7 conv is exactly a conv with zero padding 3.
  m_stemConv = register_module("conv1_conv", conv(inChannels, kStemFilters, 7, 2, /*padding=*/3));
  m_stemBn = register_module("conv1_bn", kerasBatchNorm(kStemFilters));
  std::int64_t channels = kStemFilters;
  for (std::size_t stage = 0; stage < kBlocks.size(); ++stage) {
    for (std::int64_t block = 0; block < kBlocks[stage]; ++block) {
      const bool first = block == 0;
      // stack1(..., stride1=1) for conv2, stride 2 for conv3..conv5.
      const std::int64_t stride = first && stage > 0 ? 2 : 1;
      const std::string name = stageName(stage) + "_block" + std::to_string(block + 1);
      m_blocks.push_back(
          register_module(name, KerasBottleneck(channels, kFilters[stage], stride, first)));
      channels = kExpansion * kFilters[stage];
    }
  }
  m_predictions = register_module("predictions", torch::nn::Linear(channels, classes));
  initKerasDense(m_predictions);
}

torch::Tensor KerasResNet50::forward(const torch::Tensor& images) {
  namespace F = torch::nn::functional;
  auto x = torch::relu(m_stemBn->forward(m_stemConv->forward(images)));
  // Keras pads with zeros (ZeroPadding2D(1)) before a valid max-pool; torch pads with -inf. After
  // the ReLU every value is >= 0, so both give the same maximum.
  x = F::max_pool2d(x, F::MaxPool2dFuncOptions(3).stride(2).padding(1));
  for (auto& block : m_blocks) x = block->forward(x);
  x = x.mean({/*height=*/2, /*width=*/3});  // GlobalAveragePooling2D
  return m_predictions->forward(x);
}

ModelFacts KerasResNet50::facts(const ImageShape& input, std::int64_t classes) {
  ModelFacts facts;
  std::int64_t height = convOutputSize(input.height, 7, 2, 3);
  std::int64_t width = convOutputSize(input.width, 7, 2, 3);
  facts.conv2d("conv1_conv", 7, input.channels, kStemFilters, height, width, /*bias=*/true);
  facts.batchNorm("conv1_bn", kStemFilters);
  height = convOutputSize(height, 3, 2, 1);
  width = convOutputSize(width, 3, 2, 1);

  std::int64_t channels = kStemFilters;
  for (std::size_t stage = 0; stage < kBlocks.size(); ++stage) {
    const std::int64_t filters = kFilters[stage];
    const std::int64_t out = kExpansion * filters;
    for (std::int64_t block = 0; block < kBlocks[stage]; ++block) {
      const bool first = block == 0;
      const std::int64_t stride = first && stage > 0 ? 2 : 1;
      const std::string name = stageName(stage) + "_block" + std::to_string(block + 1) + ".";
      height = convOutputSize(height, 1, stride, 0);
      width = convOutputSize(width, 1, stride, 0);
      if (first) {
        facts.conv2d(name + "0_conv", 1, channels, out, height, width, true);
        facts.batchNorm(name + "0_bn", out);
      }
      facts.conv2d(name + "1_conv", 1, channels, filters, height, width, true);
      facts.batchNorm(name + "1_bn", filters);
      facts.conv2d(name + "2_conv", 3, filters, filters, height, width, true);
      facts.batchNorm(name + "2_bn", filters);
      facts.conv2d(name + "3_conv", 1, filters, out, height, width, true);
      facts.batchNorm(name + "3_bn", out);
      channels = out;
    }
  }
  facts.dense("predictions", channels, classes);
  return facts;
}

}  // namespace tb
