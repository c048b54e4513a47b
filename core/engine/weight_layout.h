// How the optimiser lays a model's weights out for it (engine/keras_adam.h), chosen per run.
//
// bf16 copies: a bf16 run hands the model bf16 copies of its linear and convolution weights,
// refreshed from the optimiser's fp32 weights once per step, instead of letting autocast cast
// each weight in every forward pass and widen each gradient back in backward: two operations
// per weight per step (a kernel launch each on a GPU) become two for all of them. Autocast
// would compute those layers in bf16 from the same rounded weights and widen their gradients
// exactly, so training is bit for bit the same (tests/core/tst_weight_layout.cpp); everything
// else (batch normalisation, the loss) stays as autocast has it.
//
// Channels-last: convolution kernels are stored channels-last (NHWC), so convolutions run in
// that format from the first layer on, as oneDNN and cuDNN's tensor cores prefer. On the CPU it
// made a ResNet-50 step 1.02-1.07x faster in fp32 and bf16 (docs/benchmarks.md); on CUDA it is
// used for bf16, where tensor cores want it. Training is the same up to the convolutions'
// rounding in another order.
#pragma once

#include "engine/keras_adam.h"
#include "engine/precision.h"

#include <torch/nn/module.h>
#include <torch/types.h>

namespace tb {

// The layout for training `model` in `precision` on `device`. bf16 copies: a bf16 run on the
// CPU or a CUDA GPU that does not exchange gradients (a data-parallel run averages fp32
// gradients, as the model trains them without copies), of the linear and convolution layers'
// parameters (the ones autocast casts to bf16). Channels-last: on the CPU, and for bf16 on CUDA;
// $TRAINBENCH_CHANNELS_LAST (0 or 1) overrides that, for comparing the two.
WeightLayout weightLayoutFor(const torch::nn::Module& model, Precision precision,
                             const torch::Device& device, bool dataParallel);

}  // namespace tb
