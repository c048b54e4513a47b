// Scaling series and their table (scaling.h).
#include "results/scaling.h"

#include "results/comparison.h"
#include "results/table_text.h"
#include "stats/summary.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <map>

#include <nlohmann/json.hpp>

namespace tb {

namespace {

using table::fixed;

const std::string kEpochMeansPart = ", epoch means (no steady state)";

// The comparison's samples/s (the steady state's where it is a number, else the epochs'
// mean), so a run reads the same in both tables; 0 when it has none.
double throughput(const RunResult& result) {
  const std::optional<double> rate = comparisonRow(result).samplesPerSecond;
  return rate && std::isfinite(*rate) && *rate > 0.0 ? *rate : 0.0;
}

// A series is one configuration on one machine: a laptop's one-rank run is no base for a
// server's two ranks, nor a run on synthetic data for one on the real files, nor an eager run
// for a graph one, one on fewer CPU threads, or one with another optimizer. A disturbed run is
// a series of its own, as in the comparison: it must not shift the quiet runs' medians. A run
// across machines goes by its rank 0's, as a point of its own (ScalingPoint::machines).
std::string seriesTitle(const RunResult& r, const std::string& scaling, int batch,
                        bool markDisturbed = true) {
  std::string machine = r.system.hostname;
  if (!r.device.name.empty()) {
    machine += (machine.empty() ? "" : " ") + std::string("(") + withoutTrademarks(r.device.name) +
               ")";
  }
  const int threads = threadsOnMachine(r);
  std::string title =
      r.workload.name + ", " + std::to_string(r.workload.trainSamples) + " images x " +
      std::to_string(r.config.epochs) + (r.config.epochs == 1 ? " epoch, " : " epochs, ") +
      r.device.kind + " " + r.config.precision +
      (r.config.execution.empty() ? "" : ", " + r.config.execution) +
      (r.device.kind == "cpu" && threads > 0
           ? ", " + std::to_string(threads) + (threads == 1 ? " thread" : " threads")
           : "") +
      ", " + scaling + " scaling, batch " + std::to_string(batch) +
      (scaling == "weak" ? " per rank" : " in all");
  if (!r.config.optimizer.empty()) {
    char learningRate[32];
    std::snprintf(learningRate, sizeof learningRate, "%g", r.config.learningRate);
    title += ", " + r.config.optimizer + " lr " + learningRate;
  }
  title += (machine.empty() ? "" : ", on " + machine) +
           (r.workload.dataSource.empty() ? "" : ", " + r.workload.dataSource + " data");
  if (markDisturbed && r.validity && r.validity->disturbed) title += ", \u26a0 disturbed";
  // Too short for a steady state: its samples/s is the epochs' mean, warm-up included, another
  // measure (as the comparison keeps apart), and a base that can put efficiencies far over 100%.
  if (!hasSteadyState(r)) title += kEpochMeansPart;
  // Ranks that named fewer GPUs than there are ranks are no point on a curve of one GPU per
  // rank, and one rank alone is no base for them: a series of their own, without efficiencies.
  if (const RankDevices placement = rankDevices(r); !placement.sharedIds.empty()) {
    title += ", ranks on " + placement.sharedIds;
  }
  return title;
}

}  // namespace

int threadsOnMachine(const RunResult& r) {
  if (!r.distributed) return r.config.threads;
  const auto& ranks = r.distributed->ranks;
  const auto local = ranks.empty()
                         ? std::int64_t{r.distributed->worldSize}
                         : std::count_if(ranks.begin(), ranks.end(), [&](const RankRecord& rank) {
                             return rank.host == ranks[0].host;
                           });
  // In 64 bits, capped: a shared file's threads and ranks (each as large as an int) would
  // overflow their product.
  const std::int64_t threads = std::int64_t{r.config.threads} * local;
  return static_cast<int>(std::min<std::int64_t>(threads, std::numeric_limits<int>::max()));
}

std::vector<std::string> shortSeriesNames(const std::vector<ScalingSeries>& series) {
  const auto partsOf = [](const std::string& title) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (auto comma = title.find(", "); comma != std::string::npos;
         comma = title.find(", ", start)) {
      parts.push_back(title.substr(start, comma - start));
      start = comma + 2;
    }
    parts.push_back(title.substr(start));
    return parts;
  };
  std::vector<std::vector<std::string>> parts;
  for (const auto& one : series) parts.push_back(partsOf(one.title));
  std::vector<std::string> names;
  for (std::size_t s = 0; s < series.size(); ++s) {
    std::string name;
    for (const std::string& part : parts[s]) {
      const bool shared = std::all_of(parts.begin(), parts.end(), [&](const auto& other) {
        return std::find(other.begin(), other.end(), part) != other.end();
      });
      if (!shared) name += (name.empty() ? "" : ", ") + part;
    }
    names.push_back(name.empty() ? series[s].title : name);
  }
  return names;
}

