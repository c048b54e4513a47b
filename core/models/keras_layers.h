// Layers initialised as Keras initialises them, for models ported from Keras.
#pragma once

#include <torch/nn/modules/conv.h>

namespace tb {

// A Conv2D with Keras's defaults: Glorot-uniform kernel, zero bias (when it has one). Keras's
// Glorot fans for a conv are k*k*in and k*k*out, which is what torch's xavier_uniform_ computes
// for an (out, in, k, k) weight.
torch::nn::Conv2d kerasConv2d(const torch::nn::Conv2dOptions& options);

}  // namespace tb
