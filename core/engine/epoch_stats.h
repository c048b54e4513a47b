// Per-epoch loss and accuracy accumulated on the device, read on the host once per epoch.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <optional>

namespace tb {

class EpochStats {
 public:
  EpochStats(std::int64_t samples, std::int64_t batchSize, const torch::Device& device);

  // Empties the figures for a new epoch of the same size, in the same memory.
  void restart();

  // Records one batch without any host synchronisation.
  void add(std::int64_t step, const torch::Tensor& meanLoss, const torch::Tensor& logits,
           const torch::Tensor& labels);
  // The same, with the step as a device tensor (long, shape [1]): no host number in the kernels,
  // as a captured graph needs (engine/train_step.h).
  void add(const torch::Tensor& step, const torch::Tensor& meanLoss, const torch::Tensor& logits,
           const torch::Tensor& labels);

  // Means over the first `steps` batches (reads the device: call sparingly).
  double meanLoss(std::int64_t steps) const;
  double accuracy(std::int64_t steps) const;
  // The first step (0-based) whose loss was NaN or infinite, if any.
  std::optional<std::int64_t> firstNonFiniteStep(std::int64_t steps) const;

  std::int64_t steps() const { return m_stepLosses.size(0); }

 private:
  std::int64_t m_samples;
  std::int64_t m_batchSize;
  torch::Tensor m_stepLosses;   // mean loss of each batch
  torch::Tensor m_stepWeights;  // samples in each batch (the last may be partial)
  torch::Tensor m_correct;      // correct predictions so far (int64 scalar)
};

}  // namespace tb