std::vector<ScalingSeries> scalingSeries(const std::vector<RunResult>& results) {
  // title -> (world size, machines) -> throughputs; titles in order of first appearance.
  std::map<std::string, std::map<std::pair<int, int>, std::vector<double>>> byTitle;
  std::vector<std::string> order;
  std::map<std::string, bool> hasDistributed;
  // Quiet title -> one-rank runs of it that were disturbed: a series of their own, without a
  // data-parallel run, so not shown; the quiet series says why it has no base.
  std::map<std::string, int> disturbedSingles;
  const auto add = [&](const std::string& title, int world, int machines, double value,
                       bool distributed) {
    if (byTitle.count(title) == 0) order.push_back(title);
    byTitle[title][{world, machines}].push_back(value);
    hasDistributed[title] = hasDistributed[title] || distributed;
  };
  for (const RunResult& r : results) {
    if (r.status != RunStatus::Completed) continue;
    const double value = throughput(r);
    if (value <= 0.0) continue;
    if (const auto& d = r.distributed) {
      const int batch = d->scaling == "weak" ? r.config.batchSize : d->globalBatch;
      add(seriesTitle(r, d->scaling, batch), d->worldSize, rankDevices(r).machines, value,
          d->worldSize > 1);
    } else {
      add(seriesTitle(r, "weak", r.config.batchSize), 1, 1, value, false);
      add(seriesTitle(r, "strong", r.config.batchSize), 1, 1, value, false);
    }
    const bool oneRank = !r.distributed || r.distributed->worldSize == 1;
    if (oneRank && r.validity && r.validity->disturbed) {
      for (const char* scaling : {"weak", "strong"}) {
        ++disturbedSingles[seriesTitle(r, scaling, r.config.batchSize, false)];
      }
    }
  }
  std::vector<ScalingSeries> series;
  for (const std::string& title : order) {
    if (!hasDistributed[title]) continue;
    ScalingSeries one{title, {}, title.find(kEpochMeansPart) != std::string::npos, 0};
    std::optional<double> single;
    for (const auto& [place, values] : byTitle[title]) {
      const auto [world, machines] = place;
      ScalingPoint point{world, machines, *median(values), static_cast<int>(values.size()),
                         std::nullopt};
      if (world == 1 && machines == 1) single = point.samplesPerSecond;
      // Values from a shared file can be huge: no "inf" ideal, no 0% efficiency from it.
      const double ideal = single ? world * *single : 0.0;
      if (ideal > 0.0 && std::isfinite(ideal)) point.efficiency = point.samplesPerSecond / ideal;
      one.points.push_back(point);
    }
    if (!single) one.disturbedOneRankRuns = disturbedSingles[title];
    series.push_back(one);
  }
  return series;
}

std::string scalingText(const std::vector<ScalingSeries>& series) {
  std::string text;
  for (const ScalingSeries& one : series) {
    // Titles carry host and device names from the files: no control characters or table breaks.
    text += "### " + table::markdownCell(one.title) + "\n\n| Ranks | Samples/s | Ideal | Efficiency | Runs |\n"
            "|---:|---:|---:|---:|---:|\n";
    const std::optional<double> single =
        one.points.front().worldSize == 1 ? std::optional<double>(one.points.front().samplesPerSecond)
                                          : std::nullopt;
    // The comparison's decimals, from the one-rank figure: a CPU's few images/s of ResNet-50
    // read "3 | 3" and "6 | 7" beside an efficiency of 89.7%.
    const int decimals = throughputDecimals(single ? *single : one.points.front().samplesPerSecond);
    for (const ScalingPoint& point : one.points) {
      text += "| " + std::to_string(point.worldSize) +
              (point.machines > 1 ? " (" + std::to_string(point.machines) + " machines)" : "") +
              " | " +
              fixed(point.samplesPerSecond, decimals) + " | " +
              (single && std::isfinite(*single * point.worldSize)
                   ? fixed(*single * point.worldSize, decimals)
                   : std::string("n/a")) +
              " | " +
              (point.efficiency ? fixed(100.0 * *point.efficiency, 1) + "%" : std::string("n/a")) +
              " | " + std::to_string(point.runs) + " |\n";
    }
    if (!single && one.disturbedOneRankRuns > 0) {
      text += "\nNo quiet one-rank run of this configuration (" +
              std::to_string(one.disturbedOneRankRuns) +
              " disturbed, left out as the comparison keeps it apart): efficiency needs one; run "
              "it again on a quiet machine.\n";
    } else if (!single) {
      text += "\nNo one-rank run of this configuration: efficiency needs one.\n";
    }
    if (one.epochMeans) {
      text += "\nThese runs were too short for a steady state: their samples/s are the epochs' "
              "means, warm-up included, and efficiencies from them can be far off (even over "
              "100%). Train more steps for a scaling figure.\n";
    }
    text += "\n";
  }
  if (series.empty()) text = "No completed data-parallel runs among these results.\n";
  return text;
}

std::string scalingJson(const std::vector<ScalingSeries>& series, int indent) {
  using Json = nlohmann::ordered_json;
  const auto number = [](std::optional<double> value) {
    return value && std::isfinite(*value) ? Json(*value) : Json(nullptr);
  };
  Json list = Json::array();
  for (const ScalingSeries& one : series) {
    // 0 without a one-rank point (every point's samples/s is above 0).
    const double single =
        one.points.front().worldSize == 1 ? one.points.front().samplesPerSecond : 0.0;
    Json points = Json::array();
    for (const ScalingPoint& point : one.points) {
      Json entry;
      entry["world_size"] = point.worldSize;
      entry["machines"] = point.machines;
      entry["samples_per_second"] = number(point.samplesPerSecond);
      entry["ideal_samples_per_second"] =
          number(single > 0.0 ? std::optional<double>(single * point.worldSize) : std::nullopt);
      entry["efficiency"] = number(point.efficiency);
      entry["runs"] = point.runs;
      points.push_back(std::move(entry));
    }
    Json entry;
    entry["title"] = one.title;
    entry["points"] = std::move(points);
    entry["disturbed_one_rank_runs"] = one.disturbedOneRankRuns;
    list.push_back(std::move(entry));
  }
  // Names from shared files may hold invalid UTF-8: replaced, never an exception.
  return list.dump(indent, ' ', false, Json::error_handler_t::replace);
}

}  // namespace tb
