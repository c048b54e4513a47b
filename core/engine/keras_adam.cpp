#include "engine/keras_adam.h"

#include <c10/util/accumulate.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>

namespace tb {

namespace {

constexpr std::int64_t kMinPlannedSteps = 1024;
// A very long run plans its first million steps (8 MB of factors at most) and grows from there.
constexpr std::int64_t kMaxPlannedSteps = std::int64_t{1} << 20;

// One buffer can hold them all: dense, contiguous, of one type on one device.
bool flattenable(const std::vector<torch::Tensor>& parameters) {
  if (parameters.empty()) return false;
  const auto& first = parameters.front();
  return std::all_of(parameters.begin(), parameters.end(), [&](const torch::Tensor& p) {
    return p.layout() == torch::kStrided && p.is_contiguous() &&
           p.scalar_type() == first.scalar_type() && p.device() == first.device();
  });
}

}  // namespace

KerasAdam::KerasAdam(std::vector<torch::Tensor> parameters, KerasAdamOptions options,
                     std::int64_t plannedSteps, const WeightLayout& layout)
    : m_parameters(std::move(parameters)), m_options(options) {
  if (flattenable(m_parameters)) {
    flatten(layout);
  } else {
    for (const auto& parameter : m_parameters) {
      m_each.parameters.push_back(parameter);
      m_each.firstMoments.push_back(torch::zeros_like(parameter));
      m_each.secondMoments.push_back(torch::zeros_like(parameter));
      // Kept across steps: on the CPU a fresh allocation of each parameter's size every step
      // costs page faults (large blocks come straight from mmap).
      m_each.denominators.push_back(torch::empty_like(parameter));
      m_each.scaled.push_back(torch::empty_like(parameter));
    }
  }
  // The weights', not a bf16 copy's: the model may read some parameters as copies.
  const auto& weights = m_each.parameters;
  const torch::Device device = weights.empty() ? torch::Device(torch::kCPU) : weights.front().device();
  m_stepIndex = torch::zeros({1}, torch::TensorOptions().dtype(torch::kLong).device(device));
  // In the weights' type: the rounding a host-side scalar step would get.
  const auto type = weights.empty() ? torch::kFloat : weights.front().scalar_type();
  m_rates = torch::empty({0}, torch::TensorOptions().dtype(type).device(device));
  const KerasAdamOptions& o = m_options;
  m_overflowFactors = torch::tensor({o.beta1, 1.0 - o.beta1, o.beta2, 1.0 - o.beta2,  //
                                     1.0, 0.0, 1.0, 0.0},
                                    torch::kDouble)
                          .view({2, 4})
                          .to(m_rates.options());
  planSteps(std::clamp(plannedSteps, kMinPlannedSteps, kMaxPlannedSteps));
}

void KerasAdam::flatten(const WeightLayout& layout) {
  torch::NoGradGuard noGrad;
  m_channelsLast = layout.channelsLast;
  const auto& bf16Copies = layout.bf16Copies;
  const auto copied = [&](const torch::Tensor& parameter) {
    return std::any_of(bf16Copies.begin(), bf16Copies.end(),
                       [&](const torch::Tensor& c) { return c.is_same(parameter); });
  };
  std::vector<bool> isCopy(m_parameters.size());
  for (std::size_t i = 0; i < m_parameters.size(); ++i) {
    isCopy[i] = copied(m_parameters[i]) && m_parameters[i].scalar_type() == torch::kFloat;
    if (isCopy[i]) {
      m_layout.push_back(i);
      m_copiedElements += m_parameters[i].numel();
      ++m_copiedCount;
    }
  }
  for (std::size_t i = 0; i < m_parameters.size(); ++i) {
    if (!isCopy[i]) m_layout.push_back(i);
  }
  std::int64_t total = 0;
  for (const auto& parameter : m_parameters) total += parameter.numel();
  const auto options = m_parameters.front().options().requires_grad(false);
  m_flat.parameters.push_back(torch::empty({total}, options));
  m_flat.grads.push_back(torch::empty({total}, options));
  m_flat.firstMoments.push_back(torch::zeros({total}, options));
  m_flat.secondMoments.push_back(torch::zeros({total}, options));
  m_flat.denominators.push_back(torch::empty({total}, options));
  m_flat.scaled.push_back(torch::empty({total}, options));
  for (auto* list : {&m_each.parameters, &m_each.firstMoments, &m_each.secondMoments,
                     &m_each.denominators, &m_each.scaled}) {
    list->resize(m_parameters.size());
  }
  std::vector<std::int64_t> offsets(m_parameters.size());
  std::int64_t offset = 0;
  for (const std::size_t i : m_layout) {
    auto& parameter = m_parameters[i];
    const auto part = [&](const std::vector<torch::Tensor>& flat) {
      return partOf(flat.front(), offset, parameter.sizes());
    };
    const auto storage = part(m_flat.parameters);
    storage.copy_(parameter);
    m_each.parameters[i] = storage;
    m_each.firstMoments[i] = part(m_flat.firstMoments);
    m_each.secondMoments[i] = part(m_flat.secondMoments);
    m_each.denominators[i] = part(m_flat.denominators);
    m_each.scaled[i] = part(m_flat.scaled);
    // The parameter keeps its identity (the model, autograd and a data-parallel exchange see
    // the same tensor) and now reads and writes its part of the flat buffer.
    if (!isCopy[i]) parameter.set_data(storage);
    offsets[i] = offset;
    offset += parameter.numel();
  }
  // The flat gradient's parts, made once: a step then makes no views of its own.
  const auto& flatGrad = m_flat.grads.front();
  m_otherGrads = flatGrad.narrow(0, m_copiedElements, total - m_copiedElements);
  if (m_copiedElements == 0) return;
  m_copiedWeights = m_flat.parameters.front().narrow(0, 0, m_copiedElements);
  m_copiedGrads = flatGrad.narrow(0, 0, m_copiedElements);
  m_copies = m_copiedWeights.to(torch::kBFloat16);
  m_copyGrads = torch::empty_like(m_copies);
  for (std::size_t i = 0; i < m_parameters.size(); ++i) {
    if (!isCopy[i]) continue;
    auto& parameter = m_parameters[i];
    parameter.set_data(partOf(m_copies, offsets[i], parameter.sizes()));
  }
}

void KerasAdam::gatherFlatGradient() {
  std::vector<torch::Tensor> copied;
  std::vector<torch::Tensor> others;
  for (std::size_t k = 0; k < m_layout.size(); ++k) {
    (k < m_copiedCount ? copied : others).push_back(inBufferOrder(m_parameters[m_layout[k]].grad()));
  }
  if (!copied.empty()) {
    // One gather in bf16 and one widening: a cat of mixed types would copy input by input.
    at::cat_out(m_copyGrads, copied, 0);
    m_copiedGrads.copy_(m_copyGrads);
  }
  if (!others.empty()) at::cat_out(m_otherGrads, others, 0);
}

torch::Tensor KerasAdam::partOf(const torch::Tensor& buffer, std::int64_t offset,
                                torch::IntArrayRef sizes) const {
  if (!m_channelsLast || sizes.size() != 4) {
    return buffer.narrow(0, offset, c10::multiply_integers(sizes)).view(sizes);
  }
  // NHWC order: channels vary fastest, then width, height and the output kernel.
  const std::int64_t c = sizes[1], h = sizes[2], w = sizes[3];
  return buffer.as_strided(sizes, {c * h * w, 1, w * c, c}, buffer.storage_offset() + offset);
}

torch::Tensor KerasAdam::inBufferOrder(const torch::Tensor& tensor) const {
  // A channels-last tensor permuted to NHWC is contiguous: a view, no copy.
  if (m_channelsLast && tensor.dim() == 4) return tensor.permute({0, 2, 3, 1}).reshape({-1});
  return tensor.reshape({-1});
}

void KerasAdam::refreshCopies() {
  if (m_copies.defined()) m_copies.copy_(m_copiedWeights);
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

void KerasAdam::step(const torch::Tensor& overflow) {
  torch::NoGradGuard noGrad;
  if (m_step >= m_rates.size(0)) planSteps(2 * m_rates.size(0));
  ++m_step;
  const torch::Tensor rate = m_rates.index_select(0, m_stepIndex);  // -lr_t, shape [1]
  if (overflow.defined()) {
    m_stepIndex.add_(overflow.eq(0).to(torch::kLong));  // a skipped step is not counted
  } else {
    m_stepIndex.add_(1);
  }
  const auto apply = [&](const State& state) {
    if (overflow.defined()) {
      updateUnlessOverflow(state, rate, overflow);
    } else {
      update(state, rate);
    }
  };
  const bool allHaveGrads = std::all_of(m_parameters.begin(), m_parameters.end(),
                                        [](const torch::Tensor& p) { return p.grad().defined(); });
  if (isFlat() && allHaveGrads) {
    gatherFlatGradient();
    apply(m_flat);
    refreshCopies();
    return;
  }
  // Parameter by parameter, leaving those without a gradient as they are (as Keras does).
  State used;
  for (std::size_t i = 0; i < m_parameters.size(); ++i) {
    const auto& grad = m_parameters[i].grad();
    if (!grad.defined()) continue;
    const auto& weight = m_each.parameters[i];
    used.parameters.push_back(weight);
    // A bf16 copy's gradient, widened to its weight's type.
    used.grads.push_back(grad.scalar_type() == weight.scalar_type() ? grad
                                                                     : grad.to(weight.scalar_type()));
    used.firstMoments.push_back(m_each.firstMoments[i]);
    used.secondMoments.push_back(m_each.secondMoments[i]);
    used.denominators.push_back(m_each.denominators[i]);
    used.scaled.push_back(m_each.scaled[i]);
  }
  if (!used.parameters.empty()) apply(used);
  refreshCopies();
}

void KerasAdam::update(const State& state, const torch::Tensor& rate) const {
  // Multi-tensor ("foreach") operations: on a GPU each is one or a few kernel launches for all
  // the tensors listed. On the CPU they run the same arithmetic tensor by tensor.
  at::_foreach_mul_(state.firstMoments, m_options.beta1);
  at::_foreach_add_(state.firstMoments, state.grads, 1.0 - m_options.beta1);
  at::_foreach_mul_(state.secondMoments, m_options.beta2);
  at::_foreach_addcmul_(state.secondMoments, state.grads, state.grads, 1.0 - m_options.beta2);
  for (std::size_t i = 0; i < state.parameters.size(); ++i) {
    torch::Tensor denominator = state.denominators[i];  // out-arguments take a mutable handle
    at::sqrt_out(denominator, state.secondMoments[i]);
  }
  at::_foreach_add_(state.denominators, m_options.epsilon);
  // p + (-lr_t * m) / d: the order addcdiv_(m, d, -lr_t) rounds in, with lr_t from the device.
  for (std::size_t i = 0; i < state.parameters.size(); ++i) {
    torch::Tensor scaled = state.scaled[i];
    at::mul_out(scaled, state.firstMoments[i], rate);
  }
  at::_foreach_addcdiv_(state.parameters, state.scaled, state.denominators, 1.0);
}

void KerasAdam::updateUnlessOverflow(const State& state, const torch::Tensor& rate,
                                     const torch::Tensor& overflow) const {
  // Every factor is chosen on the device: a skipped step multiplies the moments by 1, adds
  // nothing to them and moves no parameter (its gradients, which hold an inf or NaN, are zeroed
  // first, since inf * 0 is NaN).
  const auto skip = overflow.gt(0);
  const auto factors = m_overflowFactors.index_select(0, skip.to(torch::kLong)).view({4});
  const auto beta1 = factors.narrow(0, 0, 1);
  const auto gradShare1 = factors.narrow(0, 1, 1);
  const auto beta2 = factors.narrow(0, 2, 1);
  const auto gradShare2 = factors.narrow(0, 3, 1);
  const auto stepRate = torch::where(skip, torch::zeros_like(rate), rate);
  for (std::size_t i = 0; i < state.parameters.size(); ++i) {
    torch::Tensor grad = state.grads[i];
    torch::Tensor scaled = state.scaled[i];
    torch::Tensor denominator = state.denominators[i];
    grad.masked_fill_(skip, 0.0);
    state.firstMoments[i].mul_(beta1).addcmul_(grad, gradShare1);
    at::mul_out(scaled, grad, gradShare2);  // (1 - beta2) g, in the products' buffer for now
    state.secondMoments[i].mul_(beta2).addcmul_(grad, scaled);
    at::sqrt_out(denominator, state.secondMoments[i]).add_(m_options.epsilon);
    at::mul_out(scaled, state.firstMoments[i], stepRate);
    state.parameters[i].addcdiv_(scaled, denominator, 1.0);
  }
}

}  // namespace tb
