// Execution modes (--execution): "eager" launches each kernel from the host as the step runs,
// as a plain PyTorch loop does; "graph" captures the whole training step as a CUDA graph and
// replays it, as Keras's compiled model.fit does (engine/step_graph.h). Graph mode needs a CUDA
// device and a build whose LibTorch has CUDA. Eager stays the default everywhere until graph
// mode has been measured on a GPU (docs/benchmarks.md).
#pragma once

#include "devices/device_id.h"

#include <stdexcept>
#include <string>

namespace tb {

// A mode that cannot run on the device; the CLI exits with 2 (a usage error).
class ExecutionError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// The mode a run on `device` trains in: `requested` is "" (the device's default), "eager" or
// "graph". Throws ExecutionError saying why a mode cannot run and what to use instead.
std::string resolveExecution(const DeviceId& device, const std::string& requested);

}  // namespace tb
