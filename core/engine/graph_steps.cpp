// GraphSteps (graph_steps.h).
#include "engine/graph_steps.h"

#include "engine/keras_adam.h"
#include "engine/step_times.h"
#include "engine/train_step.h"
#include "results/run_result.h"

#include <exception>
#include <utility>

namespace tb {

// The steps before a captured graph's first replay, and the capture, are warm-up in any run.
static_assert(StepTimes::kMinWarmupSteps > GraphSteps::kWarmupSteps);

GraphSteps::GraphSteps(ConfigRecord& config, StepCapture capture, const KerasAdam& optimizer,
                       std::int64_t runSteps, const GradientExchange* exchange)
    : m_config(config) {
  if (config.execution != "graph") return;
  if (exchange != nullptr) {
    fallBack("a data-parallel step exchanges its gradients through the host");
  } else if (optimizer.plannedSteps() < runSteps) {
    // The factor table would have to move under the captured step.
    fallBack("the run's " + std::to_string(runSteps) + " steps are more than the " +
             std::to_string(optimizer.plannedSteps()) +
             " whose optimiser factors a captured step can read");
  } else {
    m_capture = std::move(capture);
  }
}

void GraphSteps::runFull(TrainStep& step) {
  if (m_capture) {
    const StepCapture capture = std::exchange(m_capture, nullptr);  // one try per run
    try {
      m_graph = capture(step);
    } catch (const std::exception& e) {
      fallBack(e.what());
    }
  }
  if (m_graph) {
    runOnGraph(step);
  } else {
    step.runFull();
  }
  ++m_fullStepsDone;
}

void GraphSteps::runOnGraph(TrainStep& step) {
  if (m_captured) {
    m_graph->replay();
    return;
  }
  if (m_fullStepsDone < kWarmupSteps) {
    m_graph->warmUp();
    return;
  }
  try {
    m_graph->capture();
    m_captured = true;
  } catch (const std::exception& e) {
    m_graph.reset();
    fallBack(std::string("the capture failed: ") + e.what());
    step.runFull();
    return;
  }
  m_graph->replay();
}

void GraphSteps::fallBack(const std::string& reason) {
  m_config.execution = "eager";
  m_config.executionFallback = "graph mode trained eagerly: " + reason;
  m_capture = nullptr;
}

}  // namespace tb
