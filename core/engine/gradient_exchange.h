// Data-parallel training's hooks into the trainer. core/dist/c10d implements them on PyTorch's
// c10d (Gloo); the trainer and everything else in the core stay free of any communication library.
#pragma once

#include <torch/types.h>

#include <string>
#include <vector>

namespace tb {

class GradientExchange {
 public:
  virtual ~GradientExchange() = default;
  virtual int rank() const = 0;
  virtual int worldSize() const = 0;
  virtual const char* backend() const = 0;  // "gloo"
  // Makes every rank start from rank 0's weights.
  virtual void broadcastParameters(const std::vector<torch::Tensor>& parameters) = 0;
  // Replaces each parameter's gradient by its mean over the ranks.
  virtual void averageGradients(const std::vector<torch::Tensor>& parameters) = 0;
  // Seconds this rank has spent averaging gradients so far (a part of its training time).
  virtual double communicationSeconds() const = 0;
  // Every rank's `mine`, in rank order, on every rank (small texts: facts and figures).
  virtual std::vector<std::string> gatherStrings(const std::string& mine) = 0;
  // This rank's training failed for `reason` (out of memory, a bad batch): the others, which
  // only see it stop answering, can say why. Never throws; a no-op where nothing is shared.
  virtual void reportFailure(const std::string& reason) noexcept { (void)reason; }
};

}  // namespace tb
