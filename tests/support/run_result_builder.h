// The one builder for the tests' RunResult fixtures: named setters instead of positional
// aggregate initialisers, so each fixture names the fields its test depends on and a field added
// to a record cannot silently shift the others.
//
//   const RunResult run = RunResultBuilder()
//                             .workload("fashion-mlp")
//                             .device("cuda:0", "RTX 3080")
//                             .epoch(/*seconds=*/2.0, /*samplesPerSecond=*/30000.0)
//                             .test(/*loss=*/0.45, /*accuracy=*/0.85)
//                             .totalSeconds(2.5);
#pragma once

#include "results/run_result.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tbtest {

class RunResultBuilder {
 public:
  // A completed run with every other field at its default: set what the test relies on.
  RunResultBuilder() { m_result.status = tb::RunStatus::Completed; }

  RunResultBuilder& status(tb::RunStatus status) {
    m_result.status = status;
    return *this;
  }
  RunResultBuilder& failed(tb::FailureKind kind, std::string error) {
    m_result.status = tb::RunStatus::Failed;
    m_result.failure = kind;
    m_result.error = std::move(error);
    return *this;
  }
  RunResultBuilder& created(std::string created) {
    m_result.created = std::move(created);
    return *this;
  }

  // The workload record.
  RunResultBuilder& workload(std::string name, std::string dataset = std::string()) {
    m_result.workload.name = std::move(name);
    m_result.workload.dataset = std::move(dataset);
    return *this;
  }
  RunResultBuilder& dataSource(std::string source) {  // "files" or "synthetic"
    m_result.workload.dataSource = std::move(source);
    return *this;
  }
  RunResultBuilder& dataFingerprint(std::string fingerprint) {  // custom files' "crc32 ..."
    m_result.workload.dataFingerprint = std::move(fingerprint);
    return *this;
  }
  RunResultBuilder& samples(std::int64_t train, std::int64_t test) {
    m_result.workload.trainSamples = train;
    m_result.workload.testSamples = test;
    return *this;
  }
  RunResultBuilder& parameters(std::int64_t parameters) {
    m_result.workload.parameters = parameters;
    return *this;
  }
  RunResultBuilder& flopsPerSample(std::optional<double> flops) {
    m_result.workload.flopsPerSample = flops;
    return *this;
  }

  // The config record: what the run was asked to do.
  RunResultBuilder& plannedEpochs(int epochs) {
    m_result.config.epochs = epochs;
    return *this;
  }
  RunResultBuilder& batchSize(int batchSize) {
    m_result.config.batchSize = batchSize;
    return *this;
  }
  RunResultBuilder& optimizer(std::string optimizer, double learningRate) {
    m_result.config.optimizer = std::move(optimizer);
    m_result.config.learningRate = learningRate;
    return *this;
  }
  RunResultBuilder& seed(std::uint64_t seed) {
    m_result.config.seed = seed;
    return *this;
  }
  RunResultBuilder& threads(int threads) {
    m_result.config.threads = threads;
    return *this;
  }
  RunResultBuilder& precision(std::string precision) {
    m_result.config.precision = std::move(precision);
    return *this;
  }

  // The device record; the kind follows from the id ("cuda:0" is "cuda").
  RunResultBuilder& device(const std::string& id, std::string name) {
    m_result.device.id = id;
    m_result.device.kind = id.substr(0, id.find(':'));
    m_result.device.name = std::move(name);
    return *this;
  }
  RunResultBuilder& gpuFacts(double memoryMb, std::string computeCapability,
                             std::string driverVersion) {
    m_result.device.memoryMb = memoryMb;
    m_result.device.computeCapability = std::move(computeCapability);
    m_result.device.driverVersion = std::move(driverVersion);
    return *this;
  }
  RunResultBuilder& peakFp32Tflops(std::optional<double> tflops) {
    if (!tflops) {
      m_result.device.peak.reset();
      return *this;
    }
    if (!m_result.device.peak) m_result.device.peak = tb::PeakFigures{};
    m_result.device.peak->fp32Tflops = tflops;
    return *this;
  }

  // The system record: the machine the run was measured on.
  RunResultBuilder& host(std::string hostname) {
    m_result.system.hostname = std::move(hostname);
    return *this;
  }
  RunResultBuilder& os(std::string os) {
    m_result.system.os = std::move(os);
    return *this;
  }
  RunResultBuilder& cpuModel(std::string model) {
    m_result.system.cpuModel = std::move(model);
    return *this;
  }
  RunResultBuilder& cores(int physical, int logical) {
    m_result.system.physicalCores = physical;
    m_result.system.logicalCores = logical;
    return *this;
  }
  RunResultBuilder& memoryMb(std::optional<double> memoryMb) {
    m_result.system.memoryMb = memoryMb;
    return *this;
  }
  RunResultBuilder& versions(std::string libtorch, std::string app) {
    m_result.system.libtorchVersion = std::move(libtorch);
    m_result.system.appVersion = std::move(app);
    return *this;
  }
  RunResultBuilder& timeBudget(double seconds) {
    m_result.config.timeBudgetSeconds = seconds;
    return *this;
  }
  RunResultBuilder& environment(std::map<std::string, std::string> switches) {
    m_result.config.environment = std::move(switches);
    return *this;
  }
  RunResultBuilder& blas(std::string name) {
    m_result.system.blas = std::move(name);
    return *this;
  }
  RunResultBuilder& build(std::string text) {
    m_result.system.build = std::move(text);
    return *this;
  }

