// Side-by-side comparison rows of several runs, like the seed article's table. Grouping runs by
// workload and size, folding repeats and the grouped text and JSON outputs: comparison_groups.h.
#pragma once

#include "results/run_result.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tb {

// How a row's label is put together, for front ends that shorten it: the device part, then
// " — " and the device's name, then " · " before each part that tells alike rows apart
// ("cuda:0 synthetic — NVIDIA H100 · node-1 · 2026-12-06 10:15").
inline constexpr const char* kLabelNameSeparator = " \u2014 ";
inline constexpr const char* kLabelPartSeparator = " \u00b7 ";

struct ComparisonRow {
  std::string label;    // e.g. "cpu — AMD EPYC" or "RTX 2080 Ti (published)"
  std::string device;   // device id or published device name
  std::string machine;  // hostname, or the published machine description
  std::string workload;
  std::string status;  // "completed", "cancelled", "failed", "published"
  std::string error;   // why a failed run failed (its result's error, printable); else empty
  bool published = false;
  std::optional<double> totalSeconds;
  std::optional<double> meanEpochSeconds;
  // Steady-state samples/s where the run recorded it, else the mean over epochs; for repeats
  // folded into one row (n > 1), the median over the runs.
  std::optional<double> samplesPerSecond;
  std::optional<double> testAccuracy;
  std::optional<double> speedup;  // baseline total / this total; "1.16x" means 16% faster
  bool baseline = false;          // the row the speed-ups of its group are against
  std::string precision;          // "fp32", "bf16", ...; empty for published rows
  // Measured by a TrainBench that measures otherwise (system.measurement_method): its label says
  // "(earlier TrainBench)" or "(newer TrainBench)", and methodNote() what that means.
  bool otherMethod = false;
  // flops_per_sample x mean samples/s, in TFLOPS; absent where the workload's FLOPs are unknown.
  std::optional<double> achievedTflops;
  std::optional<double> peakTflops;  // the device's measured peak in the run's precision
  std::optional<double> efficiency;  // achieved / peak, 0..1
  // This row's peak over the baseline's: next to the speed-up it shows whether the device trains
  // as much faster as its peak promises (the article's M1: peak 0.26x, ResNet-50 0.18x as fast).
  std::optional<double> peakRatio;
  // The most memory the run took, from its telemetry (MiB): the process's resident memory, and
  // for a GPU run the memory in use on its GPU (every process's, as NVML counts it). What a
  // buyer asks first: will the workload fit? Folded rows keep the largest.
  std::optional<double> peakRssMb;
  std::optional<double> peakGpuMemoryMb;
  // How much the run trained ("fashion-mlp, 60000/10000 images x 10 epochs, batch 32"): total
  // times and speed-ups compare only between rows of the same size. Empty where unknown. For a
  // projected row, the size of the full run projected.
  std::string size;

