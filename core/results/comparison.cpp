// Comparison rows: from runs and from the seed article's published figures, with speed-ups and
// the figures' formats (comparison_text.cpp writes the rows as CSV or a Markdown table,
// comparison_notes.cpp the notes beside them).
#include "results/comparison.h"

#include "devices/build_info.h"
#include "devices/device_id.h"
#include "engine/precision.h"
#include "machine/speed_switches.h"
#include "models/workload_catalog.h"
#include "results/table_text.h"
#include "stats/summary.h"
#include "telemetry/timeline_summary.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstddef>
#include <map>
#include <set>
#include <tuple>

namespace tb {

namespace {

using table::fixed;

std::optional<double> finiteOrNone(double value) {
  return std::isfinite(value) ? std::optional<double>(value) : std::nullopt;
}

// Mean of the finite values picked from each epoch; absent when there is none. Where their sum
// overflows (hand-edited 1e308s) a running mean takes over: no output may show infinity.
template <typename Pick>
std::optional<double> meanOver(const std::vector<EpochRecord>& epochs, Pick pick) {
  double sum = 0.0;
  double running = 0.0;
  int count = 0;
  for (const auto& epoch : epochs) {
    const double value = pick(epoch);
    if (!std::isfinite(value)) continue;
    sum += value;
    ++count;
    running += (value - running) / count;
  }
  if (count == 0) return std::nullopt;
  return finiteOrNone(std::isfinite(sum) ? sum / count : running);
}


std::string runSize(const std::string& workload, std::int64_t trainSamples,
                    std::int64_t testSamples, int epochs, int batchSize) {
  if (trainSamples <= 0 || epochs <= 0) return {};
  return workload + ", " + std::to_string(trainSamples) + "/" + std::to_string(testSamples) +
         " images x " + std::to_string(epochs) + (epochs == 1 ? " epoch" : " epochs") +
         ", batch " + std::to_string(batchSize);
}

// Images per training step: a data-parallel run's config.batch_size is each rank's, and what it
// trained is its global batch (a strong-scaling run of batch 32 on 2 ranks trained the seed run).
int stepBatch(const RunResult& result) {
  if (result.distributed && result.distributed->globalBatch > 0) {
    return result.distributed->globalBatch;
  }
  return result.config.batchSize;
}

// The size a run's total stands for: the projected full run's when the total is a projection.
std::string resultSize(const RunResult& result) {
  if (const auto& p = result.projection) {
    return runSize(result.workload.name, p->trainSamples, p->testSamples, p->epochs,
                   stepBatch(result));
  }
  return runSize(result.workload.name, result.workload.trainSamples, result.workload.testSamples,
                 result.config.epochs, stepBatch(result));
}

// How many CPU peaks `ranks` CPU ranks on one machine add up to. The recording rank probed the
// peak with its own threads: ranks with a share of the cores each (local ranks get cores / N)
// add their peaks up, ranks that each use every core share one.
int cpuPeaksOf(const RunResult& result, int ranks) {
  const int threads = result.config.threads;
  // Physical cores where known: a hyperthread adds little to a matrix product's peak, and runs
  // split the physical cores between ranks by default.
  const int cores = result.system.physicalCores > 0 ? result.system.physicalCores
                                                    : result.system.logicalCores;
  if (threads <= 0 || cores <= 0) return 1;  // every core, or unknown: one CPU's peak
  return std::clamp(cores / threads, 1, ranks);
}

// The device peaks a run trained on: one, or for a data-parallel run one per distinct host and
// GPU, and per host the CPU shares of its CPU ranks (cpuPeaksOf). The ranks are assumed alike,
// as the probe measured only the recording rank's device.
int devicesOf(const RunResult& result) {
  if (!result.distributed) return 1;
  std::map<std::pair<std::string, std::string>, int> ranksOn;
  for (const auto& rank : result.distributed->ranks) ++ranksOn[{rank.host, rank.device}];
  int devices = 0;
  for (const auto& [where, ranks] : ranksOn) {
    devices += where.second == "cpu" ? cpuPeaksOf(result, ranks) : 1;
  }
  return std::max(1, devices);
}

// What sets a run's speed beyond its settings, for folding and labels: the reference BLAS (other
// libraries, and files from before the BLAS was recorded, fold together), a build without
// optimisation, and the speed switches.
std::string environmentText(const RunResult& result) {
  // The CPU's BLAS, for a CPU run: a GPU's speed owes nothing to it.
  const bool cpu = result.device.kind == "cpu" || result.device.id == "cpu";
  std::string text = cpu && result.system.blas == "reference BLAS" ? "reference BLAS" : "";
  // The steps around the kernels are TrainBench's own code, on every device.
  if (unoptimisedBuild(result.system.build)) {
    text += (text.empty() ? "" : ", ") + std::string("unoptimised build");
  }
  const std::string switches = speedSwitchesText(result.config.environment);
  if (!switches.empty()) text += (text.empty() ? "" : ", ") + switches;
  return text;
}

// "LibTorch 2.7.0, driver 570.86.10, CUDA 12.4, cuDNN 9.1.0, power limit 350 W": what ran the
// kernels (the driver and CUDA libraries only where a GPU did), and the power the GPU was allowed, which an administrator sets as they set
// the driver: one card at two limits trains at two speeds.
std::string platformText(const RunResult& result) {
  std::string text;
  if (!result.system.libtorchVersion.empty()) text = "LibTorch " + result.system.libtorchVersion;
  if (result.device.driverVersion && !result.device.driverVersion->empty()) {
    text += (text.empty() ? "" : ", ") + std::string("driver ") + *result.device.driverVersion;
  }
  // The libraries LibTorch's GPU kernels come from: a LibTorch built against another cuDNN
  // trains a convolution network at another speed.
  for (const auto& [name, version] : {std::pair{"CUDA ", &result.device.cudaRuntime},
                                      std::pair{"cuDNN ", &result.device.cudnnVersion}}) {
    if (*version && !(*version)->empty()) text += (text.empty() ? "" : ", ") + (name + **version);
  }
  if (const auto& watts = result.device.powerLimitW; watts && std::isfinite(*watts)) {
    char limit[48];
    std::snprintf(limit, sizeof limit, "power limit %.0f W", *watts);
    text += (text.empty() ? "" : ", ") + std::string(limit);
  }
  return text;
}

// Rows of unknown size still compare only within their workload.
std::string groupOf(const std::string& workload, const std::string& size) {
  return size.empty() ? workload : size;
}

}  // namespace

bool operator==(const ComparisonRow& a, const ComparisonRow& b) {
  const auto fields = [](const ComparisonRow& row) {
    return std::tie(row.label, row.device, row.machine, row.workload, row.status, row.published,
                    row.totalSeconds, row.meanEpochSeconds, row.samplesPerSecond, row.testAccuracy,
                    row.speedup, row.precision, row.achievedTflops, row.peakTflops, row.efficiency,
                    row.peakRatio, row.size, row.key, row.sources, row.n, row.samplesPerSecondLow,
                    row.samplesPerSecondHigh, row.totalLow, row.totalHigh, row.projected,
                    row.disturbed, row.watched, row.warnings, row.withinNoise, row.group,
                    row.created, row.threads, row.baseline, row.execution, row.optimizer,
                    row.learningRate, row.dataSource, row.dataFingerprint, row.noiseJudged,
                    row.environment, row.error, row.otherMethod, row.platform, row.peakRssMb,
                    row.peakGpuMemoryMb);
  };
  return fields(a) == fields(b);
}

bool operator!=(const ComparisonRow& a, const ComparisonRow& b) { return !(a == b); }

const std::vector<PublishedReference>& publishedReferences() {
  // The seed article's figures (docs/seed-article.md). Only the MLP script printed its accuracy,
  // and only for the RTX 2080 Ti machine; the other accuracies were not published.
  static const std::vector<PublishedReference> references = {
      {"fashion-mlp", "RTX 2080 Ti", "Linux, i7-9700K, 32 GB", 7.78, 0.88, 60000, 10000, 10, 32},
      {"fashion-mlp", "M1 Mac mini", "macOS, M1, 8 GB", 6.70, std::nullopt, 60000, 10000, 10, 32},
      {"cifar10-resnet50", "RTX 2080 Ti", "Linux, i7-9700K, 32 GB", 418.73, std::nullopt, 50000,
       10000, 10, 32},
      {"cifar10-resnet50", "M1 Mac mini", "macOS, M1, 8 GB", 2286.16, std::nullopt, 50000, 10000,
       10, 32},
  };
  return references;
}

std::string withoutTrademarks(std::string name) {
  for (const char* mark : {"(R)", "(r)", "(TM)", "(tm)", "\u00ae", "\u2122"}) {
    const std::string text(mark);
    for (auto at = name.find(text); at != std::string::npos; at = name.find(text, at)) {
      name.erase(at, text.size());
    }
  }
  // The marks' places leave double spaces ("Intel(R) Core(TM) i7" has none, "Core(TM) i7" one).
  for (auto at = name.find("  "); at != std::string::npos; at = name.find("  ", at)) {
    name.erase(at, 1);
  }
  return name;
}

RankDevices rankDevices(const RunResult& result) {
  RankDevices placement;
  if (!result.distributed) return placement;
  std::set<std::string> hosts;
  std::set<std::pair<std::string, std::string>> gpus;
  for (const auto& rank : result.distributed->ranks) {
    hosts.insert(rank.host);
    if (rank.device != "cpu") gpus.insert({rank.host, rank.device});
  }
  placement.gpus = static_cast<int>(gpus.size());
  placement.machines = std::max(1, static_cast<int>(hosts.size()));
  // Only a complete list of ranks can show that they shared (a hand-edited file may hold fewer).
  const auto& d = *result.distributed;
  if (placement.gpus > 0 && placement.gpus < d.worldSize &&
      static_cast<int>(d.ranks.size()) == d.worldSize) {
    std::set<std::string> ids;
    for (const auto& [host, device] : gpus) ids.insert(device);
    for (const std::string& id : ids) {
      placement.sharedIds += (placement.sharedIds.empty() ? "" : ", ") + id;
    }
  }
  return placement;
}

std::string rankDevicesText(const RunResult& result) {
  if (!result.distributed) return {};
  const RankDevices placement = rankDevices(result);
  std::string text = placement.sharedIds.empty() ? "" : "on " + placement.sharedIds;
  if (placement.machines > 1) {
    text += (text.empty() ? "" : " ") + std::string("across ") +
            std::to_string(placement.machines) + " machines";
  }
  return text;
}

std::string deviceLabel(const RunResult& result, bool sayDataSource) {
  std::string label = result.device.id;
  if (parseDeviceKind(result.device.kind) == DeviceKind::Cpu && result.config.threads > 0) {
    label += " (" + std::to_string(result.config.threads) +
             (result.config.threads == 1 ? " thread)" : " threads)");
  }
  // Runs that differ only in precision must not look alike; fp32 is the default and goes unsaid.
  if (!result.config.precision.empty() &&
      parsePrecision(result.config.precision) != Precision::Fp32) {
    label += " " + result.config.precision;
  }
  // Eager is what a plain PyTorch loop does and goes unsaid; graph runs must stand apart.
  if (result.config.execution == "graph") label += " graph";
  // Built-in data trains as fast as the real files but learns nothing a test set can show: its
  // accuracy must not sit unmarked beside the article's.
  if (sayDataSource && result.workload.dataSource == "synthetic") label += " synthetic";
  // A data source this version does not know (a newer writer's): said as written, never taken
  // for the real files.
  const std::string& source = result.workload.dataSource;
  if (sayDataSource && !source.empty() && source != "files" && source != "synthetic") {
    label += " " + source;
  }
  // A data-parallel run is the whole run over its ranks, not one device's.
  if (result.distributed) {
    label += " \u00d7 " + std::to_string(result.distributed->worldSize) + " ranks";
    // Weak scaling is the default and goes unsaid; a strong run split the batch: it is said.
    if (result.distributed->scaling == "strong" && result.distributed->worldSize > 1) {
      label += " (strong)";
    }
    if (const std::string placement = rankDevicesText(result); !placement.empty()) {
      label += " " + placement;
    }
  }
  // Figures measured another way (an older file's) must not sit unmarked beside this
  // version's: the note under the table says how they differ.
  if (result.system.measurementMethod < kMeasurementMethod) label += " (earlier TrainBench)";
  if (result.system.measurementMethod > kMeasurementMethod) label += " (newer TrainBench)";
  if (!result.device.name.empty()) {
    label += kLabelNameSeparator + withoutTrademarks(result.device.name);
  }
  return label;
}

namespace {

// Training FLOPs per sample, for achieved TFLOPS. A preset this version knows (same name and
// parameter count) is counted as this version counts it, so files written before a change in
// the count (2026-12-03: the first layer's input gradient left out) compare on one count.
std::optional<double> countedFlopsPerSample(const WorkloadRecord& workload) {
  static const std::vector<WorkloadInfo> catalog = workloadCatalog();
  for (const auto& preset : catalog) {
    if (preset.name == workload.name && preset.parameters == workload.parameters &&
        preset.flopsPerSample > 0.0) {
      return preset.flopsPerSample;
    }
  }
  if (workload.flopsPerSample && *workload.flopsPerSample > 0.0) return workload.flopsPerSample;
  return std::nullopt;
}

}  // namespace

std::vector<EpochRecord> wholeEpochs(const RunResult& result) {
  std::vector<EpochRecord> epochs = result.epochs;
  if (result.projection && !epochs.empty() && result.workload.trainSamples > 0) {
    // Its throughput counts the images it trained (engine/training_loop.cpp). Data-parallel
    // ranks train only whole steps of all ranks: the rest of the images are left out.
    std::int64_t whole = result.workload.trainSamples;
    if (result.distributed && result.distributed->globalBatch > 0)
      whole = whole / result.distributed->globalBatch * result.distributed->globalBatch;
    const EpochRecord& last = epochs.back();
    const double trained = last.samplesPerSecond * last.seconds;
    if (trained < static_cast<double>(whole) - 0.5) epochs.pop_back();  // a step short is cut
  }
  return epochs;
}

ComparisonRow comparisonRow(const RunResult& result) {
  ComparisonRow row;
  row.device = result.device.id;
  // Names from a shared file reach tables, charts and reports: no control or bidi characters.
  row.label = table::printable(deviceLabel(result));
  row.machine = table::printable(result.system.hostname);
  row.workload = result.workload.name;
  row.status = toString(result.status);
  if (result.status == RunStatus::Failed) row.error = table::printable(result.error);
  if (result.projection) {
    // A run cut short by --time-budget stands for the full run it projects.
    row.projected = true;
    row.totalSeconds = finiteOrNone(result.projection->totalSeconds);
    row.totalLow = finiteOrNone(result.projection->low);
    row.totalHigh = finiteOrNone(result.projection->high);
  } else if (result.totalSeconds) {
    row.totalSeconds = finiteOrNone(*result.totalSeconds);
  }
  row.meanEpochSeconds = meanOver(wholeEpochs(result), [](const EpochRecord& e) { return e.seconds; });
  // The steady state leaves out warm-up (allocation, caches, autotuning): the device's speed.
  // A failed run is no measurement (a diverged one timed steps on NaN weights): no speed.
  if (result.status == RunStatus::Failed) {
    row.samplesPerSecond.reset();
  } else if (hasSteadyState(result)) {
    row.samplesPerSecond = finiteOrNone(result.steadyState->samplesPerSecond);
  } else {
    row.samplesPerSecond =
        meanOver(result.epochs, [](const EpochRecord& e) { return e.samplesPerSecond; });
  }
  // A projected row stands for the full run, but its model trained only for the budget: that
  // accuracy is not the full run's.
  if (result.test && !result.projection) row.testAccuracy = finiteOrNone(result.test->accuracy);
  row.precision = result.config.precision;
  const auto flops = countedFlopsPerSample(result.workload);
  if (flops && row.samplesPerSecond) {
    // Absurd inputs can overflow to infinity: such a figure is absent, never "inf".
    row.achievedTflops = finiteOrNone(*flops * *row.samplesPerSecond / 1e12);
  }
  if (result.device.peak) {
    const auto peak = peakTflopsFor(*result.device.peak, row.precision);
    // A data-parallel run's throughput is all its devices': so is the peak it is measured against.
    if (peak) row.peakTflops = finiteOrNone(*peak * devicesOf(result));
  }
  if (row.achievedTflops && row.peakTflops && *row.peakTflops > 0.0) {
    row.efficiency = finiteOrNone(*row.achievedTflops / *row.peakTflops);
  }
  row.otherMethod = result.system.measurementMethod != kMeasurementMethod;
  const TimelineSummary telemetry = summariseTimeline(result.timeline);
  row.peakRssMb = telemetry.peakRssMb ? finiteOrNone(*telemetry.peakRssMb) : std::nullopt;
  row.peakGpuMemoryMb =
      telemetry.peakGpuMemoryMb ? finiteOrNone(*telemetry.peakGpuMemoryMb) : std::nullopt;
  row.size = resultSize(result);
  row.group = groupOf(row.workload, row.size);
  row.key = foldKey(result);
  row.created = result.created;
  row.threads = result.config.threads;
  row.execution = result.config.execution;
  row.dataSource = table::printable(result.workload.dataSource);
  row.dataFingerprint = table::printable(result.workload.dataFingerprint);
  row.optimizer = table::printable(result.config.optimizer);
  row.environment = table::printable(environmentText(result));
  row.platform = table::printable(platformText(result));
  row.learningRate = finiteOrNone(result.config.learningRate);
  if (result.validity) {
    row.watched = true;
    row.disturbed = result.validity->disturbed;
    for (const auto& text : result.validity->warnings) {
      const std::string warning = table::printable(text);  // it may come from a shared file
      if (std::find(row.warnings.begin(), row.warnings.end(), warning) == row.warnings.end()) {
        row.warnings.push_back(warning);
      }
    }
  }
  return row;
}

std::string foldKey(const RunResult& result) {
  // '|' between the parts: readable in a debugger, and none of them is expected to hold one.
  std::string key = std::string(toString(result.status)) + '|' + result.system.hostname + '|' +
                    result.device.id + '|' + result.device.name + '|' +
                    groupOf(result.workload.name, resultSize(result)) + '|' +
                    result.config.precision + '|' + result.config.execution + '|' +
                    std::to_string(result.config.threads) + '|' +
                    std::to_string(result.distributed ? result.distributed->worldSize : 1) + '|' +
                    rankDevicesText(result) + '|' + std::to_string(stepBatch(result)) + '|' +
                    result.workload.dataSource + '|' + result.workload.dataFingerprint + '|' +
                    (result.projection ? "projected" : "measured");
  // A different optimizer, learning rate or model is another experiment, whatever its speed:
  // its accuracy must not become a repeat's. "%.17g" tells every two doubles apart.
  char learningRate[32];
  std::snprintf(learningRate, sizeof learningRate, "%.17g", result.config.learningRate);
  key += '|' + result.config.optimizer + '|' + learningRate + '|' +
         std::to_string(result.workload.parameters);
  // Two machines of one host name (cloud images are all "ubuntu") are two machines: their CPUs
  // tell them apart, and a GPU run is as fast as its host launches kernels.
  key += '|' + result.system.cpuModel + '|' + std::to_string(result.system.logicalCores);
  // Nor are one host's runs before and after an upgrade of LibTorch or the GPU driver, or at
  // two power limits: each is its own speed, and their median neither's.
  key += '|' + platformText(result);
  // A disturbed run folds only with disturbed ones: it must not widen, or shift, the interval
  // of the quiet runs it sits beside.
  if (result.validity && result.validity->disturbed) key += "|disturbed";
  // Files from before the steady state was recorded give the epochs' mean, warm-up included:
  // another measure, whose median with steady-state figures would be neither.
  if (!hasSteadyState(result)) key += "|epoch mean";
  // Nor do figures of another measurement method (another warm-up rule, GPU steps timed as
  // launched) fold with this one's.
  key += "|method " + std::to_string(result.system.measurementMethod);
  // A CPU run on the reference BLAS is several times slower than one on OpenBLAS, and one under
  // another OpenMP wait policy, channels-last setting or TF32 override is another speed too.
  if (const std::string environment = environmentText(result); !environment.empty()) {
    key += "|" + environment;
  }
  // Only completed runs are repeats of each other; anything else stands alone.
  if (result.status != RunStatus::Completed) key += '|' + result.created;
  return key;
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
  row.size = runSize(reference.workload, reference.trainSamples, reference.testSamples,
                     reference.epochs, reference.batchSize);
  row.group = groupOf(row.workload, row.size);
  row.key = "published:" + reference.workload + ":" + reference.device;
  row.threads = 0;
  return row;
}

bool comparableRows(const ComparisonRow& a, const ComparisonRow& b) {
  if (a.group == b.group) return true;
  return (a.size.empty() || b.size.empty()) && a.workload == b.workload;
}

bool hasTotalInterval(const ComparisonRow& row) {
  return row.totalLow && row.totalHigh && (row.n >= 2 || row.projected);
}

void applySpeedups(std::vector<ComparisonRow>& rows, std::size_t baseline) {
  std::optional<double> base;
  std::optional<double> basePeak;
  std::optional<Interval> baseInterval;
  const ComparisonRow* baseRow = baseline < rows.size() ? &rows[baseline] : nullptr;
  if (baseRow != nullptr) {
    const ComparisonRow& row = *baseRow;
    base = row.totalSeconds;
    basePeak = row.peakTflops;
    if (hasTotalInterval(row) && row.totalSeconds) {
      baseInterval = Interval{*row.totalSeconds, *row.totalLow, *row.totalHigh,
                              static_cast<std::size_t>(std::max(row.n, 1))};
    }
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    ComparisonRow& row = rows[i];
    row.speedup.reset();
    row.peakRatio.reset();
    row.withinNoise = false;
    row.noiseJudged = false;
    // Only a baseline with a total is one: without, no row has a speed-up against it.
    row.baseline = i == baseline && base && *base > 0.0;
    if (baseRow == nullptr || !comparableRows(row, *baseRow)) continue;
    if (base && *base > 0.0 && row.totalSeconds && *row.totalSeconds > 0.0) {
      row.speedup = finiteOrNone(*base / *row.totalSeconds);
      // Two rows whose intervals overlap may differ by chance alone: the speed-up says so
      // rather than passing a 1% difference off as a faster device.
      if (i != baseline && baseInterval && hasTotalInterval(row)) {
        const Interval interval{*row.totalSeconds, *row.totalLow, *row.totalHigh,
                                static_cast<std::size_t>(std::max(row.n, 1))};
        row.withinNoise = overlaps(*baseInterval, interval);
        row.noiseJudged = true;
      }
    }
    if (basePeak && *basePeak > 0.0 && row.peakTflops && *row.peakTflops > 0.0) {
      row.peakRatio = finiteOrNone(*row.peakTflops / *basePeak);
    }
  }
}

}  // namespace tb
