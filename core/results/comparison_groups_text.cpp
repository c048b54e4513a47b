// The grouped comparison as Markdown and as JSON (comparison_groups.h): `trainbench-cli compare`
// and its --json.
#include "results/comparison_groups.h"

#include "results/table_text.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <optional>
#include <string>
#include <vector>

namespace tb {

namespace {

using table::fixed;
using table::markdownCell;

constexpr const char* kMissing = "n/a";
constexpr const char* kWarningSign = "\u26a0";

std::string heading(const ComparisonGroup& group) {
  if (!group.size.empty()) return group.size;
  if (group.workload.empty()) return "unknown workload";
  return group.workload + " (size unknown)";
}

std::string speedupCell(const ComparisonRow& row, bool baseline) {
  if (!row.speedup) return kMissing;
  if (baseline) return "**" + formatSpeedup(*row.speedup) + "** (baseline)";
  return formatSpeedup(*row.speedup) + (row.withinNoise ? " (within noise)" : "");
}

using OrderedJson = nlohmann::ordered_json;

OrderedJson jsonNumber(const std::optional<double>& value) {
  return value && std::isfinite(*value) ? OrderedJson(*value) : OrderedJson(nullptr);
}

OrderedJson jsonText(const std::string& text) {
  return text.empty() ? OrderedJson(nullptr) : OrderedJson(text);
}

}  // namespace

std::string comparisonText(const std::vector<ComparisonGroup>& groups) {
  if (groups.empty()) return "No results to compare.\n";
  std::string text;
  int number = 0;
  for (const ComparisonGroup& group : groups) {
    if (!text.empty()) text += '\n';
    text += "### " + markdownCell(heading(group)) + "\n\n";
    text +=
        "| # | Device | Machine | n | Samples/s (median) | 95% interval | Total (s) | Test "
        "accuracy | Speed-up | Status |\n"
        "|---:|---|---|---:|---:|---:|---:|---:|---|---|\n";
    std::vector<std::string> warnings;
    for (std::size_t i = 0; i < group.rows.size(); ++i) {
      const ComparisonRow& row = group.rows[i];
      const int decimals = row.samplesPerSecond ? throughputDecimals(*row.samplesPerSecond) : 0;
      const std::string throughput =
          row.samplesPerSecond ? fixed(*row.samplesPerSecond, decimals) : kMissing;
      const std::string interval = row.samplesPerSecondLow && row.samplesPerSecondHigh
                                       ? fixed(*row.samplesPerSecondLow, decimals) + "\u2013" +
                                             fixed(*row.samplesPerSecondHigh, decimals)
                                       : kMissing;
      const std::string total =
          row.totalSeconds ? (row.projected ? "~" : "") + fixed(*row.totalSeconds, 2) : kMissing;
      const std::string device = (row.disturbed ? std::string(kWarningSign) + " " : "") + row.label;
      text += "| " + std::to_string(++number) + " | " + markdownCell(device) + " | " +
              markdownCell(row.machine) + " | " + runCountText(row) + " | " + throughput +
              " | " + interval + " | " + total + " | " +
              (row.testAccuracy ? table::trimmed(*row.testAccuracy, 4) : kMissing) + " | " +
              speedupCell(row, i == group.baseline) +
              " | " + markdownCell(row.status) + " |\n";
      for (auto& line : markdownWarningLines(row)) warnings.push_back(std::move(line));
    }
    std::vector<const ComparisonRow*> rows;
    for (const ComparisonRow& row : group.rows) rows.push_back(&row);
    const std::string noise = withinNoiseNote(rows);
    if (!group.notes.empty() || !warnings.empty() || !noise.empty()) text += '\n';
    if (!noise.empty()) text += noise + '\n';
    for (const auto& note : group.notes) text += note + '\n';
    for (const auto& warning : warnings) text += warning + '\n';
  }
  if (groups.size() > 1) {
    text +=
        "\nTotal times and speed-ups compare only within a table: each table is one workload "
        "trained to one size.\n";
  }
  return text;
}

std::string comparisonJson(const std::vector<ComparisonGroup>& groups, int indent) {
  OrderedJson list = OrderedJson::array();
  int number = 0;
  for (const ComparisonGroup& group : groups) {
    for (std::size_t i = 0; i < group.rows.size(); ++i) {
      const ComparisonRow& row = group.rows[i];
      OrderedJson entry;
      entry["row"] = ++number;
      entry["workload"] = row.workload;
      entry["size"] = jsonText(group.size);
      entry["label"] = row.label;
      entry["device"] = row.device;
      entry["machine"] = row.machine;
      entry["precision"] = jsonText(row.precision);
      entry["threads"] = row.threads > 0 ? OrderedJson(row.threads) : OrderedJson(nullptr);
      entry["execution"] = jsonText(row.execution);
      entry["optimizer"] = jsonText(row.optimizer);
      entry["learning_rate"] = jsonNumber(row.learningRate);
      entry["environment"] = jsonText(row.environment);
      entry["data_source"] = jsonText(row.dataSource);
      entry["data_fingerprint"] = jsonText(row.dataFingerprint);
      entry["n"] = row.published ? OrderedJson(nullptr) : OrderedJson(row.n);
      // null where no folded run was watched: false would read as "checked, and quiet".
      entry["disturbed"] = row.watched ? OrderedJson(row.disturbed) : OrderedJson(nullptr);
      entry["warnings"] = row.warnings;
      entry["samples_per_second"] = {{"median", jsonNumber(row.samplesPerSecond)},
                                     {"low", jsonNumber(row.samplesPerSecondLow)},
                                     {"high", jsonNumber(row.samplesPerSecondHigh)}};
      entry["total_seconds"] = jsonNumber(row.totalSeconds);
      entry["total_low"] = jsonNumber(row.totalLow);
      entry["total_high"] = jsonNumber(row.totalHigh);
      entry["projected"] = row.projected;
      entry["speedup"] = jsonNumber(row.speedup);
      // null where it could not be judged (no interval on one side): false would read as "a
      // real difference".
      entry["within_noise"] = row.noiseJudged ? OrderedJson(row.withinNoise) : OrderedJson(nullptr);
      entry["baseline"] = row.baseline;  // as the table marks it: only a row with a total
      entry["status"] = row.status;
      entry["error"] = row.error.empty() ? OrderedJson(nullptr) : OrderedJson(row.error);
      entry["published"] = row.published;
      entry["test_accuracy"] = jsonNumber(row.testAccuracy);
      entry["mean_epoch_seconds"] = jsonNumber(row.meanEpochSeconds);
      // How much of the device's measured peak the run used, as the CSV and the app show it.
      entry["achieved_tflops"] = jsonNumber(row.achievedTflops);
      entry["peak_tflops"] = jsonNumber(row.peakTflops);
      entry["efficiency"] = jsonNumber(row.efficiency);
      entry["peak_ratio"] = jsonNumber(row.peakRatio);
      entry["peak_rss_mb"] = jsonNumber(row.peakRssMb);
      entry["peak_gpu_memory_mb"] = jsonNumber(row.peakGpuMemoryMb);
      entry["created"] = jsonText(row.created);
      entry["notes"] = group.notes;
      list.push_back(std::move(entry));
    }
  }
  // Hostnames and device names come from the system and may hold invalid UTF-8: replace, not throw.
  return list.dump(indent, ' ', false, OrderedJson::error_handler_t::replace);
}

}  // namespace tb
