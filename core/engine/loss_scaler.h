// Dynamic loss scaling for fp16 training, as PyTorch's GradScaler does it (C++ LibTorch has none):
// the loss is multiplied by a large scale before backward so small fp16 gradients do not flush
// to zero; gradients are divided back before the optimiser step; a step whose gradients hold an
// inf or NaN is skipped and the scale halved; after enough good steps the scale doubles.
#pragma once

#include <torch/types.h>

#include <cstdint>
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
  explicit LossScaler(LossScalerOptions options = {});

  // loss * scale, to call backward on.
  torch::Tensor scale(const torch::Tensor& loss) const;
  // Divides every defined gradient of `parameters` by the scale. Returns false when any of them
  // holds an inf or NaN: the optimiser step must then be skipped. Reads one flag from the device.
  bool unscale(const std::vector<torch::Tensor>& parameters);
  // Adjusts the scale after a step: back off after an overflow, grow after a run of good steps.
  void update(bool finite);

  double currentScale() const { return m_scale; }
  std::int64_t skippedSteps() const { return m_skipped; }

 private:
  LossScalerOptions m_options;
  double m_scale;
  int m_goodSteps = 0;
  std::int64_t m_skipped = 0;
};

}  // namespace tb
