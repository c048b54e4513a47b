// Grouping, folding and labelling of comparison rows (comparison_groups.h); the grouped Markdown
// and JSON outputs are in comparison_groups_text.cpp.
#include "results/comparison_groups.h"

#include "results/created_time.h"
#include "results/table_text.h"
#include "stats/summary.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cctype>
#include <ctime>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

namespace tb {

namespace {

// The finite values of one optional field over `rows`.
std::vector<double> valuesOf(const std::vector<ComparisonRow>& rows,
                             std::optional<double> ComparisonRow::*field) {
  std::vector<double> values;
  for (const auto& row : rows) {
    const auto& value = row.*field;
    if (value && std::isfinite(*value)) values.push_back(*value);
  }
  return values;
}

// A 95% interval of a positive quantity: a t interval of two or three noisy runs can reach below
// zero, which no time or throughput can.
void setInterval(const std::vector<double>& values, std::optional<double>& low,
                 std::optional<double>& high) {
  low.reset();
  high.reset();
  if (values.size() < 2) return;
  const auto interval = confidenceInterval(values);
  if (!interval || !std::isfinite(interval->low) || !std::isfinite(interval->high)) return;
  low = std::max(0.0, interval->low);
  high = interval->high;
}

void addWarnings(std::vector<std::string>& warnings, const std::vector<std::string>& more) {
  for (const auto& warning : more) {
    if (std::find(warnings.begin(), warnings.end(), warning) == warnings.end()) {
      warnings.push_back(warning);
    }
  }
}

// "2026-12-02T10:31:05Z" in this machine's local time, as the charts' legends and History show
// it: "2026-12-02 11:31" in Paris (or with seconds). Other text as it is.
std::string dateTime(const std::string& created, bool seconds) {
  const std::optional<std::time_t> time = createdSeconds(created);
  std::tm local{};
  if (!time || localtime_r(&*time, &local) == nullptr) return created;
  std::array<char, 32> text{};
  const char* format = seconds ? "%Y-%m-%d %H:%M:%S" : "%Y-%m-%d %H:%M";
  if (std::strftime(text.data(), text.size(), format, &local) == 0) return created;
  return text.data();
}

// The rows of `rows` (pointers into one or more vectors) grouped by their current label, for the
// labels that more than one row shares.
std::vector<std::vector<ComparisonRow*>> alike(const std::vector<ComparisonRow*>& rows) {
  std::map<std::string, std::vector<ComparisonRow*>> byLabel;
  std::vector<std::string> order;
  for (ComparisonRow* row : rows) {
    auto& list = byLabel[row->label];
    if (list.empty()) order.push_back(row->label);
    list.push_back(row);
  }
  std::vector<std::vector<ComparisonRow*>> sets;
  for (const auto& label : order) {
    if (byLabel[label].size() > 1) sets.push_back(byLabel[label]);
  }
  return sets;
}

// "reference BLAS, OMP_WAIT_POLICY=passive" (or "LibTorch 2.7.0, driver 570.86.10") as its parts.
std::vector<std::string> environmentParts(const std::string& environment) {
  std::vector<std::string> parts;
  for (std::size_t start = 0; start < environment.size();) {
    const std::size_t comma = environment.find(", ", start);
    parts.push_back(environment.substr(start, comma - start));
    start = comma == std::string::npos ? environment.size() : comma + 2;
  }
  return parts;
}

// Appends " · <part>" to the rows of a set of alike labels where the parts tell them apart.
template <typename Part>
void appendWhereItHelps(const std::vector<ComparisonRow*>& set, Part part) {
  std::set<std::string> distinct;
  for (const ComparisonRow* row : set) distinct.insert(part(*row));
  if (distinct.size() < 2) return;
  for (ComparisonRow* row : set) {
    const std::string text = part(*row);
    if (!text.empty()) row->label += kLabelPartSeparator + text;
  }
}

// Appends the parts of `field` (", "-joined) that not every row of the set has: a switch every
// run here was under, or a LibTorch they all had, says nothing.
void appendDifferingParts(const std::vector<ComparisonRow*>& set,
                          std::string ComparisonRow::*field) {
  std::map<std::string, std::size_t> seen;
  for (const ComparisonRow* row : set) {
    for (const auto& part : environmentParts(row->*field)) ++seen[part];
  }
  appendWhereItHelps(set, [&seen, &set, field](const ComparisonRow& row) {
    std::string differing;
    for (const auto& part : environmentParts(row.*field)) {
      if (seen[part] < set.size()) differing += (differing.empty() ? "" : ", ") + part;
    }
    return differing;
  });
}

void distinguish(const std::vector<ComparisonRow*>& rows) {
  // What the runs trained with comes first: "cpu · lr 0.01" says why two rows differ, where the
  // date would only say when.
  for (const auto& set : alike(rows)) {
    appendWhereItHelps(set, [](const ComparisonRow& row) { return row.optimizer; });
  }
  for (const auto& set : alike(rows)) {
    appendWhereItHelps(set, [](const ComparisonRow& row) {
      return row.learningRate ? "lr " + table::shortNumber(*row.learningRate) : std::string();
    });
  }
  for (const auto& set : alike(rows)) {
    appendDifferingParts(set, &ComparisonRow::environment);
  }
  // Two sets of custom files of one size: "cpu custom files · crc32 0a1b2c3d".
  for (const auto& set : alike(rows)) {
    appendWhereItHelps(set, [](const ComparisonRow& row) { return row.dataFingerprint; });
  }
  for (const auto& set : alike(rows)) {
    appendWhereItHelps(set, [](const ComparisonRow& row) { return row.machine; });
  }
  // One host before and after an upgrade: "LibTorch 2.7.0", or the driver or the power limit,
  // where they differ.
  for (const auto& set : alike(rows)) {
    appendDifferingParts(set, &ComparisonRow::platform);
  }
  for (const auto& set : alike(rows)) {
    // To the minute reads best; seconds only where two runs started within one minute.
    std::set<std::string> minutes;
    for (const ComparisonRow* row : set) minutes.insert(dateTime(row->created, false));
    const bool seconds = minutes.size() < set.size();
    appendWhereItHelps(
        set, [seconds](const ComparisonRow& row) { return dateTime(row.created, seconds); });
  }
  // Nothing else tells them apart (same machine, same second): number them. Rows of different
  // groups are told apart by their group's heading already.
  for (const auto& set : alike(rows)) {
    std::map<std::string, int> seen;
    for (ComparisonRow* row : set) {
      const int number = ++seen[row->group];
      if (number > 1) row->label += " (" + std::to_string(number) + ")";
    }
  }
}

std::size_t chooseBaseline(const std::vector<ComparisonRow>& rows,
                           const std::optional<std::string>& baselineKey) {
  // A total of 0 (a clock too coarse, a hand-made file) or none (a failed run) can be no one's
  // baseline, not even a chosen one: every speed-up against it would be blank.
  const auto hasTotal = [](const ComparisonRow& row) {
    return row.totalSeconds && *row.totalSeconds > 0.0;
  };
  if (baselineKey) {
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (rows[i].key == *baselineKey && hasTotal(rows[i])) return i;
    }
  }
  // A disturbed row measured the machine's other work as well: every speed-up against it would
  // carry that, so a quiet one is the baseline where there is one.
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].status == "completed" && hasTotal(rows[i]) && !rows[i].disturbed) return i;
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].status == "completed" && hasTotal(rows[i])) return i;
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (hasTotal(rows[i])) return i;
  }
  return 0;
}

}  // namespace

