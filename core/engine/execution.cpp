// resolveExecution (execution.h).
#include "engine/execution.h"

#include "engine/step_graph.h"

namespace tb {

std::string resolveExecution(const DeviceId& device, const std::string& requested) {
  if (requested.empty() || requested == "eager") return "eager";
  if (requested != "graph") {
    throw ExecutionError("--execution: unknown mode '" + requested + "': eager or graph");
  }
  if (device.kind != DeviceKind::Cuda) {
    throw ExecutionError("--execution graph: CUDA graphs need an NVIDIA GPU; " + device.str() +
                         " trains eagerly (--execution eager)");
  }
  if (!builtWithCudaGraphs()) {
    throw ExecutionError("--execution graph: this TrainBench build cannot capture CUDA graphs; " +
                         device.str() + " trains eagerly (--execution eager)");
  }
  return "graph";
}

}  // namespace tb
