// Runs one training workload on one device, reporting through a RunObserver.
#pragma once

#include "engine/run_config.h"
#include "engine/run_observer.h"
#include "results/run_result.h"

#include <atomic>

namespace tb {

// Runs `config` on the calling thread and returns the result (also given to
// observer.runFinished). Never throws: every error becomes a failed result with a readable
// message. Setting `cancel` stops the run within one batch; the result is then "cancelled".
RunResult runTraining(const RunConfig& config, RunObserver& observer,
                      const std::atomic<bool>& cancel);

}  // namespace tb
