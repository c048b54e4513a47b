#include "engine/epoch_stats.h"

#include <torch/torch.h>

#include <algorithm>

namespace tb {

EpochStats::EpochStats(std::int64_t samples, std::int64_t batchSize, const torch::Device& device)
    : m_samples(samples), m_batchSize(batchSize) {
  const std::int64_t steps = (samples + batchSize - 1) / batchSize;
  auto floats = torch::TensorOptions().dtype(torch::kFloat).device(device);
  m_stepLosses = torch::zeros({steps}, floats);
  m_stepWeights = torch::full({steps}, static_cast<double>(batchSize), floats);
  if (steps > 0 && samples % batchSize != 0) {
    m_stepWeights[steps - 1].fill_(static_cast<double>(samples % batchSize));
  }
  m_correct = torch::zeros({}, torch::TensorOptions().dtype(torch::kLong).device(device));
}

void EpochStats::restart() {
  m_stepLosses.zero_();
  m_correct.zero_();
}

void EpochStats::add(std::int64_t step, const torch::Tensor& meanLoss, const torch::Tensor& logits,
                     const torch::Tensor& labels) {
  torch::NoGradGuard noGrad;
  m_stepLosses[step].copy_(meanLoss.detach());
  m_correct.add_(logits.detach().argmax(/*dim=*/1).eq(labels).sum());
}

void EpochStats::add(const torch::Tensor& step, const torch::Tensor& meanLoss,
                     const torch::Tensor& logits, const torch::Tensor& labels) {
  torch::NoGradGuard noGrad;
  m_stepLosses.index_copy_(0, step, meanLoss.detach().view({1}));
  m_correct.add_(logits.detach().argmax(/*dim=*/1).eq(labels).sum());
}

double EpochStats::meanLoss(std::int64_t steps) const {
  if (steps <= 0) return 0.0;
  // Summed in double: finite losses near float's limit summed to infinity in float, which ended
  // the epoch early as if it diverged, without saying at which step. Copied to the CPU first, as
  // float, and made double there: MPS has no double, and a copy that also casts casts on the
  // device.
  const auto onHost = [steps](const torch::Tensor& perStep) {
    return perStep.narrow(0, 0, steps).to(torch::kCPU).to(torch::kFloat64);
  };
  const auto weights = onHost(m_stepWeights);
  return (onHost(m_stepLosses) * weights).sum().item<double>() / weights.sum().item<double>();
}

double EpochStats::accuracy(std::int64_t steps) const {
  if (steps <= 0) return 0.0;
  const double seen = static_cast<double>(std::min(steps * m_batchSize, m_samples));
  return static_cast<double>(m_correct.item<std::int64_t>()) / seen;
}

std::optional<std::int64_t> EpochStats::firstNonFiniteStep(std::int64_t steps) const {
  if (steps <= 0) return std::nullopt;
  const auto bad = torch::logical_not(torch::isfinite(m_stepLosses.narrow(0, 0, steps)));
  if (!bad.any().item<bool>()) return std::nullopt;
  return bad.nonzero()[0][0].item<std::int64_t>();
}

}  // namespace tb
