// What to run: the workload, the device and the knobs a user may change.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>

namespace tb {

class GradientExchange;
class StepGraph;
class TrainStep;

struct RunConfig {
  std::string workload = "fashion-mlp";
  std::string device = "cpu";
  int epochs = 0;     // 0: the workload's default (the seed script's)
  int batchSize = 0;  // 0: the workload's default
  double learningRate = 0.0;  // 0: the workload's default (Keras's Adam: 1e-3)
  std::uint64_t seed = 42;
  int threads = 0;  // CPU threads; 0: the physical cores
  std::string dataDir;  // empty: the default data folder
  bool synthetic = false;
  std::int64_t trainLimit = 0;  // 0: all samples
  std::int64_t testLimit = 0;
  double telemetryIntervalSeconds = 1.0;
  std::string precision = "fp32";  // fp32, tf32, bf16 or fp16 (engine/precision.h)
  // "" (the device's default), "eager" or "graph" (engine/execution.h).
  std::string execution;
  // How graph mode warms up, captures and replays a step; empty: CUDA graphs
  // (engine/step_graph.h). Tests give one that runs on the CPU, to follow the run's graph mode
  // there.
  std::function<std::unique_ptr<StepGraph>(TrainStep&)> stepCapture;
  // Measure the device's peak (devices/peak_probe.h) once per process and record it; also off
  // when $TRAINBENCH_SKIP_PROBE is set.
  bool probePeak = true;
  // Above 0: train for about this many seconds, evaluate briefly, and project the full run
  // (engine/projection.h) instead of training it. A run that fits in the budget runs in full.
  double timeBudgetSeconds = 0.0;
  // Repeats of one configuration share this id in their results (results/run_result.h).
  std::string group;
  // Data-parallel: this process is one rank of a run (core/dist); null for a one-device run.
  // Each step trains on this rank's share of the step's images and averages the gradients.
  std::shared_ptr<GradientExchange> exchange;
  // Strong scaling splits the batch across the ranks (the seed's global batch, as Keras's
  // MirroredStrategy does); weak scaling (the default) gives every rank a full batch.
  bool strongScaling = false;
};

// The limits a run's numbers must keep; the CLI's flags and the trainer check the same ones.
// The largest rate the float32 optimizer can hold; larger ones failed late with a conversion
// error. (Huge rates stay allowed: they are how a user, or a test, makes a run diverge.)
inline constexpr double kMaxLearningRate = static_cast<double>(std::numeric_limits<float>::max());
// The smallest normal float32: a smaller rate becomes a denormal or 0 in the optimizer, and a
// run that cannot learn would look like a slow device.
inline constexpr double kMinLearningRate = static_cast<double>(std::numeric_limits<float>::min());
// The largest counts the front ends take, the same in the app's fields and the CLI's flags.
inline constexpr int kMaxEpochs = 100000;
inline constexpr int kMaxBatchSize = 1 << 20;
inline constexpr int kMaxThreads = 4096;
inline constexpr std::int64_t kMaxImageLimit = std::int64_t{1} << 40;  // --train/--test-limit
inline constexpr int kMaxRepeats = 100;
inline constexpr double kMinTelemetryIntervalSeconds = 0.1;
inline constexpr double kMaxTelemetryIntervalSeconds = 3600.0;
// A budget under a few seconds leaves no steady steps to project from; a week is plenty.
inline constexpr double kMinTimeBudgetSeconds = 5.0;
inline constexpr double kMaxTimeBudgetSeconds = 7.0 * 24 * 3600;

// The seed given to LibTorch's generators for `seed`. Its CPU generator keeps only the low 32
// bits (its MT19937 state), so the high half is folded in: 42 and 42 + 2^32 train apart. Seeds
// below 2^32 are used as they are, so the usual ones (42) train as they always did. (Two seeds
// that fold alike still train alike: 2^64 seeds cannot all fit in 32 bits.)
constexpr std::uint64_t torchSeed(std::uint64_t seed) { return seed ^ (seed >> 32); }

// Empty when `config` can run; otherwise one sentence saying which setting is wrong and why.
// Catches what a front end may let through: NaN or infinite numbers, negative counts.
// `dataParallel` (or a config with an exchange) skips the last-step check: the ranks leave
// the remainder out.
std::string runConfigProblem(const RunConfig& config, bool dataParallel = false);

// Why a time budget cannot project a run of `trainImages` in batches of `batch` (one process):
// fewer images than one batch leave no full step to project from. Empty when it can.
std::string budgetBatchProblem(std::int64_t trainImages, std::int64_t batch);

// Where `config` trains data-parallel on `ranks` ranks: every step takes a batch on every rank
// (one batch in all with `strong` scaling), so a --train-limit below that leaves them nothing to
// train; `strong` scaling splits the batch, which must divide by the ranks into shares the model
// can take. Empty when it fits; else a sentence naming the flags to change.
std::string dataParallelStepProblem(const RunConfig& config, int ranks, bool strong);

// Where a front end starts `ranks` local ranks sharing `threads` CPU threads (0: the default):
// each rank takes one at least, so fewer threads than ranks run more threads than asked. Empty
// when they divide; else a sentence naming --threads.
std::string threadSplitWarning(int threads, int ranks);

}  // namespace tb