  // Appends the next epoch (numbered from 1); loss() and accuracy() then set its training loss
  // and accuracy (0 until set).
  RunResultBuilder& epoch(double seconds, double samplesPerSecond) {
    tb::EpochRecord record;
    record.epoch = static_cast<int>(m_result.epochs.size()) + 1;
    record.seconds = seconds;
    record.samplesPerSecond = samplesPerSecond;
    m_result.epochs.push_back(record);
    return *this;
  }
  RunResultBuilder& loss(double trainLoss) {
    lastEpoch().trainLoss = trainLoss;
    return *this;
  }
  RunResultBuilder& accuracy(double trainAccuracy) {
    lastEpoch().trainAccuracy = trainAccuracy;
    return *this;
  }
  RunResultBuilder& test(double loss, double accuracy) {
    m_result.test = tb::TestRecord{loss, accuracy};
    return *this;
  }
  RunResultBuilder& totalSeconds(std::optional<double> seconds) {
    m_result.totalSeconds = seconds;
    return *this;
  }
  // The trust blocks: repeats' group id, steady state, a --time-budget projection, validity.
  RunResultBuilder& group(std::string id) {
    m_result.group = std::move(id);
    return *this;
  }
  // Steady-state samples/s; the step times follow from the batch size when one is set.
  RunResultBuilder& steadyState(double samplesPerSecond, std::int64_t steps = 100,
                                std::int64_t warmupSteps = 10) {
    tb::SteadyStateRecord steady;
    steady.samplesPerSecond = samplesPerSecond;
    const int batch = m_result.config.batchSize > 0 ? m_result.config.batchSize : 32;
    steady.stepSecondsP50 = samplesPerSecond > 0.0 ? batch / samplesPerSecond : 0.0;
    steady.stepSecondsP95 = steady.stepSecondsP50 * 1.1;
    steady.steps = steps;
    steady.warmupSteps = warmupSteps;
    m_result.steadyState = steady;
    return *this;
  }
  // A run cut short by --time-budget that projects the full run: `epochs` on train/test images.
  RunResultBuilder& projection(double totalSeconds, double low, double high, int epochs,
                               std::int64_t trainSamples, std::int64_t testSamples,
                               double budgetSeconds = 60.0, std::int64_t basisSteps = 200) {
    tb::ProjectionRecord record;
    record.totalSeconds = totalSeconds;
    record.low = low;
    record.high = high;
    record.basisSteps = basisSteps;
    record.budgetSeconds = budgetSeconds;
    record.epochs = epochs;
    record.trainSamples = trainSamples;
    record.testSamples = testSamples;
    m_result.projection = record;
    return *this;
  }
  RunResultBuilder& validity(bool disturbed, std::vector<std::string> warnings = {}) {
    m_result.validity = tb::ValidityRecord{disturbed, std::move(warnings)};
    return *this;
  }

  // A data-parallel run: one rank per (host, device) pair, in rank order; config.batch_size is
  // each rank's batch (batchSize()), `globalBatch` the images of one step over all ranks.
  RunResultBuilder& distributed(const std::string& scaling, int globalBatch,
                                const std::vector<std::pair<std::string, std::string>>& ranks) {
    tb::DistributedRecord record;
    record.worldSize = static_cast<int>(ranks.size());
    record.backend = "gloo";
    record.scaling = scaling;
    record.globalBatch = globalBatch;
    for (const auto& [host, device] : ranks) {
      record.ranks.push_back(tb::RankRecord{static_cast<int>(record.ranks.size()), host, device});
    }
    m_result.distributed = record;
    return *this;
  }

  // Appends a telemetry sample to the timeline.
  RunResultBuilder& sample(tb::TelemetrySample sample) {
    m_result.timeline.push_back(std::move(sample));
    return *this;
  }

  tb::RunResult build() const { return m_result; }
  operator tb::RunResult() const { return m_result; }  // NOLINT: reads as a RunResult

 private:
  tb::EpochRecord& lastEpoch() {
    if (m_result.epochs.empty()) epoch(0.0, 0.0);
    return m_result.epochs.back();
  }

  tb::RunResult m_result;
};

}  // namespace tbtest
