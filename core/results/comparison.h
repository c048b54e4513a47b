// Side-by-side comparison rows of several runs, like the seed article's table.
#pragma once

#include "results/run_result.h"

#include <cstdint>
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
  std::string precision;          // "fp32", "bf16", ...; empty for published rows
  // flops_per_sample x mean samples/s, in TFLOPS; absent where the workload's FLOPs are unknown.
  std::optional<double> achievedTflops;
  std::optional<double> peakTflops;  // the device's measured peak in the run's precision
  std::optional<double> efficiency;  // achieved / peak, 0..1
  // This row's peak over the baseline's: next to the speed-up it shows whether the device trains
  // as much faster as its peak promises (the article's M1: peak 0.26x, ResNet-50 0.18x as fast).
  std::optional<double> peakRatio;
  // How much the run trained ("fashion-mlp, 60000/10000 images x 10 epochs, batch 32"): total
  // times and speed-ups compare only between rows of the same size. Empty where unknown.
  std::string size;
};

// Every field compared (a field added above belongs in operator== too): the comparison panel
// redraws and its exports refresh only when a row changes, so a field left out goes stale.
bool operator==(const ComparisonRow& a, const ComparisonRow& b);
bool operator!=(const ComparisonRow& a, const ComparisonRow& b);

// A published figure from the seed article, shown as a reference row.
struct PublishedReference {
  std::string workload;  // "fashion-mlp" or "cifar10-resnet50"
  std::string device;    // "RTX 2080 Ti", "M1 Mac mini"
  std::string machine;
  double totalSeconds = 0.0;
  std::optional<double> testAccuracy;
  // What the seed script trained: the full data set, its epochs and batch size.
  std::int64_t trainSamples = 0;
  std::int64_t testSamples = 0;
  int epochs = 0;
  int batchSize = 0;
};

const std::vector<PublishedReference>& publishedReferences();

// How a run's device is named in tables and legends: "cpu (2 threads) — AMD EPYC". The thread
// count tells apart CPU runs that differ only in it.
std::string deviceLabel(const RunResult& result);

ComparisonRow comparisonRow(const RunResult& result);
ComparisonRow comparisonRow(const PublishedReference& reference);

// Fills `speedup` and `peakRatio` of every row against rows[baseline] (left empty where a total
// or a peak is missing).
void applySpeedups(std::vector<ComparisonRow>& rows, std::size_t baseline);

// Why the total times and speed-ups of `rows` do not compare: the rows trained different amounts
// (workloads, image counts, epochs or batch sizes), each size named; empty when they all match.
// Failed and cancelled rows, and rows of unknown size, are left out.
std::string sizeMismatchNote(const std::vector<ComparisonRow>& rows);

// "1.16x": two decimals, '.' as the decimal point whatever the locale.
std::string formatSpeedup(double speedup);
// A peak ratio: like formatSpeedup, with more decimals below 0.1 ("0.0017x").
std::string formatRatio(double ratio);
// Achieved or peak TFLOPS with three significant digits ("0.0612", "12.3", "702").
std::string formatTflops(double tflops);
// "42.1%" from a fraction; "0.73%" below 1%.
std::string formatEfficiency(double efficiency);

// RFC 4180 (CRLF, quoted where needed), a header row; missing values are empty cells.
std::string comparisonCsv(const std::vector<ComparisonRow>& rows);
// A pipe table like the seed article's; missing values read "n/a". When some row has a peak
// ratio, a line under the table says how to read it against the speed-up.
std::string comparisonMarkdown(const std::vector<ComparisonRow>& rows);

}  // namespace tb
