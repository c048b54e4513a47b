#include "engine/keras_adam.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

namespace tb {

namespace {

constexpr std::int64_t kMinPlannedSteps = 1024;
// A very long run plans its first million steps (8 MB of factors at most) and grows from there.
constexpr std::int64_t kMaxPlannedSteps = std::int64_t{1} << 20;

}  // namespace

KerasAdam::KerasAdam(std::vector<torch::Tensor> parameters, KerasAdamOptions options,
                     std::int64_t plannedSteps)
    : m_parameters(std::move(parameters)), m_options(options) {
  for (const auto& parameter : m_parameters) {
    m_firstMoments.push_back(torch::zeros_like(parameter));
    m_secondMoments.push_back(torch::zeros_like(parameter));
  }
  m_scaled.resize(m_parameters.size());
  m_denominators.resize(m_parameters.size());
  const torch::Device device = m_parameters.empty() ? torch::Device(torch::kCPU)
                                                    : m_parameters.front().device();
  m_stepIndex = torch::zeros({1}, torch::TensorOptions().dtype(torch::kLong).device(device));
  // In the parameters' type: the rounding a host-side scalar step would get.
  const auto type = m_parameters.empty() ? torch::kFloat : m_parameters.front().scalar_type();
  m_rates = torch::empty({0}, torch::TensorOptions().dtype(type).device(device));
  planSteps(std::clamp(plannedSteps, kMinPlannedSteps, kMaxPlannedSteps));
}

void KerasAdam::planSteps(std::int64_t steps) {
  std::vector<double> rates(static_cast<std::size_t>(steps));
  for (std::int64_t i = 0; i < steps; ++i) {
    const double t = static_cast<double>(i + 1);
    rates[static_cast<std::size_t>(i)] = -m_options.learningRate *
                                         std::sqrt(1.0 - std::pow(m_options.beta2, t)) /
                                         (1.0 - std::pow(m_options.beta1, t));
  }
  m_rates = torch::tensor(rates, torch::kDouble).to(m_rates.options());
}

void KerasAdam::zeroGrad() {
  // Dropping the gradient (rather than zeroing it) lets backward write it fresh. Under CUDA graph
  // capture, backward then takes the gradients from the graph's private pool, where each replay
  // finds them in the same place.
  for (auto& parameter : m_parameters) parameter.mutable_grad() = torch::Tensor();
}

void KerasAdam::step() {
  torch::NoGradGuard noGrad;
  if (m_step >= m_rates.size(0)) planSteps(2 * m_rates.size(0));
  ++m_step;
  const torch::Tensor rate = m_rates.index_select(0, m_stepIndex);  // -lr_t, shape [1]
  m_stepIndex.add_(1);
  std::vector<torch::Tensor> parameters, grads, firstMoments, secondMoments;
  std::vector<std::size_t> used;
  for (std::size_t i = 0; i < m_parameters.size(); ++i) {
    const auto& grad = m_parameters[i].grad();
    if (!grad.defined()) continue;
    used.push_back(i);
    parameters.push_back(m_parameters[i]);
    grads.push_back(grad);
    firstMoments.push_back(m_firstMoments[i]);
    secondMoments.push_back(m_secondMoments[i]);
  }
  if (parameters.empty()) return;
  // Multi-tensor ("foreach") operations: on a GPU each is a handful of kernel launches for all
  // parameters instead of one per parameter (ResNet-50 has 214), which otherwise dominate a
  // step at batch 32. On the CPU they run the same per-tensor arithmetic.
  at::_foreach_mul_(firstMoments, m_options.beta1);
  at::_foreach_add_(firstMoments, grads, 1.0 - m_options.beta1);
  at::_foreach_mul_(secondMoments, m_options.beta2);
  at::_foreach_addcmul_(secondMoments, grads, grads, 1.0 - m_options.beta2);
  std::vector<torch::Tensor> denominators;
  if (m_parameters.front().is_cpu()) {
    // Into buffers kept across steps: on the CPU a fresh allocation of each parameter's size
    // every step costs page faults (large blocks come straight from mmap). GPU allocators cache
    // blocks, so there one multi-tensor launch does it.
    denominators.reserve(used.size());
    for (const std::size_t i : used) {
      if (!m_denominators[i].defined()) m_denominators[i] = torch::empty_like(m_secondMoments[i]);
      denominators.push_back(at::sqrt_out(m_denominators[i], m_secondMoments[i]));
    }
  } else {
    denominators = at::_foreach_sqrt(secondMoments);
  }
  at::_foreach_add_(denominators, m_options.epsilon);
  // p + (-lr_t * m) / d: the order addcdiv_(m, d, -lr_t) rounds in, with lr_t from the device.
  std::vector<torch::Tensor> scaled;
  scaled.reserve(used.size());
  for (const std::size_t i : used) {
    if (!m_scaled[i].defined()) m_scaled[i] = torch::empty_like(m_firstMoments[i]);
    scaled.push_back(at::mul_out(m_scaled[i], m_firstMoments[i], rate));
  }
  at::_foreach_addcdiv_(parameters, scaled, denominators, 1.0);
}

}  // namespace tb
