// Keras-initialised layers.
#include "models/keras_layers.h"

#include <torch/nn/init.h>

namespace tb {

torch::nn::Conv2d kerasConv2d(const torch::nn::Conv2dOptions& options) {
  torch::nn::Conv2d conv(options);
  torch::NoGradGuard noGrad;
  torch::nn::init::xavier_uniform_(conv->weight);
  if (conv->bias.defined()) torch::nn::init::zeros_(conv->bias);
  return conv;
}

}  // namespace tb