  // Repeats, noise and comparability (buildComparison in comparison_groups.h fills `sources` and
  // folds repeats; a row of one run has n == 1 and no samples/s interval).
  //
  // The row's identity across refreshes: foldKey() for runs, "published:<workload>:<device>" for
  // the article's rows. Front ends keep the chosen baseline and colours by it.
  std::string key;
  // The indices, into the results given to buildComparison, of the runs the row stands for.
  std::vector<std::size_t> sources;
  int n = 1;  // runs folded into the row
  // 95% interval of samplesPerSecond over the folded runs (n >= 2); absent otherwise.
  std::optional<double> samplesPerSecondLow;
  std::optional<double> samplesPerSecondHigh;
  // 95% interval of totalSeconds: over the folded runs (n >= 2), or a lone projection's own.
  std::optional<double> totalLow;
  std::optional<double> totalHigh;
  // totalSeconds is projected from a run cut short by --time-budget, not measured.
  bool projected = false;
  bool disturbed = false;             // something on the machine disturbed a folded run
  // Some folded run's machine was watched (its file has a validity record): a file from before
  // validity was recorded can say neither "quiet" nor "disturbed".
  bool watched = false;
  std::vector<std::string> warnings;  // the folded runs' validity warnings, each once
  // Set with the speed-up: this row's and the baseline's total intervals overlap, so the
  // difference between them is within the noise. Never set on the baseline itself.
  bool withinNoise = false;
  // Whether withinNoise was judged: only a row with a speed-up, with its and the baseline's total
  // intervals, can be. Exports leave the verdict empty (null) where it was not.
  bool noiseJudged = false;
  // Which rows compare (total times, speed-ups): the size, or the workload where the size is
  // unknown. Rows of different groups never get a speed-up against each other.
  std::string group;
  std::string created;  // the earliest folded run's creation time (ISO-8601 UTC)
  int threads = 0;      // CPU threads the run asked for; 0 where unknown (published rows)
  // How the run trained, for labels and exports; empty (absent) for published rows.
  std::string execution;                // "eager" or "graph"
  std::string optimizer;                // "adam", "sgd"
  std::optional<double> learningRate;
  std::string dataSource;       // "files", "custom files" or "synthetic"
  std::string dataFingerprint;  // custom files' "crc32 0a1b2c3d"; empty otherwise
  // What the folding tells apart beyond the settings: "reference BLAS" and the speed switches
  // set ("OMP_WAIT_POLICY=passive"), ", "-joined; empty for neither.
  std::string environment;
  // What ran the kernels and what they were allowed: "LibTorch 2.7.0, driver 570.86.10, power
  // limit 350 W" (the driver and limit for GPU runs). Runs of one host before and after an
  // upgrade, or at two power limits, are two machines to compare.
  std::string platform;
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
// count tells apart CPU runs that differ only in it; a precision other than fp32, graph
// execution, ranks and (unless `sayDataSource` is false, for a list with a data column of its
// own) synthetic data are said too. The name is shown withoutTrademarks().
std::string deviceLabel(const RunResult& result, bool sayDataSource = true);
// Where a data-parallel run's ranks trained, from its ranks' records: the distinct GPUs (0 for
// CPU ranks), the machines, and the GPU ids where fewer than the ranks: four ranks that each
// named "cuda:0" are not four GPUs' run as the file tells it (one GPU, or four that each rank saw
// as its only one: the file cannot tell, so labels say the ids, not a count).
struct RankDevices {
  int gpus = 0;
  int machines = 1;
  std::string sharedIds;  // "cuda:0" or "cuda:0, cuda:1" where ranks named fewer GPUs; else empty
};
RankDevices rankDevices(const RunResult& result);
// What a label says of it beyond the rank count: "on cuda:0" where ranks named fewer GPUs than
// there are ranks, "across 2 machines"; empty for one GPU per rank, or CPU ranks, on one machine.
std::string rankDevicesText(const RunResult& result);
// A device name without "(R)", "(TM)", "®" and "™": "Intel(R) Xeon(R) Gold 6338" reads
// "Intel Xeon Gold 6338", which leaves the table's other columns more room.
std::string withoutTrademarks(std::string name);

// One run's row (n == 1, `sources` empty). A run cut short by --time-budget shows its projection
// as the total (`projected`, with the projection's interval) and the projected run's size.
ComparisonRow comparisonRow(const RunResult& result);
ComparisonRow comparisonRow(const PublishedReference& reference);

// Which runs are repeats of one configuration on one machine and fold into one row: completed
// runs sharing the hostname, CPU model and logical core count (two machines may share a host
// name), device id and name, workload and size (the row's group), precision,
// execution, threads, ranks and where they trained (rankDevicesText), batch size, data source,
// optimizer, learning rate, the model's parameter count, whether the total is projected,
// whether the run was disturbed (disturbed runs fold only with each other), whether it has a
// steady state, and its environment (the reference BLAS, the speed switches set). Seeds may
// differ: that is what repeats vary. A cancelled or failed run's key also holds its status and
// creation time, so it folds with nothing.
std::string foldKey(const RunResult& result);

// Whether the totals of two rows compare: the same group (workload and size), or the same
// workload where a row's size is unknown (rows made by hand, results without image counts).
bool comparableRows(const ComparisonRow& a, const ComparisonRow& b);

// Fills `speedup`, `baseline`, `peakRatio` and `withinNoise` of every row against
// rows[baseline]: left empty ("n/a") where a total or a peak is missing, and for every row not
// comparableRows with the baseline, so a ResNet-50 row never reads as "40x slower" than an MLP
// baseline. `baseline` is set only where the baseline has a total.
void applySpeedups(std::vector<ComparisonRow>& rows, std::size_t baseline);

// `result`'s epochs without the last one where --time-budget stopped it part way: the mean
// epoch of a projected run stands for whole epochs (one cut at a tenth read 15% too fast).
std::vector<EpochRecord> wholeEpochs(const RunResult& result);

// Whether a row's total has an interval to judge noise by: repeats (n >= 2) or a projection.
bool hasTotalInterval(const ComparisonRow& row);
// "0.17–0.52 s": the 95% interval of a row's total time, which its speed-up's noise is judged
// on; empty where it has none.
std::string totalIntervalText(const ComparisonRow& row);
// Why speed-ups among `rows` read "within noise", for under their table (which shows only the
// samples/s interval): "within noise: the 95% intervals of the total times overlap, so the
// difference may be chance: cpu 0.17–0.52 s (baseline), cuda:0 0.10–0.46 s." One line per
// group's baseline, with that group's rows; empty when no row is within noise.
std::string withinNoiseNote(const std::vector<const ComparisonRow*>& rows);

// Why the total times and speed-ups of `rows` do not compare: the rows trained different amounts
// (workloads, image counts, epochs or batch sizes), each size named; empty when they all match.
// Failed and cancelled rows, and rows of unknown size, are left out.
std::string sizeMismatchNote(const std::vector<ComparisonRow>& rows);
// Where some totals of `rows` are projected (--time-budget), a line saying that "~" marks them
// (and, beside measured ones, that those were measured); empty otherwise. Rows without a total
// are left out.
std::string projectionNote(const std::vector<ComparisonRow>& rows);
// Where some of `rows` are the seed article's figures, a line saying they were not measured
// here; empty otherwise.
std::string publishedNote(const std::vector<ComparisonRow>& rows);
// What "(earlier TrainBench)" means, where a row is so marked; empty otherwise.
std::string methodNote(const std::vector<ComparisonRow>& rows);
// A line for rows whose efficiency passes 100% (the probe's peak below what the workload
// reached: a CPU's 1024 x 1024 products), saying the peak is then a lower bound; empty otherwise.
std::string efficiencyNote(const std::vector<ComparisonRow>& rows);
// A row's n as tables print it: "n/a" for published figures, which are no runs of this tool.
std::string runCountText(const ComparisonRow& row);

// "1.16x": two decimals, '.' as the decimal point whatever the locale; a difference from 1 that
// two would hide keeps up to four ("1.004x"); below 0.1 as formatRatio ("0.0027x", not "0.00x").
std::string formatSpeedup(double speedup);
// A peak ratio: like formatSpeedup, with more decimals below 0.1 ("0.0017x").
std::string formatRatio(double ratio);
// Decimals for samples/s: enough for slow devices (a CPU trains ResNet-50 at a few images/s),
// none from 100 up. An interval takes its median's.
int throughputDecimals(double samplesPerSecond);
// Achieved or peak TFLOPS with three significant digits ("0.0612", "12.3", "702").
std::string formatTflops(double tflops);
// "42.1%" from a fraction; "0.73%" below 1%, "0.0021%" below 0.01%.
std::string formatEfficiency(double efficiency);

// RFC 4180 (CRLF, quoted where needed), a header row; missing values are empty cells. Columns
// added later go at the end (n, intervals, projected, disturbed, within_noise, size, baseline).
std::string comparisonCsv(const std::vector<ComparisonRow>& rows);
// A pipe table like the seed article's; missing values read "n/a", projected totals "~12.34" and
// speed-ups within the noise "1.01x (within noise)". When some row has a peak ratio, a line under
// the table says how to read it against the speed-up; projected totals next to measured ones and
// different run sizes and published figures get a line each too. The "Workload and size" column
// gives each row's size; the baseline's speed-up reads "1.00x (baseline)".
// A disturbed row's label starts with "⚠ ". Where a row folds repeats, "n" and "95% interval"
// columns follow Samples/s. Each row's warnings ("- ⚠ <label>: <warning>") end the text.
std::string comparisonMarkdown(const std::vector<ComparisonRow>& rows);

// The lines that list `row`'s warnings under a Markdown table: "- ⚠ <label>: <warning>", and
// one saying it was disturbed where it was with no warning of its own.
std::vector<std::string> markdownWarningLines(const ComparisonRow& row);

}  // namespace tb
