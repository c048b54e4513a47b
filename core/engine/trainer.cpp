// runTraining: runs a TrainingRun (engine/training_run.h) and hands back what it leaves.
#include "engine/trainer.h"

#include "devices/cuda_memory.h"
#include "devices/device_id.h"
#include "engine/training_run.h"

namespace tb {

RunResult runTraining(const RunConfig& config, RunObserver& observer,
                      const std::atomic<bool>& cancel) {
  RunResult result = detail::TrainingRun(config, observer, cancel).execute();
  // The run's tensors went with it: hand its cached GPU memory back for the next run.
  try {
    releaseCachedMemory(parseDeviceId(result.device.id));
  } catch (...) {
    // An unparsable device never allocated anything.
  }
  try {
    observer.runFinished(result);
  } catch (...) {
    // The result stands whatever the observer does with it.
  }
  return result;
}

}  // namespace tb
