#include "results/result_checks.h"

#include "results/result_file.h"

#include <cmath>
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
  void atLeastOne(double value, const std::string& key) const {
    if (value < 1) {
      throw ResultFileError(m_source + ": " + key + " must be 1 or more, not " + shown(value));
    }
  }

 private:
  static std::string shown(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", value);
    return text;
  }

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
  check.amount(r.config.threads, "config.threads");
  check.amount(r.device.memoryMb, "device.memory_mb");
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
    check.amount(r.epochs[i].seconds, at + ".seconds");
    check.amount(r.epochs[i].samplesPerSecond, at + ".samples_per_second");
  }
  check.amount(r.totalSeconds, "total_seconds");
}

}  // namespace tb
