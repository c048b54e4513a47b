// TrainStep (train_step.h).
#include "engine/train_step.h"

#include "engine/epoch_stats.h"
#include "engine/gradient_exchange.h"
#include "engine/keras_adam.h"
#include "engine/loss_scaler.h"
#include "engine/precision_scope.h"
#include "models/classifier.h"

#include <torch/torch.h>

namespace tb {

const char* toString(StepPhase phase) {
  switch (phase) {
    case StepPhase::Data: return "data";
    case StepPhase::Forward: return "forward";
    case StepPhase::Backward: return "backward";
    case StepPhase::Exchange: return "exchange";
    case StepPhase::Optimizer: return "optimizer";
  }
  return "?";
}

torch::Tensor normalised(const torch::Tensor& images) {
  return images.to(torch::kFloat).div_(255.0);
}

namespace {

void ended(PhaseObserver* phases, StepPhase phase) {
  if (phases != nullptr) phases->phaseEnded(phase);
}

}  // namespace

TrainStep::TrainStep(TrainStepParts parts) : m_parts(std::move(parts)) {
  const auto& images = m_parts.images;
  std::vector<std::int64_t> shape = images.sizes().vec();
  shape[0] = m_parts.batchSize;
  m_input = torch::empty(shape, images.options());
  m_labelBuffer = torch::empty({m_parts.batchSize}, m_parts.labels.options());
  m_stepIndex =
      torch::zeros({1}, torch::TensorOptions().dtype(torch::kLong).device(m_parts.device));
}

std::int64_t TrainStep::startEpoch(const torch::Tensor& order, EpochStats& stats) {
  const std::int64_t batch = m_parts.batchSize;
  const std::int64_t world = m_parts.exchange != nullptr ? m_parts.exchange->worldSize() : 1;
  const std::int64_t rank = m_parts.exchange != nullptr ? m_parts.exchange->rank() : 0;
  const std::int64_t steps = order.size(0) / (batch * world);
  // One shuffled order from the seed on every rank; rank r takes the r-th batch of each step.
  const auto batches =
      order.narrow(0, 0, steps * batch * world).view({steps, world, batch}).select(1, rank);
  // Into the same memory every epoch (the epochs of a run have the same size), where a captured
  // step reads it.
  if (m_batches.defined() && m_batches.sizes() == batches.sizes()) {
    m_batches.copy_(batches);
  } else {
    m_batches = batches.contiguous();
  }
  m_stepIndex.zero_();
  m_stats = &stats;
  return steps;
}

void TrainStep::runFull(PhaseObserver* phases) {
  torch::Tensor indices;
  {
    torch::NoGradGuard noGrad;
    indices = m_batches.index_select(0, m_stepIndex).view(-1);
    torch::index_select_out(m_input, m_parts.images, 0, indices);
    torch::index_select_out(m_labelBuffer, m_parts.labels, 0, indices);
  }
  ended(phases, StepPhase::Data);
  const auto [loss, logits] = train(m_input, m_labelBuffer, phases);
  m_stats->add(m_stepIndex, loss, logits, m_labelBuffer);
  m_stepIndex.add_(1);
  // The step's loss and accuracy bookkeeping counts with the optimizer: every kernel of the step
  // falls in a phase, so the phases add up to the step.
  ended(phases, StepPhase::Optimizer);
}

void TrainStep::runPartial(std::int64_t step, const torch::Tensor& indices, PhaseObserver* phases) {
  const auto input = m_parts.images.index_select(0, indices);
  const auto labels = m_parts.labels.index_select(0, indices);
  ended(phases, StepPhase::Data);
  const auto [loss, logits] = train(input, labels, phases);
  m_stats->add(step, loss, logits, labels);
  ended(phases, StepPhase::Optimizer);
}

std::pair<torch::Tensor, torch::Tensor> TrainStep::train(const torch::Tensor& input,
                                                         const torch::Tensor& labels,
                                                         PhaseObserver* phases) {
  torch::Tensor logits;
  torch::Tensor loss;
  {
    // Autocast covers the forward pass only; backward follows the types it recorded.
    const AutocastScope autocast(m_parts.precision, m_parts.device);
    logits = m_parts.model->forward(input);
    loss = torch::nn::functional::cross_entropy(logits.to(torch::kFloat), labels);
  }
  ended(phases, StepPhase::Forward);
  m_parts.optimizer->zeroGrad();
  (m_parts.scaler != nullptr ? m_parts.scaler->scale(loss) : loss).backward();
  ended(phases, StepPhase::Backward);
  if (m_parts.exchange != nullptr) {
    m_parts.exchange->averageGradients(m_parts.parameters);
    ended(phases, StepPhase::Exchange);
  }
  if (m_parts.scaler != nullptr) {
    // An overflowed step is skipped, as GradScaler does, on the device.
    const auto overflow = m_parts.scaler->unscale(m_parts.parameters);
    m_parts.optimizer->step(overflow);
    m_parts.scaler->update(overflow);
  } else {
    m_parts.optimizer->step();
  }
  return {loss, logits};  // the caller ends the optimizer phase after its bookkeeping
}

}  // namespace tb
