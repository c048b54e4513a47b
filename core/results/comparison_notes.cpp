// The comparison's notes beside its tables: sizes that differ, totals within noise, projected
// totals, the article's published rows (comparison.h).
#include "results/comparison.h"

#include "results/table_text.h"

#include <algorithm>

namespace tb {

using table::fixed;

std::string sizeMismatchNote(const std::vector<ComparisonRow>& rows) {
  std::vector<std::string> sizes;
  for (const auto& row : rows) {
    if (row.size.empty() || row.status == "failed" || row.status == "cancelled") continue;
    if (std::find(sizes.begin(), sizes.end(), row.size) == sizes.end()) sizes.push_back(row.size);
  }
  if (sizes.size() < 2) return {};
  std::string list;
  // Sizes name workloads from the files: no line breaks or control characters in the note.
  for (const auto& size : sizes) list += (list.empty() ? "" : "; ") + table::printable(size);
  return "These runs trained different amounts (" + list +
         "): compare samples/s, not total times or speed-ups.";
}

std::string totalIntervalText(const ComparisonRow& row) {
  if (!hasTotalInterval(row)) return {};
  return fixed(*row.totalLow, 2) + "\u2013" + fixed(*row.totalHigh, 2) + " s";
}

std::string withinNoiseNote(const std::vector<const ComparisonRow*>& rows) {
  // Each group has its own baseline: one sentence per baseline, with the rows judged against it.
  std::string note;
  for (const ComparisonRow* baseline : rows) {
    if (!baseline->baseline) continue;
    // A few rows by name; the rest only counted: each is marked "(within noise)" in its table,
    // and a year of runs listed some seventy labels on one line of 6,000 characters.
    std::vector<const ComparisonRow*> inNoise;
    for (const ComparisonRow* row : rows) {
      if (row->withinNoise && row != baseline && comparableRows(*row, *baseline)) {
        inNoise.push_back(row);
      }
    }
    if (inNoise.empty()) continue;
    // Five names rather than four and "1 more".
    const std::size_t named = inNoise.size() <= 5 ? inNoise.size() : 4;
    std::string listed;
    for (std::size_t i = 0; i < named; ++i) {
      listed += ", " + table::printable(inNoise[i]->label) + " " + totalIntervalText(*inNoise[i]);
    }
    if (named < inNoise.size()) {
      listed += ", and " + std::to_string(inNoise.size() - named) + " more rows marked (within noise)";
    }
    note += std::string(note.empty() ? "" : "\n") +
            "within noise: the 95% intervals of the total times overlap, so the difference may "
            "be chance: " + table::printable(baseline->label) + " " +
            totalIntervalText(*baseline) + " (baseline)" + listed + ".";
  }
  return note;
}

std::string publishedNote(const std::vector<ComparisonRow>& rows) {
  const bool anyPublished = std::any_of(rows.begin(), rows.end(),
                                        [](const ComparisonRow& row) { return row.published; });
  if (!anyPublished) return {};
  // The article's clock ran from the loaded data, so TensorFlow's start-up of the device (a
  // CUDA context, Metal's) was inside it; TrainBench starts the device before its clock.
  return "Rows marked (published) are the seed article's figures (TensorFlow, 2021), not "
         "measured here; their totals include TensorFlow's start-up of the device, which "
         "TrainBench's leave out.";
}

std::string methodNote(const std::vector<ComparisonRow>& rows) {
  if (std::none_of(rows.begin(), rows.end(), [](const ComparisonRow& row) { return row.otherMethod; })) {
    return {};
  }
  // One text for every table, so that front ends listing the notes of several say it once.
  // Short: it sits above the app's table. How they may differ: docs/result-format.md.
  return "Rows marked (earlier TrainBench) or (newer TrainBench) were saved by another version "
         "of TrainBench, which may have measured otherwise: they never fold with this version's "
         "runs, and compare only roughly.";
}

std::string efficiencyNote(const std::vector<ComparisonRow>& rows) {
  const bool over = std::any_of(rows.begin(), rows.end(), [](const ComparisonRow& row) {
    return row.efficiency && *row.efficiency > 1.0;
  });
  if (!over) return {};
  return "An efficiency above 100% means the workload ran faster than the peak measured for its "
         "device (dense matrix products of one size): there that peak is a lower bound, not the "
         "device's best.";
}

std::string runCountText(const ComparisonRow& row) {
  return row.published ? "n/a" : std::to_string(row.n);
}

std::string projectionNote(const std::vector<ComparisonRow>& rows) {
  const auto hasTotal = [](const ComparisonRow& row) { return row.totalSeconds.has_value(); };
  const bool anyProjected = std::any_of(rows.begin(), rows.end(), [&](const ComparisonRow& row) {
    return hasTotal(row) && row.projected;
  });
  const bool anyMeasured = std::any_of(rows.begin(), rows.end(), [&](const ComparisonRow& row) {
    return hasTotal(row) && !row.projected;
  });
  if (!anyProjected) return {};  // where all are, "~" still needs saying: a shared table has no key
  return anyMeasured ? "Totals marked ~ are projected from a short run (--time-budget); the others were measured."
                     : "Totals marked ~ are projected from short runs (--time-budget).";
}

}  // namespace tb
