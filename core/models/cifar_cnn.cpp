// The TensorFlow tutorial's CIFAR-10 CNN.
#include "models/cifar_cnn.h"

#include "models/fashion_mlp.h"
#include "models/keras_layers.h"

#include <torch/nn/functional/pooling.h>

namespace tb {
namespace {

torch::nn::Conv2d conv3x3(std::int64_t in, std::int64_t out) {
  return kerasConv2d(torch::nn::Conv2dOptions(in, out, 3));
}

// Side lengths after conv 3x3 -> pool 2 -> conv 3x3 -> pool 2 -> conv 3x3 (all valid).
struct Sides {
  std::int64_t conv1, pool1, conv2, pool2, conv3;
};

Sides sides(std::int64_t input) {
  Sides s{};
  s.conv1 = convOutputSize(input, 3, 1, 0);
  s.pool1 = convOutputSize(s.conv1, 2, 2, 0);
  s.conv2 = convOutputSize(s.pool1, 3, 1, 0);
  s.pool2 = convOutputSize(s.conv2, 2, 2, 0);
  s.conv3 = convOutputSize(s.pool2, 3, 1, 0);
  return s;
}

}  // namespace

CifarCnn::CifarCnn(const ImageShape& input, std::int64_t classes)
    : m_conv1(register_module("conv1", conv3x3(input.channels, kFilters1))),
      m_conv2(register_module("conv2", conv3x3(kFilters1, kFilters2))),
      m_conv3(register_module("conv3", conv3x3(kFilters2, kFilters3))) {
  const std::int64_t flat = kFilters3 * sides(input.height).conv3 * sides(input.width).conv3;
  m_hidden = register_module("hidden", torch::nn::Linear(flat, kHidden));
  m_output = register_module("output", torch::nn::Linear(kHidden, classes));
  initKerasDense(m_hidden);
  initKerasDense(m_output);
}

torch::Tensor CifarCnn::forward(const torch::Tensor& images) {
  namespace F = torch::nn::functional;
  auto x = F::max_pool2d(torch::relu(m_conv1->forward(images)), F::MaxPool2dFuncOptions(2));
  x = F::max_pool2d(torch::relu(m_conv2->forward(x)), F::MaxPool2dFuncOptions(2));
  // Keras flattens channels-last; the order differs but, trained from scratch, it is the same
  // model.
  x = torch::relu(m_conv3->forward(x)).flatten(/*start_dim=*/1);
  x = torch::relu(m_hidden->forward(x));
  return m_output->forward(x);
}

ModelFacts CifarCnn::facts(const ImageShape& input, std::int64_t classes) {
  const Sides h = sides(input.height);
  const Sides w = sides(input.width);
  ModelFacts facts;
  facts.conv2d("conv1", 3, input.channels, kFilters1, h.conv1, w.conv1, /*bias=*/true);
  facts.conv2d("conv2", 3, kFilters1, kFilters2, h.conv2, w.conv2, true);
  facts.conv2d("conv3", 3, kFilters2, kFilters3, h.conv3, w.conv3, true);
  facts.dense("hidden", kFilters3 * h.conv3 * w.conv3, kHidden);
  facts.dense("output", kHidden, classes);
  return facts;
}

}  // namespace tb
