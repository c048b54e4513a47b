// The result of one training run: plain value types shared by the engine, the CLI, the GUI and
// the result file (docs/result-format.md). Metrics that could not be measured are std::nullopt.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tb {

inline constexpr const char* kResultSchema = "trainbench-result/1";
inline constexpr int kResultSchemaVersion = 1;

enum class RunStatus { Completed, Cancelled, Failed };

// Why a run failed; front ends map it to exit codes and messages.
enum class FailureKind { None, Data, Device, Run };

const char* toString(RunStatus status);
const char* toString(FailureKind kind);
// Inverse of toString; std::nullopt for any other text (matching is exact, lower case).
std::optional<RunStatus> parseRunStatus(const std::string& text);
std::optional<FailureKind> parseFailureKind(const std::string& text);

struct WorkloadRecord {
  std::string name;        // e.g. "fashion-mlp"
  std::string dataset;     // e.g. "fashion-mnist"
  std::string dataSource;  // "files", "custom files" or "synthetic"
  // Custom files' identity (dataFingerprint in data/dataset.h); empty for any other source, and
  // in files from before it was recorded.
  std::string dataFingerprint;
  std::int64_t trainSamples = 0;
  std::int64_t testSamples = 0;
  std::int64_t parameters = 0;
  // Analytic training FLOPs per sample (forward + backward); absent where not known.
  std::optional<double> flopsPerSample;
};

struct ConfigRecord {
  int epochs = 0;
  int batchSize = 0;
  std::string optimizer;
  double learningRate = 0.0;
  std::uint64_t seed = 0;
  int threads = 0;
  std::string precision;
  // How the step ran: "eager" (each kernel launched by the host) or "graph" (a replayed CUDA
  // graph). Files from before execution modes read as "eager": that is how they trained.
  std::string execution = "eager";
  // Why a run asked to train in graph mode trained eagerly (execution then reads "eager");
  // empty otherwise.
  std::string executionFallback;
  // The speed-changing environment variables that were set (machine/speed_switches.h), name to
  // value; empty where none was, or in files from before they were recorded.
  std::map<std::string, std::string> environment;
  // The --time-budget asked for, in seconds; 0: none. Files from before it was recorded hold it
  // only in a projection, which a run cancelled or failed does not have.
  double timeBudgetSeconds = 0.0;
};

// A device's measured peak (core/devices/peak_probe.h); a figure not measured is absent.
struct PeakFigures {
  std::optional<double> fp32Tflops;  // dense matmul, 10^12 floating-point operations per second
  std::optional<double> tf32Tflops;
  std::optional<double> bf16Tflops;
  std::optional<double> fp16Tflops;
  std::optional<double> bandwidthGbs;  // device-to-device copy, bytes read + written, 10^9/s
  std::string note;                    // why a figure is missing, e.g. "bf16: no fast path"
};

// The peak that matters for a run in `precision` ("fp32", "tf32", "bf16", "fp16").
std::optional<double> peakTflopsFor(const PeakFigures& peak, const std::string& precision);

struct DeviceRecord {
  std::string id;    // "cpu", "cuda:0", "mps"
  std::string kind;  // "cpu", "cuda", "mps"
  std::string name;  // human-readable, e.g. the CPU model
  // Facts that could be read (GPUs: through NVML or the CUDA driver); absent otherwise.
  std::optional<double> memoryMb = std::nullopt;
  std::optional<std::string> computeCapability = std::nullopt;  // "9.0"
  std::optional<std::string> driverVersion = std::nullopt;      // "580.65.06"
  // CUDA: the runtime and cuDNN the run's LibTorch was built with ("12.4", "9.1.0").
  std::optional<std::string> cudaRuntime = std::nullopt;
  std::optional<std::string> cudnnVersion = std::nullopt;
  std::optional<double> powerLimitW = std::nullopt;             // NVIDIA: enforced, in watts
  std::optional<PeakFigures> peak = std::nullopt;               // absent when not probed
};

// The way throughput is measured, counted up when it changes so that figures measured one way
// are never folded or compared unmarked with figures measured another (docs/result-format.md):
// 1: the steady state's warm-up rule of 2026-12-05, and GPU steps timed on the device.
inline constexpr int kMeasurementMethod = 1;

struct SystemRecord {
  std::string os;
  std::string hostname;
  std::string cpuModel;
  int physicalCores = 0;
  int logicalCores = 0;
  std::optional<double> memoryMb;
  std::string libtorchVersion;
  std::string appVersion;
  // The BLAS that did the CPU's matrix products ("OpenBLAS 0.3.21 (OpenMP)"); empty in files
  // written before it was recorded.
  std::string blas;
  // How TrainBench was compiled ("GCC 12.2.0, optimised"; build_info.h); empty in files written
  // before it was recorded.
  std::string build;
  // How this TrainBench measures (kMeasurementMethod); 0 in files written before it was
  // recorded, which may have measured differently.
  int measurementMethod = kMeasurementMethod;
};

