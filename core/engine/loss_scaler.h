// Dynamic loss scaling for fp16 training, as PyTorch's GradScaler does it (C++ LibTorch has none):
// the loss is multiplied by a large scale before backward so small fp16 gradients do not flush
// to zero; gradients are divided back before the optimiser step; a step whose gradients hold an
// inf or NaN is skipped and the scale halved; after enough good steps the scale doubles.
//
// All of it stays on the device: the scale, the count of good steps and the overflow flag are
// tensors, and the optimiser skips an overflowed step on the device (KerasAdam::step). A step
// with loss scaling then reads nothing on the host, so it can be captured as a CUDA graph.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace tb {

struct LossScalerOptions {
  double initialScale = 65536.0;  // 2^16, GradScaler's default
  double growthFactor = 2.0;
  double backoffFactor = 0.5;
  int growthInterval = 2000;  // good steps in a row before the scale grows
};

class LossScaler {
 public:
  explicit LossScaler(LossScalerOptions options = {}, const torch::Device& device = torch::kCPU);

  // loss * scale, to call backward on.
  torch::Tensor scale(const torch::Tensor& loss) const;
  // Divides every defined gradient of `parameters` by the scale. Returns the overflow flag: a
  // float tensor of shape [1] on the device, 1 when any gradient holds an inf or NaN (the
  // optimiser must then skip the step), else 0.
  torch::Tensor unscale(const std::vector<torch::Tensor>& parameters);
  // Adjusts the scale after a step: back off after an overflow, grow after a run of good steps.
  void update(const torch::Tensor& overflow);

  // These read the device.
  double currentScale() const;
  std::int64_t skippedSteps() const;

 private:
  LossScalerOptions m_options;
  torch::Tensor m_scale;      // float, shape [1]: a power of two, so exact in float
  torch::Tensor m_goodSteps;  // float, shape [1]: good steps since the scale last changed
  torch::Tensor m_skipped;    // long, shape [1]
};

// What a run's result says of its skipped fp16 steps (`skipped` of `steps`, the scale now
// `scale`): nothing for the few a scale finding its level skips (a back-off from 2^16 at the
// start, one per growth after), a sentence where more were skipped: those steps trained
// nothing, and samples/s counts them all the same.
std::string lossScalingNote(std::int64_t skipped, std::int64_t steps, double scale);

}  // namespace tb
