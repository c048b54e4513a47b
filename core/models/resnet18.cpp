// CIFAR ResNet-18: 3x3 stem, BasicBlocks [2, 2, 2, 2], global average pool, one dense layer.
#include "models/resnet18.h"

#include <string>

namespace tb {
namespace {

torch::nn::Conv2d conv(std::int64_t in, std::int64_t out, std::int64_t kernel,
                       std::int64_t stride = 1, std::int64_t padding = 0) {
  return torch::nn::Conv2d(
      torch::nn::Conv2dOptions(in, out, kernel).stride(stride).padding(padding).bias(false));
}

bool needsProjection(std::int64_t in, std::int64_t out, std::int64_t stride) {
  return stride != 1 || in != out;
}

std::string blockName(std::size_t stage, std::int64_t block) {
  return "layer" + std::to_string(stage + 1) + "_" + std::to_string(block);
}

}  // namespace

BasicBlockImpl::BasicBlockImpl(std::int64_t inChannels, std::int64_t outChannels,
                               std::int64_t stride)
    : m_conv1(register_module("conv1", conv(inChannels, outChannels, 3, stride, /*padding=*/1))),
      m_conv2(register_module("conv2", conv(outChannels, outChannels, 3, 1, /*padding=*/1))),
      m_bn1(register_module("bn1", torch::nn::BatchNorm2d(outChannels))),
      m_bn2(register_module("bn2", torch::nn::BatchNorm2d(outChannels))) {
  if (needsProjection(inChannels, outChannels, stride)) {
    m_shortcutConv = register_module("shortcut_conv", conv(inChannels, outChannels, 1, stride));
    m_shortcutBn = register_module("shortcut_bn", torch::nn::BatchNorm2d(outChannels));
  }
}

torch::Tensor BasicBlockImpl::forward(const torch::Tensor& input) {
  auto x = torch::relu(m_bn1->forward(m_conv1->forward(input)));
  x = m_bn2->forward(m_conv2->forward(x));
  const torch::Tensor shortcut =
      m_shortcutConv ? m_shortcutBn->forward(m_shortcutConv->forward(input)) : input;
  return torch::relu(x + shortcut);
}

CifarResNet18::CifarResNet18(std::int64_t classes, std::int64_t inChannels) {
  m_stemConv = register_module("conv1", conv(inChannels, kStemFilters, 3, 1, /*padding=*/1));
  m_stemBn = register_module("bn1", torch::nn::BatchNorm2d(kStemFilters));
  std::int64_t channels = kStemFilters;
  for (std::size_t stage = 0; stage < kBlocks.size(); ++stage) {
    for (std::int64_t block = 0; block < kBlocks[stage]; ++block) {
      const std::int64_t stride = block == 0 && stage > 0 ? 2 : 1;
      m_blocks.push_back(
          register_module(blockName(stage, block), BasicBlock(channels, kFilters[stage], stride)));
      channels = kFilters[stage];
    }
  }
  m_fc = register_module("fc", torch::nn::Linear(channels, classes));
}

torch::Tensor CifarResNet18::forward(const torch::Tensor& images) {
  auto x = torch::relu(m_stemBn->forward(m_stemConv->forward(images)));
  for (auto& block : m_blocks) x = block->forward(x);
  x = x.mean({/*height=*/2, /*width=*/3});  // the recipes' 4x4 average pool, for any input size
  return m_fc->forward(x);
}

ModelFacts CifarResNet18::facts(const ImageShape& input, std::int64_t classes) {
  ModelFacts facts;
  std::int64_t height = input.height;
  std::int64_t width = input.width;
  facts.conv2d("conv1", 3, input.channels, kStemFilters, height, width, /*bias=*/false);
  facts.batchNorm("bn1", kStemFilters);
  std::int64_t channels = kStemFilters;
  for (std::size_t stage = 0; stage < kBlocks.size(); ++stage) {
    const std::int64_t out = kFilters[stage];
    for (std::int64_t block = 0; block < kBlocks[stage]; ++block) {
      const std::int64_t stride = block == 0 && stage > 0 ? 2 : 1;
      const std::string name = blockName(stage, block) + ".";
      height = convOutputSize(height, 3, stride, 1);
      width = convOutputSize(width, 3, stride, 1);
      facts.conv2d(name + "conv1", 3, channels, out, height, width, false);
      facts.batchNorm(name + "bn1", out);
      facts.conv2d(name + "conv2", 3, out, out, height, width, false);
      facts.batchNorm(name + "bn2", out);
      if (needsProjection(channels, out, stride)) {
        facts.conv2d(name + "shortcut_conv", 1, channels, out, height, width, false);
        facts.batchNorm(name + "shortcut_bn", out);
      }
      channels = out;
    }
  }
  facts.dense("fc", channels, classes);
  return facts;
}

}  // namespace tb
