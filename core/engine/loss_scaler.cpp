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
  torch::Tensor allFinite;
  for (const auto& parameter : parameters) {
    auto grad = parameter.grad();
    if (!grad.defined()) continue;
    grad.mul_(inverse);
    const auto finite = torch::isfinite(grad).all();
    allFinite = allFinite.defined() ? allFinite.logical_and(finite) : finite;
  }
  return !allFinite.defined() || allFinite.item<bool>();
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
