// LossScaler: unscaling multiplies by 1/scale (exact for powers of two) and gathers one overflow
// flag on the device; the scale's update is a few element-wise operations there too.
#include "engine/loss_scaler.h"

#include <cstdio>

#include <torch/torch.h>

#include <algorithm>

namespace tb {

namespace {

constexpr double kMinScale = 1.0;  // below 1 the scaling would shrink gradients
// 2^24 lifts gradients as small as 2^-48 into fp16's range; more only invites overflows.
constexpr double kMaxScale = 16777216.0;

}  // namespace

LossScaler::LossScaler(LossScalerOptions options, const torch::Device& device)
    : m_options(options) {
  const auto floats = torch::TensorOptions().dtype(torch::kFloat).device(device);
  m_scale = torch::full({1}, std::clamp(options.initialScale, kMinScale, kMaxScale), floats);
  m_goodSteps = torch::zeros({1}, floats);
  m_skipped = torch::zeros({1}, floats.dtype(torch::kLong));
}

torch::Tensor LossScaler::scale(const torch::Tensor& loss) const { return loss * m_scale; }

torch::Tensor LossScaler::unscale(const std::vector<torch::Tensor>& parameters) {
  torch::NoGradGuard noGrad;
  auto overflow = torch::zeros_like(m_scale);
  const auto inverse = m_scale.reciprocal();
  std::vector<torch::Tensor> grads;
  for (const auto& parameter : parameters) {
    if (parameter.grad().defined()) grads.push_back(parameter.grad());
  }
  if (grads.empty()) return overflow;
  if (grads.front().is_cuda()) {
    // PyTorch's own GradScaler kernel: unscales all gradients and flags inf/NaN in one pass,
    // instead of three launches per parameter.
    at::_amp_foreach_non_finite_check_and_unscale_(grads, overflow, inverse);
    return overflow;
  }
  for (auto& grad : grads) {
    grad.mul_(inverse);
    overflow.logical_or_(torch::isfinite(grad).logical_not().any());
  }
  return overflow;
}

void LossScaler::update(const torch::Tensor& overflow) {
  torch::NoGradGuard noGrad;
  const auto skipped = overflow.gt(0);
  const auto good = torch::where(skipped, torch::zeros_like(m_goodSteps), m_goodSteps + 1);
  const auto grow = good.ge(m_options.growthInterval);
  const auto backedOff = (m_scale * m_options.backoffFactor).clamp_min(kMinScale);
  const auto grown = (m_scale * m_options.growthFactor).clamp_max(kMaxScale);
  m_scale.copy_(torch::where(skipped, backedOff, torch::where(grow, grown, m_scale)));
  m_goodSteps.copy_(torch::where(grow, torch::zeros_like(good), good));
  m_skipped.add_(skipped.to(torch::kLong));
}

std::string lossScalingNote(std::int64_t skipped, std::int64_t steps, double scale) {
  // The start's back-offs (2^16 down to a usual 2^10 or so) and one per 2000 good steps.
  const std::int64_t expected = 16 + steps / 100;
  if (skipped <= expected || steps <= 0) return {};
  char text[320];
  std::snprintf(text, sizeof text,
                "fp16: %lld of %lld steps were skipped because their gradients overflowed (loss "
                "scale now %g): they trained nothing, and samples/s counts them all the same; "
                "bf16 or fp32 avoid this",
                static_cast<long long>(skipped), static_cast<long long>(steps), scale);
  return text;
}

double LossScaler::currentScale() const { return m_scale.item<double>(); }

std::int64_t LossScaler::skippedSteps() const { return m_skipped.item<std::int64_t>(); }

}  // namespace tb