ComparisonRow foldRows(const std::vector<ComparisonRow>& runs) {
  if (runs.empty()) return {};
  if (runs.size() == 1) return runs.front();
  ComparisonRow row = runs.front();  // device, machine, workload, size, precision: all alike
  row.n = static_cast<int>(runs.size());
  row.sources.clear();
  row.warnings.clear();
  row.disturbed = false;
  row.watched = false;
  for (const auto& run : runs) {
    row.sources.insert(row.sources.end(), run.sources.begin(), run.sources.end());
    row.disturbed = row.disturbed || run.disturbed;
    row.watched = row.watched || run.watched;
    addWarnings(row.warnings, run.warnings);
    if (!run.created.empty() && (row.created.empty() || createdBefore(run.created, row.created))) {
      row.created = run.created;
    }
  }
  row.created = createdUtc(row.created);
  // Medians: one run slowed by a background job moves them less than it moves a mean.
  row.meanEpochSeconds = median(valuesOf(runs, &ComparisonRow::meanEpochSeconds));
  row.testAccuracy = median(valuesOf(runs, &ComparisonRow::testAccuracy));
  row.achievedTflops = median(valuesOf(runs, &ComparisonRow::achievedTflops));
  row.peakTflops = median(valuesOf(runs, &ComparisonRow::peakTflops));
  // Memory: the largest any repeat took, the figure that says whether the workload fits.
  for (auto field : {&ComparisonRow::peakRssMb, &ComparisonRow::peakGpuMemoryMb}) {
    const auto values = valuesOf(runs, field);
    row.*field = values.empty() ? std::nullopt
                                : std::optional<double>(*std::max_element(values.begin(), values.end()));
  }
  row.efficiency.reset();
  if (row.achievedTflops && row.peakTflops && *row.peakTflops > 0.0) {
    const double efficiency = *row.achievedTflops / *row.peakTflops;
    // A denormal peak in a hand-made file would make it infinite: absent, never "inf".
    if (std::isfinite(efficiency)) row.efficiency = efficiency;
  }
  const auto throughputs = valuesOf(runs, &ComparisonRow::samplesPerSecond);
  row.samplesPerSecond = median(throughputs);
  setInterval(throughputs, row.samplesPerSecondLow, row.samplesPerSecondHigh);
  const auto totals = valuesOf(runs, &ComparisonRow::totalSeconds);
  row.totalSeconds = median(totals);
  if (totals.size() >= 2) {
    setInterval(totals, row.totalLow, row.totalHigh);
  } else {
    // One total among the runs: its own interval (a projection's) is all there is.
    row.totalLow.reset();
    row.totalHigh.reset();
    for (const auto& run : runs) {
      if (run.totalSeconds) {
        row.totalLow = run.totalLow;
        row.totalHigh = run.totalHigh;
      }
    }
  }
  row.speedup.reset();
  row.peakRatio.reset();
  row.withinNoise = false;
  row.noiseJudged = false;
  return row;
}

