// The whole comparison of a set of runs, as the app and `trainbench-cli compare` show it: one
// group per workload and size (total times and speed-ups compare only within a group), repeats of
// one configuration on one machine folded into one row (median, 95% interval, n), labels that tell
// rows apart, and the grouped Markdown and JSON outputs.
#pragma once

#include "results/comparison.h"
#include "results/run_result.h"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace tb {

// The rows that compare with each other: one workload trained to one size.
struct ComparisonGroup {
  std::string key;       // ComparisonRow::group of every row in it
  std::string workload;  // "fashion-mlp"
  // "fashion-mlp, 60000/10000 images x 10 epochs, batch 32"; empty where the runs' size is unknown
  std::string size;
  std::vector<ComparisonRow> rows;  // in order of first appearance; published rows last
  std::size_t baseline = 0;         // index into rows; speed-ups are against it
  // Lines to show under the group's table, e.g. that "~" marks projected totals (projectionNote).
  std::vector<std::string> notes;
};

struct ComparisonOptions {
  // Adds the seed article's published rows to the group of their workload and size (the seed's
  // full run), where there is one; they never make a group of their own.
  bool includePublished = false;
  // The row (ComparisonRow::key) chosen as baseline of its group. Groups without it, or every
  // group when unset, use their first completed row (else their first row with a total).
  std::optional<std::string> baselineKey;
};

// Folds the rows of single runs (comparisonRow) that are repeats of one configuration into one:
// the first run's facts, n, the medians of samples/s, total, mean epoch time, accuracy and TFLOPS,
// 95% intervals of samples/s and total (two runs or more), the union of warnings, the earliest
// creation time and every run's `sources`. Empty input gives a default row.
ComparisonRow foldRows(const std::vector<ComparisonRow>& runs);

// Groups `results` by workload and size (in order of first appearance), folds repeats (foldKey;
// cancelled and failed runs never fold), adds published rows when asked, picks each group's
// baseline, applies speed-ups within each group only, and makes the labels distinct. Each row's
// `sources` index into `results`.
std::vector<ComparisonGroup> buildComparison(const std::vector<RunResult>& results,
                                             const ComparisonOptions& options = {});

// Makes the labels of `rows` distinct: rows that read the same get " · <optimizer>" and
// " · lr <learning rate>" (where those differ), then " · <machine>" (when their machines
// differ), then those still alike " · <date and time>" ("2026-12-02 10:31", local
// time as in the charts' legends; with seconds where two started within a minute), then, as a last resort and only within one group,
// a number (" (2)"). Labels that are already unique are left as they are.
void distinguishLabels(std::vector<ComparisonRow>& rows);
// The same across every group of a comparison: the rows of different groups share chart legends.
void distinguishLabels(std::vector<ComparisonGroup>& groups);

// "### <size>" and a Markdown table per group: #, Device ("⚠ " when disturbed), Machine, n,
// Samples/s (median), 95% interval, Total (s) ("~" when projected), Test accuracy (the folded
// runs' median), Speed-up ("1.01x (within
// noise)", "n/a" where not comparable; the baseline reads "**1.00x** (baseline)"), Status; then
// the group's notes and every row's warnings ("- ⚠ <label>: <warning>"). Rows are numbered from
// 1 across all groups, the numbers `trainbench-cli compare --baseline N` takes.
std::string comparisonText(const std::vector<ComparisonGroup>& groups);

// A JSON array with one object per row, in the order and numbering of comparisonText: row,
// workload, size, label, device, machine, precision, threads, execution, optimizer,
// learning_rate, data_source, n, disturbed, warnings,
// samples_per_second {median, low, high}, total_seconds, total_low, total_high, projected,
// speedup, within_noise, baseline, status, published, test_accuracy, created, notes (the group's).
// Missing values are null; numbers use '.' whatever the locale.
std::string comparisonJson(const std::vector<ComparisonGroup>& groups, int indent = 2);

}  // namespace tb
