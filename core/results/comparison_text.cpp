// The comparison as files: CSV for spreadsheets, a Markdown pipe table for a post.
#include "results/comparison.h"

#include "results/table_text.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <string>
#include <vector>

namespace tb {

namespace {

using table::fixed;
using table::markdownCell;
using table::trimmed;

constexpr const char* kMissing = "n/a";
// Enough digits for a spreadsheet to recompute anything, without float noise like 7.7800000001.
std::string plain(double value) {
  auto out = table::classicStream();
  out << std::setprecision(10) << value;
  return out.str();
}


std::string csvField(const std::string& raw) {
  // Text that a spreadsheet would run as a formula ("=HYPERLINK(...)" as a device name in a
  // shared file) is kept as text, behind an apostrophe, as OWASP's CSV-injection advice says.
  const bool formula =
      !raw.empty() && std::string("=+-@\t\r").find(raw.front()) != std::string::npos;
  const std::string text = formula ? "'" + raw : raw;
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

// An empty cell for a figure that is missing or not finite (never "inf" or "nan").
std::string csvNumber(const std::optional<double>& value) {
  return value && std::isfinite(*value) ? plain(*value) : "";
}

std::string markdownNumber(const std::optional<double>& value, int decimals) {
  return value ? fixed(*value, decimals) : kMissing;
}

// A row's warnings in one cell, as the Markdown lists them under its table: "disturbed" alone
// told a spreadsheet nothing of why.
std::string joinedWarnings(const ComparisonRow& row) {
  std::string text;
  for (const auto& warning : row.warnings) text += (text.empty() ? "" : "; ") + warning;
  if (text.empty() && row.disturbed) text = "disturbed by something else on the machine";
  return text;
}

}  // namespace

std::string comparisonCsv(const std::vector<ComparisonRow>& rows) {
  // RFC 4180: CRLF line ends, a header row, quoted fields where needed; missing values are
  // empty cells so a spreadsheet reads the numeric columns as numbers.
  std::string csv =
      "label,device,machine,workload,status,published,total_seconds,mean_epoch_seconds,"
      "samples_per_second,test_accuracy,speedup,precision,achieved_tflops,peak_tflops,efficiency,"
      "peak_ratio,n,samples_per_second_low,samples_per_second_high,total_low,total_high,projected,"
      "disturbed,within_noise,size,baseline,warnings,error,peak_rss_mib,peak_gpu_memory_mib\r\n";
  const auto flag = [](bool value) { return value ? "true" : "false"; };
  for (const auto& row : rows) {
    csv += csvField(row.label) + ',' + csvField(row.device) + ',' + csvField(row.machine) + ',' +
           csvField(row.workload) + ',' + csvField(row.status) + ',' +
           (row.published ? "true" : "false") + ',' + csvNumber(row.totalSeconds) + ',' +
           csvNumber(row.meanEpochSeconds) + ',' + csvNumber(row.samplesPerSecond) + ',' +
           csvNumber(row.testAccuracy) + ',' + csvNumber(row.speedup) + ',' +
           csvField(row.precision) + ',' + csvNumber(row.achievedTflops) + ',' +
           csvNumber(row.peakTflops) + ',' + csvNumber(row.efficiency) + ',' +
           csvNumber(row.peakRatio) + ',' + (row.published ? "" : std::to_string(row.n)) + ',' +
           csvNumber(row.samplesPerSecondLow) + ',' + csvNumber(row.samplesPerSecondHigh) + ',' +
           csvNumber(row.totalLow) + ',' + csvNumber(row.totalHigh) + ',' + flag(row.projected) +
           ',' + (row.watched ? flag(row.disturbed) : "") + ',' + (row.noiseJudged ? flag(row.withinNoise) : "") + ',' +
           csvField(row.size) +
           ',' + flag(row.baseline) + ',' + csvField(joinedWarnings(row)) + ',' +
           csvField(row.error) + ',' + csvNumber(row.peakRssMb) + ',' +
           csvNumber(row.peakGpuMemoryMb) + "\r\n";
  }
  return csv;
}

std::vector<std::string> markdownWarningLines(const ComparisonRow& row) {
  const std::string sign = "\u26a0";
  std::vector<std::string> lines;
  for (const auto& warning : row.warnings) {
    lines.push_back("- " + sign + " " + markdownCell(row.label) + ": " + markdownCell(warning));
  }
  if (row.disturbed && row.warnings.empty()) {
    lines.push_back("- " + sign + " " + markdownCell(row.label) +
                    ": disturbed by something else on the machine");
  }
  // A failed row's figures are all n/a: its reason belongs beside it, not only in `show`.
  if (!row.error.empty()) {
    lines.push_back("- " + markdownCell(row.label) + ": failed: " + markdownCell(row.error));
  }
  return lines;
}

std::string comparisonMarkdown(const std::vector<ComparisonRow>& rows) {
  // Each row says how much it trained: a 1-epoch trial's 6.6 s must not read as a full run's
  // beside the article's 418 s, and rows of several sizes each go against their own group.
  // A median of repeats must not read as one measurement: n and its interval go beside it.
  const bool repeats =
      std::any_of(rows.begin(), rows.end(), [](const ComparisonRow& row) { return row.n > 1; });
  std::string md =
      std::string("| Device | Machine | Workload and size | Total (s) | Mean epoch (s) | ") +
      "Samples/s | " + (repeats ? "n | 95% interval | " : "") +
      "Test accuracy | Achieved TFLOPS | Efficiency | Peak ratio | Speed-up | Status |\n"
      "|---|---|---|---:|---:|---:|" + (repeats ? "---:|---:|" : "") +
      "---:|---:|---:|---:|---:|---|\n";
  bool anyPeakRatio = false;
  std::vector<std::string> warnings;
  for (const auto& row : rows) {
    const int decimals = row.samplesPerSecond ? throughputDecimals(*row.samplesPerSecond) : 0;
    std::string folded;
    if (repeats) {
      folded = runCountText(row) + " | " +
               (row.samplesPerSecondLow && row.samplesPerSecondHigh
                    ? fixed(*row.samplesPerSecondLow, decimals) + "\u2013" +
                          fixed(*row.samplesPerSecondHigh, decimals)
                    : std::string(kMissing)) +
               " | ";
    }
    md += "| " + markdownCell((row.disturbed ? "\u26a0 " : "") + row.label) + " | " +
          markdownCell(row.machine) + " | " +
          markdownCell(row.size.empty() ? row.workload : row.size) + " | " +
          (row.projected && row.totalSeconds ? "~" : "") +
          markdownNumber(row.totalSeconds, 2) + " | " +
          markdownNumber(row.meanEpochSeconds, 2) + " | " +
          markdownNumber(row.samplesPerSecond, decimals) + " | " + folded +
          (row.testAccuracy ? trimmed(*row.testAccuracy, 4) : kMissing) + " | " +
          (row.achievedTflops ? formatTflops(*row.achievedTflops) : kMissing) + " | " +
          (row.efficiency ? formatEfficiency(*row.efficiency) : kMissing) + " | " +
          (row.peakRatio ? formatRatio(*row.peakRatio) : kMissing) + " | " +
          (row.speedup ? formatSpeedup(*row.speedup) + (row.withinNoise ? " (within noise)" : "") +
                             (row.baseline ? " (baseline)" : "")
                       : kMissing) +
          " | " + markdownCell(row.status) + " |\n";
    anyPeakRatio = anyPeakRatio || row.peakRatio.has_value();
    for (auto& line : markdownWarningLines(row)) warnings.push_back(std::move(line));
  }
  if (const std::string note = projectionNote(rows); !note.empty()) md += "\n" + note + "\n";
  if (const std::string note = publishedNote(rows); !note.empty()) md += "\n" + note + "\n";
  std::vector<const ComparisonRow*> pointers;
  for (const ComparisonRow& row : rows) pointers.push_back(&row);
  if (const std::string note = withinNoiseNote(pointers); !note.empty()) md += "\n" + note + "\n";
  if (anyPeakRatio) {
    md += "\nPeak ratio: each device's measured peak (in the run's precision) over the baseline's. "
          "Next to the speed-up it shows how much of its peak advantage a device turns into "
          "training speed (the seed article put the M1's spec-sheet peak at 1/3.84 of the RTX "
          "2080 Ti's, a ratio its own table takes from the RTX 2080's 10 TFLOPS, and measured "
          "ResNet-50 5.46x slower).\n";
  }
  if (const std::string note = sizeMismatchNote(rows); !note.empty()) md += "\n" + note + "\n";
  if (!warnings.empty()) md += '\n';
  for (const auto& line : warnings) md += line + '\n';
  return md;
}

}  // namespace tb
