// Group ids and the repeat summary (repeats.h).
#include "results/repeats.h"

#include "devices/system_info.h"
#include "results/comparison.h"
#include "results/table_text.h"

#include <algorithm>
#include <iomanip>
#include <random>
#include <sstream>

namespace tb {

std::string newGroupId() {
  std::string time = isoTimestampUtc();  // "2026-12-02T10:15:00Z"
  time.erase(std::remove_if(time.begin(), time.end(), [](char c) { return c == '-' || c == ':'; }),
             time.end());
  std::random_device random;
  std::ostringstream out;
  out << time << '-' << std::hex << std::setw(8) << std::setfill('0') << random();
  return out.str();
}

namespace {

bool disturbed(const RunResult& run) { return run.validity && run.validity->disturbed; }

}  // namespace

std::vector<double> steadyThroughputs(const std::vector<RunResult>& runs) {
  std::vector<double> throughputs;
  for (const auto& run : runs) {
    if (run.status == RunStatus::Completed && run.steadyState && !disturbed(run)) {
      throughputs.push_back(run.steadyState->samplesPerSecond);
    }
  }
  return throughputs;
}

std::optional<Interval> repeatInterval(const std::vector<RunResult>& runs) {
  return confidenceInterval(steadyThroughputs(runs));
}

std::string repeatSummary(const std::string& device, const std::vector<RunResult>& runs,
                          bool gaveUp) {
  const auto interval = repeatInterval(runs);
  const auto disturbedRuns = std::count_if(runs.begin(), runs.end(), [](const RunResult& run) {
    return run.status == RunStatus::Completed && disturbed(run);
  });
  // A disturbed repeat that was too short to measure a steady state would not give one on a
  // quiet machine either: "close other programs" would send the user to the wrong fix.
  const bool anySteady = std::any_of(runs.begin(), runs.end(), [](const RunResult& run) {
    return run.status == RunStatus::Completed && run.steadyState;
  });
  if (!interval && anySteady && disturbedRuns > 0) {
    // The comparison still folds them, among themselves and marked: said here, or the two read
    // as a contradiction.
    return device + ": \u26a0 every completed repeat was disturbed by other load, so none gives " +
           "a figure to trust (the comparison shows them marked disturbed); close other programs " +
           "and repeat";
  }
  if (!interval) {
    // Too few full batches after warm-up (StepTimes): every repeat of the run would be the same.
    return device + ": no completed repeat measured a steady state (too few full batches after " +
           "warm-up); train on more images or epochs to measure one";
  }
  const int decimals = throughputDecimals(interval->median);
  const auto rate = [decimals](double value) { return table::fixed(value, decimals); };
  std::string line = device + ": " + rate(interval->median) + " samples/s steady state (median of " +
                     std::to_string(interval->n);
  if (interval->n > 1) {
    line += "; 95% interval " + rate(interval->low) + "-" + rate(interval->high) + ", \u00b1" +
            table::fixed(100.0 * interval->relativeHalfWidth(), 1) + "%";
  }
  if (disturbedRuns > 0) {
    line += "; \u26a0 " + std::to_string(disturbedRuns) +
            (disturbedRuns == 1 ? " disturbed repeat" : " disturbed repeats") + " left out";
  }
  line += ")";
  if (gaveUp) {
    line += "\n" + device + ": stopped after " + std::to_string(runs.size()) +
            " repeats without reaching \u00b1" + table::fixed(100.0 * kTargetHalfWidth, 0) +
            "%: this machine is too noisy for a tighter figure; close other programs and repeat";
  }
  return line;
}

}  // namespace tb