std::vector<ComparisonGroup> buildComparison(const std::vector<RunResult>& results,
                                             const ComparisonOptions& options) {
  std::vector<ComparisonGroup> groups;
  // Per group, per row: the single-run rows it folds.
  std::vector<std::vector<std::vector<ComparisonRow>>> members;
  std::map<std::string, std::size_t> groupIndex;
  std::map<std::string, std::pair<std::size_t, std::size_t>> rowIndex;  // key -> (group, row)
  std::set<std::string> keys;

  for (std::size_t i = 0; i < results.size(); ++i) {
    ComparisonRow run = comparisonRow(results[i]);
    run.sources = {i};
    auto [groupAt, newGroup] = groupIndex.emplace(run.group, groups.size());
    const std::size_t g = groupAt->second;
    if (newGroup) {
      ComparisonGroup group;
      group.key = run.group;
      group.workload = run.workload;
      group.size = run.size;
      groups.push_back(std::move(group));
      members.emplace_back();
    }
    if (results[i].status == RunStatus::Completed) {
      const auto found = rowIndex.find(run.key);
      if (found != rowIndex.end()) {
        members[found->second.first][found->second.second].push_back(std::move(run));
        continue;
      }
    }
    // A key stays unique even for two failed runs that started in the same second.
    std::string key = run.key;
    for (int copy = 2; keys.count(key) > 0; ++copy) key = run.key + "#" + std::to_string(copy);
    run.key = key;
    keys.insert(key);
    rowIndex.emplace(key, std::make_pair(g, members[g].size()));
    members[g].push_back({std::move(run)});
  }

  for (std::size_t g = 0; g < groups.size(); ++g) {
    for (const auto& runs : members[g]) groups[g].rows.push_back(foldRows(runs));
  }

  if (options.includePublished) {
    // The seed's figures join the runs of their size; else runs of unknown size of their
    // workload (which compare within it); else, where the workload is shown at all, they stand as
    // a group of their own, so ticking "published" always shows them but never compares them.
    for (const PublishedReference& reference : publishedReferences()) {
      ComparisonRow row = comparisonRow(reference);
      auto found = groupIndex.find(row.group);
      if (found == groupIndex.end()) found = groupIndex.find(row.workload);
      if (found == groupIndex.end()) {
        const bool workloadShown = std::any_of(groups.begin(), groups.end(), [&](const auto& g) {
          return g.workload == row.workload;
        });
        if (!workloadShown) continue;
        ComparisonGroup group;
        group.key = row.group;
        group.workload = row.workload;
        group.size = row.size;
        found = groupIndex.emplace(row.group, groups.size()).first;
        groups.push_back(std::move(group));
      }
      // Their group is the one they joined (a workload's runs of unknown size, say): the rows
      // of one comparison share its key, which front ends group their tables by.
      row.group = groups[found->second].key;
      groups[found->second].rows.push_back(std::move(row));
    }
  }

  for (ComparisonGroup& group : groups) {
    group.baseline = chooseBaseline(group.rows, options.baselineKey);
    applySpeedups(group.rows, group.baseline);
    for (std::string note :
         {projectionNote(group.rows), methodNote(group.rows), publishedNote(group.rows),
          efficiencyNote(group.rows)}) {
      if (!note.empty()) group.notes.push_back(std::move(note));
    }
  }
  distinguishLabels(groups);
  return groups;
}

void distinguishLabels(std::vector<ComparisonRow>& rows) {
  std::vector<ComparisonRow*> pointers;
  for (auto& row : rows) pointers.push_back(&row);
  distinguish(pointers);
}

void distinguishLabels(std::vector<ComparisonGroup>& groups) {
  std::vector<ComparisonRow*> pointers;
  for (auto& group : groups) {
    for (auto& row : group.rows) pointers.push_back(&row);
  }
  distinguish(pointers);
}

}  // namespace tb
