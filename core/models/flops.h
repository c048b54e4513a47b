// Analytic model facts, layer by layer: forward FLOPs per sample and parameter counts, computed
// from the architecture alone (no model is built), so lists can show them at no cost.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tb {

// Backward costs about twice the forward pass (gradients for the inputs and for the weights), so a
// training step is ~3x the forward FLOPs, the usual convention. The first layer is the exception
// (ModelFacts::trainingFlops): its input is the images, which need no gradient.
constexpr double kTrainingFlopsFactor = 3.0;

// A multiply-add counts as 2 FLOPs. Only convolutions and dense layers are counted: bias adds,
// BatchNorm, activations, pooling and residual adds are element-wise and together well under 2% of
// any model here, and published FLOPs figures leave them out too.
double conv2dFlops(std::int64_t kernel, std::int64_t inChannels, std::int64_t outChannels,
                   std::int64_t outHeight, std::int64_t outWidth);
double denseFlops(std::int64_t inputs, std::int64_t outputs);

// Output side of a convolution or pooling window (PyTorch/Keras "valid" arithmetic after padding).
std::int64_t convOutputSize(std::int64_t input, std::int64_t kernel, std::int64_t stride,
                            std::int64_t padding);

struct LayerFacts {
  std::string name;
  double forwardFlops = 0.0;    // per sample
  std::int64_t parameters = 0;  // trainable
};

// Accumulates a model's layers in forward order; each model describes itself with one of these.
class ModelFacts {
 public:
  // A square-kernel convolution producing outHeight x outWidth.
  void conv2d(const std::string& name, std::int64_t kernel, std::int64_t inChannels,
              std::int64_t outChannels, std::int64_t outHeight, std::int64_t outWidth, bool bias);
  void dense(const std::string& name, std::int64_t inputs, std::int64_t outputs);
  // Trainable gamma and beta, plus a running mean and variance that are not trained.
  void batchNorm(const std::string& name, std::int64_t channels);

  const std::vector<LayerFacts>& layers() const { return m_layers; }
  double forwardFlops() const;
  // What a training step computes: 3x the forward FLOPs, less the first layer's input gradient,
  // which autograd never computes (the seed MLP's first layer is 99% of its FLOPs, so counting
  // it would overstate its achieved TFLOPS 1.5x).
  double trainingFlops() const;
  std::int64_t parameters() const;
  std::int64_t runningStatistics() const { return m_runningStatistics; }

 private:
  std::vector<LayerFacts> m_layers;
  std::int64_t m_runningStatistics = 0;
};

// A stack of dense layers with the given widths, e.g. {784, 128, 10} for the seed's MLP.
ModelFacts denseStackFacts(const std::vector<std::int64_t>& widths);

}  // namespace tb