struct EpochRecord {
  int epoch = 0;  // 1-based
  double trainLoss = 0.0;
  double trainAccuracy = 0.0;
  double seconds = 0.0;
  double samplesPerSecond = 0.0;
};

struct TestRecord {
  double loss = 0.0;
  double accuracy = 0.0;
};

// One GPU's readings in a telemetry sample (NVML); a metric that cannot be read is absent.
struct GpuSample {
  std::string device;  // "cuda:0"
  std::optional<double> utilPercent = std::nullopt;  // busy time over the last period, 0..100
  std::optional<double> memoryUsedMb = std::nullopt;  // by every process on the GPU
  std::optional<double> memoryTotalMb = std::nullopt;
  std::optional<double> powerW = std::nullopt;
  std::optional<double> temperatureC = std::nullopt;
  std::optional<double> smClockMhz = std::nullopt;
};

// One telemetry sample; `t` is seconds since the run's clock started.
struct TelemetrySample {
  double t = 0.0;
  std::optional<double> cpuPercent;         // whole machine, 0..100
  std::optional<double> processCpuPercent;  // this process, 0..100*logical cores
  std::optional<double> rssMb;
  std::vector<GpuSample> gpus = {};  // the run's GPU; empty without one (or without NVML)
};

// Throughput once warm-up is over (core/engine/step_times.h): the first epoch, or the first steps
// of a run without a second whole epoch, pay for allocation, caches and autotuning and are left
// out, as is the first epoch's smaller last batch.
struct SteadyStateRecord {
  double samplesPerSecond = 0.0;  // batch size / median step time
  double stepSecondsP50 = 0.0;
  double stepSecondsP95 = 0.0;
  std::int64_t warmupSteps = 0;  // steps left out as warm-up (at the start of the run)
  std::int64_t steps = 0;        // full-batch steps the figures come from
};

// A run cut short by --time-budget projects the full run it stands for (engine/projection.h).
struct ProjectionRecord {
  double totalSeconds = 0.0;  // projected training and testing time of the full run
  double low = 0.0;           // 95% interval of that projection
  double high = 0.0;
  std::int64_t basisSteps = 0;  // steady-state steps the projection rests on
  double budgetSeconds = 0.0;   // the --time-budget asked for
  // The run projected: the seed script's epochs on all the images.
  int epochs = 0;
  std::int64_t trainSamples = 0;
  std::int64_t testSamples = 0;
};

// One rank of a data-parallel run, as rank 0 records it.
struct RankRecord {
  int rank = 0;
  std::string host;
  std::string device;              // "cpu", "cuda:1"
  double samplesPerSecond = 0.0;   // this rank's own images per second, over its epochs
  double communicationShare = 0.0;  // share of its training time spent waiting on allreduce
};

// A data-parallel run (core/dist): rank 0 writes one result for all ranks.
struct DistributedRecord {
  int worldSize = 1;
  std::string backend;  // "gloo"
  std::string scaling;  // "weak" (a full batch per rank) or "strong" (the batch split)
  int globalBatch = 0;  // images per step over all ranks
  std::vector<RankRecord> ranks;
};

// Whether something on the machine disturbed the run (core/machine/disturbance.h).
struct ValidityRecord {
  bool disturbed = false;
  std::vector<std::string> warnings;  // each a sentence a user can act on
};

struct RunResult {
  RunStatus status = RunStatus::Failed;
  FailureKind failure = FailureKind::None;
  std::string error;    // empty unless failed
  std::string created;  // ISO-8601 UTC, e.g. "2026-11-26T14:30:00Z"
  WorkloadRecord workload;
  ConfigRecord config;
  DeviceRecord device;
  SystemRecord system;
  std::vector<EpochRecord> epochs;
  std::optional<TestRecord> test;
  std::optional<double> totalSeconds;  // absent unless training and evaluation both finished
  std::vector<TelemetrySample> timeline;
  // Repeats of one configuration share a group id (--repeat); empty for a single run.
  std::string group;
  std::optional<SteadyStateRecord> steadyState;
  std::optional<ProjectionRecord> projection;
  std::optional<ValidityRecord> validity;  // absent in results written before it existed
  std::optional<DistributedRecord> distributed;  // data-parallel runs only
};

// The result's text made safe to show (table::printable): a result file from elsewhere must not
// move a terminal's cursor, fake a line, or reverse a row with a bidi control.
RunResult withPrintableText(RunResult result);

// Whether the run recorded a steady state with a figure: a run too short for one (or a file from
// before it was recorded) is measured by its epochs' mean, warm-up included, another measure.
inline bool hasSteadyState(const RunResult& result) {
  return result.steadyState && result.steadyState->samplesPerSecond > 0.0;
}

// The --time-budget the run asked for (0: none): its config's, or, in a file from before that
// was recorded, its projection's.
inline double savedTimeBudget(const RunResult& result) {
  if (result.config.timeBudgetSeconds > 0.0) return result.config.timeBudgetSeconds;
  return result.projection ? result.projection->budgetSeconds : 0.0;
}

}  // namespace tb
