// LossScaler: unscaling multiplies by 1/scale (exact for powers of two) and gathers one "all
// finite" flag on the device, so a step costs a single host read.
#include "engine/loss_scaler.h"

#include <torch/torch.h>

#include <algorithm>

namespace tb {

namespace {

constexpr double kMinScale = 1.0;  // below 1 the scaling would shrink gradients
// 2^24 lifts gradients as small as 2^-48 into fp16's range; more only invites overflows.
constexpr double kMaxScale = 16777216.0;

}  // namespace

LossScaler::LossScaler(LossScalerOptions options)
    : m_options(options), m_scale(std::clamp(options.initialScale, kMinScale, kMaxScale)) {}

torch::Tensor LossScaler::scale(const torch::Tensor& loss) const { return loss * m_scale; }

bool LossScaler::unscale(const std::vector<torch::Tensor>& parameters) {
  torch::NoGradGuard noGrad;
  const double inverse = 1.0 / m_scale;
  std::vector<torch::Tensor> grads;
  for (const auto& parameter : parameters) {
    if (parameter.grad().defined()) grads.push_back(parameter.grad());
  }
  if (grads.empty()) return true;
  if (grads.front().is_cuda()) {
    // PyTorch's own GradScaler kernel: unscales all gradients and flags inf/NaN in one pass,
    // instead of three launches per parameter.
    auto foundInf = torch::zeros({1}, grads.front().options().dtype(torch::kFloat));
    const auto inverseScale = torch::full({1}, inverse, foundInf.options());
    at::_amp_foreach_non_finite_check_and_unscale_(grads, foundInf, inverseScale);
    return foundInf.item<float>() == 0.0F;
  }
  torch::Tensor allFinite;
  for (auto& grad : grads) {
    grad.mul_(inverse);
    const auto finite = torch::isfinite(grad).all();
    allFinite = allFinite.defined() ? allFinite.logical_and(finite) : finite;
  }
  return allFinite.item<bool>();
}

void LossScaler::update(bool finite) {
  if (!finite) {
    ++m_skipped;
    m_goodSteps = 0;
    m_scale = std::max(kMinScale, m_scale * m_options.backoffFactor);
    return;
  }
  if (++m_goodSteps >= m_options.growthInterval) {
    m_goodSteps = 0;
    m_scale = std::min(kMaxScale, m_scale * m_options.growthFactor);
  }
}

}  // namespace tb
