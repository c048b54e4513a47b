// Analytic FLOPs and parameter counts per layer.
#include "models/flops.h"

#include <numeric>
#include <stdexcept>

namespace tb {

double conv2dFlops(std::int64_t kernel, std::int64_t inChannels, std::int64_t outChannels,
                   std::int64_t outHeight, std::int64_t outWidth) {
  // Doubles from the start: a large layer's product overflows nothing, and FLOPs are reported as
  // doubles anyway.
  return 2.0 * static_cast<double>(kernel) * static_cast<double>(kernel) *
         static_cast<double>(inChannels) * static_cast<double>(outChannels) *
         static_cast<double>(outHeight) * static_cast<double>(outWidth);
}

double denseFlops(std::int64_t inputs, std::int64_t outputs) {
  return 2.0 * static_cast<double>(inputs) * static_cast<double>(outputs);
}

std::int64_t convOutputSize(std::int64_t input, std::int64_t kernel, std::int64_t stride,
                            std::int64_t padding) {
  const std::int64_t span = input + 2 * padding - kernel;
  if (span < 0 || stride <= 0) {
    throw std::invalid_argument("convOutputSize: a " + std::to_string(kernel) +
                                "-wide window does not fit an input of " + std::to_string(input) +
                                " with padding " + std::to_string(padding));
  }
  return span / stride + 1;
}

void ModelFacts::conv2d(const std::string& name, std::int64_t kernel, std::int64_t inChannels,
                        std::int64_t outChannels, std::int64_t outHeight, std::int64_t outWidth,
                        bool bias) {
  m_layers.push_back({name, conv2dFlops(kernel, inChannels, outChannels, outHeight, outWidth),
                      kernel * kernel * inChannels * outChannels + (bias ? outChannels : 0)});
}

void ModelFacts::dense(const std::string& name, std::int64_t inputs, std::int64_t outputs) {
  m_layers.push_back({name, denseFlops(inputs, outputs), inputs * outputs + outputs});
}

void ModelFacts::batchNorm(const std::string& name, std::int64_t channels) {
  m_layers.push_back({name, 0.0, 2 * channels});
  m_runningStatistics += 2 * channels;
}

double ModelFacts::forwardFlops() const {
  return std::accumulate(
      m_layers.begin(), m_layers.end(), 0.0,
      [](double sum, const LayerFacts& layer) { return sum + layer.forwardFlops; });
}

double ModelFacts::trainingFlops() const {
  const double firstLayer = m_layers.empty() ? 0.0 : m_layers.front().forwardFlops;
  return kTrainingFlopsFactor * forwardFlops() - firstLayer;
}

std::int64_t ModelFacts::parameters() const {
  return std::accumulate(
      m_layers.begin(), m_layers.end(), std::int64_t{0},
      [](std::int64_t sum, const LayerFacts& layer) { return sum + layer.parameters; });
}

ModelFacts denseStackFacts(const std::vector<std::int64_t>& widths) {
  ModelFacts facts;
  for (std::size_t i = 1; i < widths.size(); ++i) {
    facts.dense("dense_" + std::to_string(i), widths[i - 1], widths[i]);
  }
  return facts;
}

}  // namespace tb
