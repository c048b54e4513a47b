// Where a training step's time goes: `trainbench-cli profile` trains a few hundred steps of a
// workload, phase by phase (engine/train_step.h), with the device synchronised at each phase's
// end so each phase's time is its own, and says what bounds the step. On a GPU it also times
// each phase on the device itself (engine/device_timer.h), to tell how long the device sits idle
// waiting for the host's launches.
#pragma once

#include "engine/run_config.h"
#include "engine/step_phase.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

// No LibTorch header here: the app's profile view includes this one in headers Qt's moc reads.
namespace c10 {
struct Device;
}  // namespace c10

namespace tb {

class DeviceQueueClock;

struct ProfileOptions {
  RunConfig config;      // workload, device, precision, threads, data, batch size, seed
  int steps = 200;       // timed steps
  int warmupSteps = 20;  // untimed steps first: allocator, caches, cuDNN's algorithm choice
  // Test seam: the device's queue clock (engine/device_timer.h); deviceQueueClock where unset.
  std::function<std::unique_ptr<DeviceQueueClock>(const c10::Device&)> deviceClock;
};

struct PhaseTime {
  StepPhase phase = StepPhase::Data;
  double secondsPerStep = 0.0;  // mean, device synchronised at both ends
  double share = 0.0;           // of the synchronised step; the shares add up to 1
  // The device's own time (engine/device_timer.h): its kernels back to back, without the host's
  // launch gaps. Measured on CUDA devices only.
  std::optional<double> deviceSecondsPerStep;
};

struct StepProfile {
  std::string workload;
  std::string device;      // "cpu", "cuda:0"
  std::string deviceName;
  std::string precision;
  std::string execution;   // "eager"
  // The weights' layout the step trained with (engine/weight_layout.h).
  bool bf16WeightCopies = false;
  bool channelsLastKernels = false;
  int threads = 0;
  std::int64_t batchSize = 0;
  int steps = 0;
  std::vector<PhaseTime> phases;  // in step order; Exchange never (a profile runs one process)
  double stepSeconds = 0.0;       // the sum of the phases: a step with a sync after each phase
  // Single synchronised steps, the 10th, 50th and 90th percentiles: how much they varied (0
  // where no step was timed).
  double stepSecondsP10 = 0.0;
  double stepSecondsP50 = 0.0;
  double stepSecondsP90 = 0.0;
  // A step as a run trains it, with no sync inside (mean over the same number of steps): on an
  // accelerator, smaller than stepSeconds by the overlap of host and device work.
  double runStepSeconds = 0.0;
  // Host time to issue one step with no sync inside (before waiting for the device). On the
  // CPU, the work itself; on an accelerator, near runStepSeconds means launch-bound.
  double issueSeconds = 0.0;
  // ATen operator calls per step, on every thread, nested calls and views included: an upper
  // bound on the kernels a step launches, which is what a launch-bound step pays for.
  double operatorCalls = 0.0;
  // The sum of the phases' device times, and how many steps they were timed over: 0 where not
  // measured. runStepSeconds minus it is the time the device sits idle in a step.
  double deviceStepSeconds = 0.0;
  int deviceTimedSteps = 0;
  std::string deviceTimeNote;  // why a device that has a queue clock has no device time
  std::string verdict;  // one line: what bounds the step
};

// Throws DataError, DeviceError or std::runtime_error with a readable message; returns early
// (with the steps done so far, or none) when `cancel` is set.
StepProfile profileTrainingStep(const ProfileOptions& options, const std::atomic<bool>& cancel);

// The share of a step as a run trains it that the device spends on its own work, at most 1:
// nothing where the device time was not measured (the CPU, or a device clock that gave up).
std::optional<double> deviceBusyShare(const StepProfile& profile);

// What bounds the step, in one line, from its figures (device kind "cpu", "cuda" or "mps").
std::string stepVerdict(const StepProfile& profile, const std::string& deviceKind);

// The profile as a table: phase, ms per step, share; then the step, the run's step and the verdict.
std::string profileText(const StepProfile& profile);

}  // namespace tb
