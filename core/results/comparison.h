// Side-by-side comparison rows of several runs, like the seed article's table.
#pragma once

#include "results/run_result.h"

#include <optional>
#include <string>
#include <vector>

namespace tb {

struct ComparisonRow {
  std::string label;    // e.g. "cpu — AMD EPYC" or "RTX 2080 Ti (published)"
  std::string device;   // device id or published device name
  std::string machine;  // hostname, or the published machine description
  std::string workload;
  std::string status;  // "completed", "cancelled", "failed", "published"
  bool published = false;
  std::optional<double> totalSeconds;
  std::optional<double> meanEpochSeconds;
  std::optional<double> samplesPerSecond;  // mean over epochs
  std::optional<double> testAccuracy;
  std::optional<double> speedup;  // baseline total / this total; "1.16x" means 16% faster
};

// A published figure from the seed article, shown as a reference row.
struct PublishedReference {
  std::string workload;  // "fashion-mlp" or "cifar10-resnet50"
  std::string device;    // "RTX 2080 Ti", "M1 Mac mini"
  std::string machine;
  double totalSeconds = 0.0;
  std::optional<double> testAccuracy;
};

const std::vector<PublishedReference>& publishedReferences();

// How a run's device is named in tables and legends: "cpu (2 threads) — AMD EPYC". The thread
// count tells apart CPU runs that differ only in it.
std::string deviceLabel(const RunResult& result);

ComparisonRow comparisonRow(const RunResult& result);
ComparisonRow comparisonRow(const PublishedReference& reference);

// Fills `speedup` of every row against rows[baseline] (left empty where a total is missing).
void applySpeedups(std::vector<ComparisonRow>& rows, std::size_t baseline);

// "1.16x": two decimals, '.' as the decimal point whatever the locale.
std::string formatSpeedup(double speedup);

// RFC 4180 (CRLF, quoted where needed), a header row; missing values are empty cells.
std::string comparisonCsv(const std::vector<ComparisonRow>& rows);
// A pipe table like the seed article's; missing values read "n/a".
std::string comparisonMarkdown(const std::vector<ComparisonRow>& rows);

}  // namespace tb
