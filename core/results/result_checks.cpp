#include "results/result_checks.h"

#include "results/result_file.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>

namespace tb {
namespace {

class Checker {
 public:
  explicit Checker(const std::string& source) : m_source(source) {}

  // A count or measurement: 0 or more, or NaN for "not measured".
  void amount(double value, const std::string& key) const {
    if (value < 0) {
      throw ResultFileError(m_source + ": " + key + " must not be negative, not " + shown(value));
    }
  }
  void amount(const std::optional<double>& value, const std::string& key) const {
    if (value) amount(*value, key);
  }
  // A share or an accuracy: from 0 to 1, or NaN for "not measured".
  void fraction(double value, const std::string& key) const {
    if (value < 0 || value > 1) {
      throw ResultFileError(m_source + ": " + key + " must be from 0 to 1, not " + shown(value));
    }
  }
  [[noreturn]] void fail(const std::string& what) const {
    throw ResultFileError(m_source + ": " + what);
  }
  void atLeastOne(double value, const std::string& key) const {
    if (value < 1) {
      throw ResultFileError(m_source + ": " + key + " must be 1 or more, not " + shown(value));
    }
  }

  static std::string shown(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", value);
    return text;
  }

 private:
  const std::string& m_source;
};

}  // namespace

void checkResultValues(const RunResult& r, const std::string& source) {
  const Checker check(source);
  check.amount(static_cast<double>(r.workload.trainSamples), "workload.train_samples");
  check.amount(static_cast<double>(r.workload.testSamples), "workload.test_samples");
  check.amount(static_cast<double>(r.workload.parameters), "workload.parameters");
  check.amount(r.workload.flopsPerSample, "workload.flops_per_sample");
  check.amount(r.config.epochs, "config.epochs");
  check.amount(r.config.batchSize, "config.batch_size");
  check.amount(r.config.learningRate, "config.learning_rate");
  check.amount(r.config.timeBudgetSeconds, "config.time_budget_seconds");
  check.amount(r.config.threads, "config.threads");
  check.amount(r.device.memoryMb, "device.memory_mb");
  check.amount(r.device.powerLimitW, "device.power_limit_w");
  if (r.device.peak) {
    check.amount(r.device.peak->fp32Tflops, "device.peak.fp32_tflops");
    check.amount(r.device.peak->tf32Tflops, "device.peak.tf32_tflops");
    check.amount(r.device.peak->bf16Tflops, "device.peak.bf16_tflops");
    check.amount(r.device.peak->fp16Tflops, "device.peak.fp16_tflops");
    check.amount(r.device.peak->bandwidthGbs, "device.peak.bandwidth_gbs");
  }
  check.amount(r.system.physicalCores, "system.physical_cores");
  check.amount(r.system.logicalCores, "system.logical_cores");
  check.amount(r.system.memoryMb, "system.memory_mb");
  for (std::size_t i = 0; i < r.epochs.size(); ++i) {
    const std::string at = "epochs[" + std::to_string(i) + "]";
    check.atLeastOne(r.epochs[i].epoch, at + ".epoch");
    // In order, each once, within the run's length: the charts draw them by number.
    if (i > 0 && r.epochs[i].epoch <= r.epochs[i - 1].epoch) {
      check.fail(at + ".epoch is " + std::to_string(r.epochs[i].epoch) + ", not after the " +
                 std::to_string(r.epochs[i - 1].epoch) + " before it");
    }
    if (r.config.epochs > 0 && r.epochs[i].epoch > r.config.epochs) {
      check.fail(at + ".epoch is " + std::to_string(r.epochs[i].epoch) + ", past config.epochs (" +
                 std::to_string(r.config.epochs) + ")");
    }
    check.amount(r.epochs[i].seconds, at + ".seconds");
    check.amount(r.epochs[i].samplesPerSecond, at + ".samples_per_second");
    check.fraction(r.epochs[i].trainAccuracy, at + ".train_accuracy");
  }
  // Only a time budget stops a completed run early, and it says so in a projection; a shorter
  // list would be read as the whole run, its total as the full run's.
  if (r.status == RunStatus::Completed && r.config.epochs > 0 && !r.projection &&
      r.epochs.size() != static_cast<std::size_t>(r.config.epochs)) {
    check.fail("a completed run lists " + std::to_string(r.epochs.size()) +
               " epochs, not config.epochs (" + std::to_string(r.config.epochs) +
               "), and has no projection to say it was cut short");
  }
  if (r.test) check.fraction(r.test->accuracy, "test.accuracy");
  check.amount(r.totalSeconds, "total_seconds");
  // The total is timed around the epochs: less than they took is an edited or broken file, and
  // its total would pull a folded median down.
  double epochSeconds = 0.0;
  for (const EpochRecord& epoch : r.epochs) {
    if (std::isfinite(epoch.seconds)) epochSeconds += epoch.seconds;
  }
  if (r.totalSeconds && *r.totalSeconds < epochSeconds * (1.0 - 1e-9) - 1e-6) {
    check.fail("total_seconds (" + Checker::shown(*r.totalSeconds) +
               ") is less than its epochs took (" + Checker::shown(epochSeconds) + " s)");
  }
  if (r.steadyState) {
    check.amount(r.steadyState->samplesPerSecond, "steady_state.samples_per_second");
    check.amount(r.steadyState->stepSecondsP50, "steady_state.step_seconds_p50");
    check.amount(r.steadyState->stepSecondsP95, "steady_state.step_seconds_p95");
    check.amount(static_cast<double>(r.steadyState->warmupSteps), "steady_state.warmup_steps");
    check.amount(static_cast<double>(r.steadyState->steps), "steady_state.steps");
  }
  for (std::size_t i = 0; i < r.timeline.size(); ++i) {
    const TelemetrySample& sample = r.timeline[i];
    const std::string at = "timeline[" + std::to_string(i) + "]";
    check.amount(sample.t, at + ".t");
    // In time order: the charts draw them so, and the mean utilisation weighs each sample by the
    // time since the one before (an earlier sample after a later weighed less than nothing).
    if (i > 0 && sample.t < r.timeline[i - 1].t) {
      check.fail(at + ".t is " + Checker::shown(sample.t) + ", before the " +
                 Checker::shown(r.timeline[i - 1].t) + " before it");
    }
    check.amount(sample.cpuPercent, at + ".cpu_percent");
    check.amount(sample.processCpuPercent, at + ".process_cpu_percent");
    check.amount(sample.rssMb, at + ".rss_mb");
    for (std::size_t g = 0; g < sample.gpus.size(); ++g) {
      const GpuSample& gpu = sample.gpus[g];
      const std::string gpuAt = at + ".gpus[" + std::to_string(g) + "]";
      check.amount(gpu.utilPercent, gpuAt + ".util_percent");
      check.amount(gpu.memoryUsedMb, gpuAt + ".memory_used_mb");
      check.amount(gpu.memoryTotalMb, gpuAt + ".memory_total_mb");
      check.amount(gpu.powerW, gpuAt + ".power_w");
      check.amount(gpu.smClockMhz, gpuAt + ".sm_clock_mhz");
    }
  }
  if (r.distributed) {
    check.atLeastOne(r.distributed->worldSize, "distributed.world_size");
    check.amount(r.distributed->globalBatch, "distributed.global_batch");
    const std::string& scaling = r.distributed->scaling;
    if (scaling != "weak" && scaling != "strong") {
      check.fail("distributed.scaling must be \"weak\" or \"strong\", not \"" + scaling + "\"");
    }
    // config.batch_size is each rank's batch in both scalings (docs/result-format.md); compare
    // and scaling group runs by the global one.
    const std::int64_t rankImages =
        static_cast<std::int64_t>(r.config.batchSize) * r.distributed->worldSize;
    if (r.status == RunStatus::Completed && r.distributed->globalBatch > 0 &&
        r.config.batchSize > 0 && r.distributed->globalBatch != rankImages) {
      check.fail("distributed.global_batch is " + std::to_string(r.distributed->globalBatch) +
                 ", not config.batch_size x distributed.world_size (" + std::to_string(rankImages) +
                 ")");
    }
    // The ranks' figures are gathered before rank 0 saves: a completed run lists every rank, and
    // its device peak and efficiency count them.
    if (r.status == RunStatus::Completed &&
        r.distributed->ranks.size() != static_cast<std::size_t>(r.distributed->worldSize)) {
      check.fail("distributed.ranks lists " + std::to_string(r.distributed->ranks.size()) +
                 " ranks, not distributed.world_size (" + std::to_string(r.distributed->worldSize) +
                 ")");
    }
    for (std::size_t i = 0; i < r.distributed->ranks.size(); ++i) {
      const auto& rank = r.distributed->ranks[i];
      const std::string at = "distributed.ranks[" + std::to_string(i) + "]";
      check.amount(rank.samplesPerSecond, at + ".samples_per_second");
      check.fraction(rank.communicationShare, at + ".communication_share");
    }
  }
  if (r.projection) {
    check.amount(r.projection->totalSeconds, "projection.total_seconds");
    check.amount(r.projection->low, "projection.low");
    check.amount(r.projection->high, "projection.high");
    if (r.projection->low > r.projection->high) {
      check.fail("projection.low (" + Checker::shown(r.projection->low) +
                 ") must not be above projection.high (" + Checker::shown(r.projection->high) + ")");
    }
    check.amount(static_cast<double>(r.projection->basisSteps), "projection.basis_steps");
    check.amount(r.projection->budgetSeconds, "projection.budget_seconds");
    check.amount(r.projection->epochs, "projection.epochs");
    check.amount(static_cast<double>(r.projection->trainSamples), "projection.train_samples");
    check.amount(static_cast<double>(r.projection->testSamples), "projection.test_samples");
  }
}

}  // namespace tb
