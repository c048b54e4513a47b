// bf16 runs hand the model bf16 copies of its linear and convolution weights, refreshed from
// the optimiser's fp32 weights once per step (engine/keras_adam.h), instead of letting autocast
// cast each weight in every forward pass and widen each gradient back in backward: two
// operations per weight per step (a kernel launch each on a GPU) become two for all of them.
// Autocast would compute those layers in bf16 from the same rounded weights and widen their
// gradients exactly, so training is bit for bit the same (tests/core/tst_weight_copies.cpp);
// everything else (batch normalisation, the loss) stays as autocast has it.
#pragma once

#include "engine/precision.h"

#include <torch/nn/module.h>
#include <torch/types.h>

#include <vector>

namespace tb {

// The parameters that `model`'s training should read as bf16 copies: its linear and convolution
// layers' (the ones autocast casts to bf16), for a bf16 run on the CPU or a CUDA GPU that does
// not exchange gradients; none otherwise. A data-parallel run averages fp32 gradients, as the
// model trains them without copies.
std::vector<torch::Tensor> bf16CopiedParameters(const torch::nn::Module& model,
                                                Precision precision, const torch::Device& device,
                                                bool dataParallel);

}  // namespace tb
