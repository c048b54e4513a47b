// The result of one training run: plain value types shared by the engine, the CLI, the GUI and
// the result file (docs/result-format.md). Metrics that could not be measured are std::nullopt.
#pragma once

#include <cstdint>
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
  std::string dataSource;  // "files" or "synthetic"
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
};

struct DeviceRecord {
  std::string id;    // "cpu", "cuda:0", "mps"
  std::string kind;  // "cpu", "cuda", "mps"
  std::string name;  // human-readable, e.g. the CPU model
};

struct SystemRecord {
  std::string os;
  std::string hostname;
  std::string cpuModel;
  int physicalCores = 0;
  int logicalCores = 0;
  std::optional<double> memoryMb;
  std::string libtorchVersion;
  std::string appVersion;
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

// One telemetry sample; `t` is seconds since the run's clock started.
struct TelemetrySample {
  double t = 0.0;
  std::optional<double> cpuPercent;         // whole machine, 0..100
  std::optional<double> processCpuPercent;  // this process, 0..100*logical cores
  std::optional<double> rssMb;
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
};

}  // namespace tb
