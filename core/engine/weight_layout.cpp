#include "engine/weight_layout.h"

#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

#include <cstdlib>
#include <string>

namespace tb {

namespace {

std::vector<torch::Tensor> bf16CopiedParameters(const torch::nn::Module& model, Precision precision,
                                                const torch::Device& device, bool dataParallel) {
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

bool channelsLastFor(Precision precision, const torch::Device& device) {
  const char* setting = std::getenv("TRAINBENCH_CHANNELS_LAST");
  if (setting != nullptr && (std::string(setting) == "0" || std::string(setting) == "1")) {
    return std::string(setting) == "1";
  }
  return device.is_cpu() || (device.is_cuda() && precision == Precision::Bf16);
}

}  // namespace

WeightLayout weightLayoutFor(const torch::nn::Module& model, Precision precision,
                             const torch::Device& device, bool dataParallel) {
  WeightLayout layout;
  layout.bf16Copies = bf16CopiedParameters(model, precision, device, dataParallel);
  layout.channelsLast = channelsLastFor(precision, device);
  return layout;
}

}  // namespace tb
