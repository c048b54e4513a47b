// Comparison rows: from runs and from the seed article's published figures, with speed-ups,
// written as CSV (for spreadsheets) or as a Markdown table (for reports and issues).
#include "results/comparison.h"

#include <cmath>
#include <cstddef>
#include <iomanip>
#include <locale>
#include <sstream>

namespace tb {

namespace {

constexpr const char* kMissing = "n/a";

// Rows always print with a '.' decimal point: a Qt app sets the C locale from the environment,
// and a "7,78" would break both CSV columns and comparisons between machines.
std::ostringstream classicStream() {
  std::ostringstream out;
  out.imbue(std::locale::classic());
  return out;
}

std::string fixed(double value, int decimals) {
  auto out = classicStream();
  out << std::fixed << std::setprecision(decimals) << value;
  return out.str();
}

// Enough digits for a spreadsheet to recompute anything, without float noise like 7.7800000001.
std::string plain(double value) {
  auto out = classicStream();
  out << std::setprecision(10) << value;
  return out.str();
}

// Fixed decimals with trailing zeros dropped: 0.88 stays "0.88", 0.881234 becomes "0.8812".
std::string trimmed(double value, int decimals) {
  std::string text = fixed(value, decimals);
  if (text.find('.') == std::string::npos) return text;
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text;
}

std::optional<double> finiteOrNone(double value) {
  return std::isfinite(value) ? std::optional<double>(value) : std::nullopt;
}

// Mean of the finite values picked from each epoch; absent when there is none.
template <typename Pick>
std::optional<double> meanOver(const std::vector<EpochRecord>& epochs, Pick pick) {
  double sum = 0.0;
  int count = 0;
  for (const auto& epoch : epochs) {
    const double value = pick(epoch);
    if (!std::isfinite(value)) continue;
    sum += value;
    ++count;
  }
  return count > 0 ? std::optional<double>(sum / count) : std::nullopt;
}

std::string csvField(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::string csvNumber(const std::optional<double>& value) { return value ? plain(*value) : ""; }

// A cell must not end the row ('|') or the table (a line break).
std::string markdownCell(const std::string& text) {
  std::string cell;
  for (const char c : text) {
    if (c == '|') {
      cell += "\\|";
    } else if (c == '\r' || c == '\n') {
      cell += ' ';
    } else {
      cell += c;
    }
  }
  return cell;
}

std::string markdownNumber(const std::optional<double>& value, int decimals) {
  return value ? fixed(*value, decimals) : kMissing;
}

}  // namespace

const std::vector<PublishedReference>& publishedReferences() {
  // The seed article's figures (docs/seed-article.md). Only the MLP script printed its accuracy,
  // and only for the RTX 2080 Ti machine; the other accuracies were not published.
  static const std::vector<PublishedReference> references = {
      {"fashion-mlp", "RTX 2080 Ti", "Linux, i7-9700K, 32 GB", 7.78, 0.88},
      {"fashion-mlp", "M1 Mac mini", "macOS, M1, 8 GB", 6.70, std::nullopt},
      {"cifar10-resnet50", "RTX 2080 Ti", "Linux, i7-9700K, 32 GB", 418.73, std::nullopt},
      {"cifar10-resnet50", "M1 Mac mini", "macOS, M1, 8 GB", 2286.16, std::nullopt},
  };
  return references;
}

std::string deviceLabel(const RunResult& result) {
  std::string label = result.device.id;
  if (result.device.kind == "cpu" && result.config.threads > 0) {
    label += " (" + std::to_string(result.config.threads) +
             (result.config.threads == 1 ? " thread)" : " threads)");
  }
  if (!result.device.name.empty()) label += " \u2014 " + result.device.name;
  return label;
}

ComparisonRow comparisonRow(const RunResult& result) {
  ComparisonRow row;
  row.device = result.device.id;
  row.label = deviceLabel(result);
  row.machine = result.system.hostname;
  row.workload = result.workload.name;
  row.status = toString(result.status);
  if (result.totalSeconds) row.totalSeconds = finiteOrNone(*result.totalSeconds);
  row.meanEpochSeconds = meanOver(result.epochs, [](const EpochRecord& e) { return e.seconds; });
  row.samplesPerSecond =
      meanOver(result.epochs, [](const EpochRecord& e) { return e.samplesPerSecond; });
  if (result.test) row.testAccuracy = finiteOrNone(result.test->accuracy);
  return row;
}

ComparisonRow comparisonRow(const PublishedReference& reference) {
  ComparisonRow row;
  row.label = reference.device + " (published)";
  row.device = reference.device;
  row.machine = reference.machine;
  row.workload = reference.workload;
  row.status = "published";
  row.published = true;
  row.totalSeconds = reference.totalSeconds;
  row.testAccuracy = reference.testAccuracy;
  return row;
}

void applySpeedups(std::vector<ComparisonRow>& rows, std::size_t baseline) {
  std::optional<double> base;
  if (baseline < rows.size()) base = rows[baseline].totalSeconds;
  for (auto& row : rows) {
    row.speedup.reset();
    if (base && *base > 0.0 && row.totalSeconds && *row.totalSeconds > 0.0) {
      row.speedup = *base / *row.totalSeconds;
    }
  }
}

std::string formatSpeedup(double speedup) { return fixed(speedup, 2) + "x"; }

std::string comparisonCsv(const std::vector<ComparisonRow>& rows) {
  // RFC 4180: CRLF line ends, a header row, quoted fields where needed; missing values are
  // empty cells so a spreadsheet reads the numeric columns as numbers.
  std::string csv =
      "label,device,machine,workload,status,published,total_seconds,mean_epoch_seconds,"
      "samples_per_second,test_accuracy,speedup\r\n";
  for (const auto& row : rows) {
    csv += csvField(row.label) + ',' + csvField(row.device) + ',' + csvField(row.machine) + ',' +
           csvField(row.workload) + ',' + csvField(row.status) + ',' +
           (row.published ? "true" : "false") + ',' + csvNumber(row.totalSeconds) + ',' +
           csvNumber(row.meanEpochSeconds) + ',' + csvNumber(row.samplesPerSecond) + ',' +
           csvNumber(row.testAccuracy) + ',' + csvNumber(row.speedup) + "\r\n";
  }
  return csv;
}

std::string comparisonMarkdown(const std::vector<ComparisonRow>& rows) {
  std::string md =
      "| Device | Machine | Workload | Total (s) | Mean epoch (s) | Samples/s | Test accuracy "
      "| Speed-up | Status |\n"
      "|---|---|---|---:|---:|---:|---:|---:|---|\n";
  for (const auto& row : rows) {
    md += "| " + markdownCell(row.label) + " | " + markdownCell(row.machine) + " | " +
          markdownCell(row.workload) + " | " + markdownNumber(row.totalSeconds, 2) + " | " +
          markdownNumber(row.meanEpochSeconds, 2) + " | " +
          markdownNumber(row.samplesPerSecond, 0) + " | " +
          (row.testAccuracy ? trimmed(*row.testAccuracy, 4) : kMissing) + " | " +
          (row.speedup ? formatSpeedup(*row.speedup) : kMissing) + " | " +
          markdownCell(row.status) + " |\n";
  }
  return md;
}

}  // namespace tb
