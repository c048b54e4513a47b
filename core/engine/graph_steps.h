// A run's full steps in graph mode (engine/step_graph.h): the first few eagerly on the capture's
// stream (they settle cuDNN, cuBLAS and the allocator before the capture, as PyTorch's examples
// warm up, and count as training steps), then one capture, then its replays. Where graph mode cannot run, or the
// capture fails, every step trains eagerly and the run's result says why.
#pragma once

#include "engine/step_graph.h"

#include <cstdint>
#include <memory>
#include <string>

namespace tb {

class GradientExchange;
class KerasAdam;
struct ConfigRecord;

class GraphSteps {
 public:
  static constexpr std::int64_t kWarmupSteps = 3;

  // Eager steps for `config` unless it says "graph"; then `capture` makes the step's graph,
  // which warms up and is captured once, unless the run cannot be captured. A fallback sets config.execution to "eager"
  // and config.executionFallback to the reason.
  GraphSteps(ConfigRecord& config, StepCapture capture, const KerasAdam& optimizer,
             std::int64_t runSteps, const GradientExchange* exchange);

  // Trains the epoch's next full step.
  void runFull(TrainStep& step);
  // Drops the captured step (it replays a TrainStep that is about to end).
  void release() {
    m_graph.reset();
    m_captured = false;
  }

 private:
  // Trains the step with m_graph, or drops it and says why.
  void runOnGraph(TrainStep& step);
  void fallBack(const std::string& reason);

  ConfigRecord& m_config;
  StepCapture m_capture;  // still to try
  std::unique_ptr<StepGraph> m_graph;
  bool m_captured = false;
  std::int64_t m_fullStepsDone = 0;
};

}  // namespace tb
