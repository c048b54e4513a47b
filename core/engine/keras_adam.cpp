#include "engine/keras_adam.h"

#include <torch/torch.h>

#include <cmath>

namespace tb {

KerasAdam::KerasAdam(std::vector<torch::Tensor> parameters, KerasAdamOptions options)
    : m_parameters(std::move(parameters)), m_options(options) {
  for (const auto& parameter : m_parameters) {
    m_firstMoments.push_back(torch::zeros_like(parameter));
    m_secondMoments.push_back(torch::zeros_like(parameter));
  }
}

void KerasAdam::zeroGrad() {
  // Dropping the gradient (rather than zeroing it) lets backward write it fresh.
  for (auto& parameter : m_parameters) parameter.mutable_grad() = torch::Tensor();
}

void KerasAdam::step() {
  torch::NoGradGuard noGrad;
  ++m_step;
  const double t = static_cast<double>(m_step);
  const double correctedRate = m_options.learningRate *
                               std::sqrt(1.0 - std::pow(m_options.beta2, t)) /
                               (1.0 - std::pow(m_options.beta1, t));
  for (std::size_t i = 0; i < m_parameters.size(); ++i) {
    const auto& grad = m_parameters[i].grad();
    if (!grad.defined()) continue;
    m_firstMoments[i].mul_(m_options.beta1).add_(grad, 1.0 - m_options.beta1);
    m_secondMoments[i].mul_(m_options.beta2).addcmul_(grad, grad, 1.0 - m_options.beta2);
    auto denominator = m_secondMoments[i].sqrt().add_(m_options.epsilon);
    m_parameters[i].addcdiv_(m_firstMoments[i], denominator, -correctedRate);
  }
}

}  // namespace tb
