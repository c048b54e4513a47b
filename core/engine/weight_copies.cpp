#include "engine/weight_copies.h"

#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

namespace tb {

std::vector<torch::Tensor> bf16CopiedParameters(const torch::nn::Module& model,
                                                Precision precision, const torch::Device& device,
                                                bool dataParallel) {
  std::vector<torch::Tensor> copied;
  // Autocast runs on these devices only (engine/precision_scope.h).
  if (precision != Precision::Bf16 || dataParallel || !(device.is_cpu() || device.is_cuda())) {
    return copied;
  }
  for (const auto& module : model.modules(/*include_self=*/false)) {
    if (module->as<torch::nn::Linear>() == nullptr && module->as<torch::nn::Conv2d>() == nullptr) {
      continue;
    }
    for (const auto& parameter : module->parameters(/*recurse=*/false)) copied.push_back(parameter);
  }
  return copied;
}

}  // namespace tb
