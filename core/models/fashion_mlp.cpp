#include "models/fashion_mlp.h"

#include <torch/nn/init.h>

namespace tb {

FashionMlp::FashionMlp()
    : m_hidden(register_module("hidden", torch::nn::Linear(kInputs, kHidden))),
      m_output(register_module("output", torch::nn::Linear(kHidden, kClasses))) {
  initKerasDense(m_hidden);
  initKerasDense(m_output);
}

torch::Tensor FashionMlp::forward(const torch::Tensor& images) {
  auto x = images.flatten(/*start_dim=*/1);
  x = torch::relu(m_hidden->forward(x));
  return m_output->forward(x);
}

void initKerasDense(torch::nn::Linear& layer) {
  torch::NoGradGuard noGrad;
  torch::nn::init::xavier_uniform_(layer->weight);
  torch::nn::init::zeros_(layer->bias);
}

}  // namespace tb
