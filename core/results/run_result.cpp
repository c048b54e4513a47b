// Text names of the run-result enums; they appear in result files and CLI output, so they never
// change within a schema version.
#include "results/run_result.h"

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
  if (precision == "tf32") return peak.tf32Tflops;
  if (precision == "bf16") return peak.bf16Tflops;
  if (precision == "fp16") return peak.fp16Tflops;
  if (precision == "fp32" || precision.empty()) return peak.fp32Tflops;
  return std::nullopt;
}

}  // namespace tb
