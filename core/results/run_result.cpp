// Text names of the run-result enums; they appear in result files and CLI output, so they never
// change within a schema version.
#include "results/run_result.h"

#include "engine/precision.h"
#include "results/table_text.h"

namespace tb {

const char* toString(RunStatus status) {
  switch (status) {
    case RunStatus::Completed: return "completed";
    case RunStatus::Cancelled: return "cancelled";
    case RunStatus::Failed: return "failed";
  }
  return "failed";  // unreachable for valid enum values; keeps -Wreturn-type quiet
}

const char* toString(FailureKind kind) {
  switch (kind) {
    case FailureKind::None: return "none";
    case FailureKind::Data: return "data";
    case FailureKind::Device: return "device";
    case FailureKind::Run: return "run";
  }
  return "run";
}

std::optional<RunStatus> parseRunStatus(const std::string& text) {
  for (RunStatus status : {RunStatus::Completed, RunStatus::Cancelled, RunStatus::Failed}) {
    if (text == toString(status)) return status;
  }
  return std::nullopt;
}

std::optional<FailureKind> parseFailureKind(const std::string& text) {
  for (FailureKind kind :
       {FailureKind::None, FailureKind::Data, FailureKind::Device, FailureKind::Run}) {
    if (text == toString(kind)) return kind;
  }
  return std::nullopt;
}

std::optional<double> peakTflopsFor(const PeakFigures& peak, const std::string& precision) {
  if (precision.empty()) return peak.fp32Tflops;  // results written before precisions
  const auto parsed = parsePrecision(precision);
  if (!parsed) return std::nullopt;
  switch (*parsed) {
    case Precision::Fp32: return peak.fp32Tflops;
    case Precision::Tf32: return peak.tf32Tflops;
    case Precision::Bf16: return peak.bf16Tflops;
    case Precision::Fp16: return peak.fp16Tflops;
  }
  return std::nullopt;
}

RunResult withPrintableText(RunResult result) {
  for (std::string* text :
       {&result.workload.name, &result.workload.dataset, &result.workload.dataSource,
        &result.workload.dataFingerprint,
        &result.device.id, &result.device.name, &result.error, &result.created,
        &result.system.hostname, &result.system.os, &result.system.cpuModel,
        &result.system.libtorchVersion, &result.system.appVersion, &result.system.blas,
        &result.system.build,
        &result.config.precision,
        &result.config.optimizer, &result.config.execution, &result.config.executionFallback,
        &result.group}) {
    *text = table::printable(*text);
  }
  for (auto* optional : {&result.device.computeCapability, &result.device.driverVersion,
                         &result.device.cudaRuntime, &result.device.cudnnVersion}) {
    if (*optional) **optional = table::printable(**optional);
  }
  if (result.validity) {
    for (auto& warning : result.validity->warnings) warning = table::printable(warning);
  }
  std::map<std::string, std::string> environment;
  for (const auto& [name, value] : result.config.environment) {
    environment[table::printable(name)] = table::printable(value);
  }
  result.config.environment = std::move(environment);
  if (result.distributed) {
    result.distributed->backend = table::printable(result.distributed->backend);
    result.distributed->scaling = table::printable(result.distributed->scaling);
    for (RankRecord& rank : result.distributed->ranks) {
      rank.host = table::printable(rank.host);
      rank.device = table::printable(rank.device);
    }
  }
  return result;
}

}  // namespace tb
