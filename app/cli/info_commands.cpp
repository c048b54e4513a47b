#include "info_commands.h"

#include "exit_codes.h"
#include "json_values.h"

#include "data/dataset_registry.h"
#include "devices/blas_library.h"
#include "devices/cuda_libraries.h"
#include "devices/cuda_memory.h"
#include "devices/device_facts.h"
#include "devices/device_id.h"
#include "devices/system_info.h"
#include "engine/precision.h"
#include "machine/speed_switches.h"
#include "models/workload.h"
#include "results/comparison.h"
#include "results/result_file.h"
#include "results/table_text.h"
#include "results/trust_text.h"
#include "telemetry/timeline_summary.h"
#include "util/text.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

namespace tb::cli {

namespace {

std::string orNa(const std::optional<double>& value, const char* format) {
  // NaN: a file's null where a number belongs (an earlier version saved a NaN test loss so).
  if (!value || !std::isfinite(*value)) return "n/a";
  // Sized by a first call: "%.0f" of 1e40 takes 41 characters, and a cut figure reads wrong.
  const int length = std::snprintf(nullptr, 0, format, *value);
  if (length < 0) return "n/a";
  std::string text(static_cast<std::size_t>(length) + 1, '\0');
  std::snprintf(text.data(), text.size(), format, *value);
  text.resize(static_cast<std::size_t>(length));
  return text;
}

// The run's telemetry in one line: what kept the machine and the device busy, and the memory
// it took. Nothing where nothing was sampled.
void printUtilisation(const std::vector<TelemetrySample>& timeline) {
  const TimelineSummary summary = summariseTimeline(timeline);
  std::vector<std::string> parts;
  if (summary.machineCpuPercent) parts.push_back("machine CPU " + orNa(summary.machineCpuPercent, "%.0f%%"));
  if (summary.processCpuPercent) {
    parts.push_back("this process " + orNa(summary.processCpuPercent, "%.0f%%") + " (100% a core)");
  }
  if (summary.gpuUtilPercent) parts.push_back("GPU busy " + orNa(summary.gpuUtilPercent, "%.0f%%"));
  std::string line = parts.empty() ? "" : "mean use: " + joined(parts);
  std::vector<std::string> peaks;
  if (summary.peakRssMb) peaks.push_back("process " + orNa(summary.peakRssMb, "%.0f MiB"));
  if (summary.peakGpuMemoryMb) peaks.push_back("GPU " + orNa(summary.peakGpuMemoryMb, "%.0f MiB"));
  if (!peaks.empty()) line += (line.empty() ? "" : "; ") + std::string("peak memory: ") + joined(peaks);
  if (!line.empty()) std::printf("%s\n", line.c_str());
}

// The device's facts and measured peak, and the run's achieved TFLOPS and efficiency.
void printDeviceFigures(const RunResult& result) {
  const DeviceRecord& device = result.device;
  const ComparisonRow row = comparisonRow(result);
  std::printf("precision %s", result.config.precision.c_str());
  if (device.computeCapability) std::printf("; compute %s", device.computeCapability->c_str());
  if (device.driverVersion) std::printf("; driver %s", device.driverVersion->c_str());
  if (device.cudaRuntime) std::printf("; CUDA %s", device.cudaRuntime->c_str());
  if (device.cudnnVersion) std::printf("; cuDNN %s", device.cudnnVersion->c_str());
  if (device.memoryMb) std::printf("; %.1f GiB", *device.memoryMb / 1024.0);
  if (device.powerLimitW) std::printf("; power limit %.0f W", *device.powerLimitW);
  std::printf("\n");
  if (device.peak) {
    const auto tflops = [](const std::optional<double>& value) {
      return value ? formatTflops(*value) : std::string("n/a");
    };
    std::printf("measured peak: fp32 %s, tf32 %s, bf16 %s, fp16 %s TFLOPS; copy %s GB/s\n",
                tflops(device.peak->fp32Tflops).c_str(), tflops(device.peak->tf32Tflops).c_str(),
                tflops(device.peak->bf16Tflops).c_str(), tflops(device.peak->fp16Tflops).c_str(),
                orNa(device.peak->bandwidthGbs, "%.0f").c_str());
  }
  std::printf("achieved %s TFLOPS, efficiency %s\n",
              row.achievedTflops ? formatTflops(*row.achievedTflops).c_str() : "n/a",
              row.efficiency ? formatEfficiency(*row.efficiency).c_str() : "n/a");
}

}  // namespace

int devicesCommand(bool json) {
  const SystemRecord system = collectSystemInfo();
  std::vector<DeviceFacts> devices;
  for (const auto& id : availableDevices()) devices.push_back(deviceFacts(parseDeviceId(id)));
  const auto precisionsOf = [](const DeviceFacts& facts) {
    std::vector<std::string> names;
    for (const auto precision : supportedPrecisions(facts.id, facts.computeCapability)) {
      names.emplace_back(toString(precision));
    }
    return names;
  };
  const auto unusable = gpusThisBuildCannotUse();
  if (json) {
    auto list = nlohmann::json::array();
    for (const auto& facts : devices) {
      nlohmann::json entry{
          {"id", facts.id.str()}, {"kind", toString(facts.id.kind)}, {"name", facts.name}};
      if (facts.id.kind == DeviceKind::Cpu) {
        entry["physical_cores"] = system.physicalCores;
        entry["logical_cores"] = system.logicalCores;
        // The library behind the CPU's matrix products: the reference BLAS is ~6x slower.
        entry["blas"] = orNull(system.blas);
      }
      entry["memory_mb"] = orNull(facts.memoryMb);
      if (facts.id.kind == DeviceKind::Cuda) {
        entry["compute_capability"] = orNull(facts.computeCapability);
        entry["driver_version"] = orNull(facts.driverVersion);
        entry["cuda_runtime"] = orNull(cudaLibraries().runtime);
        entry["cudnn_version"] = orNull(cudaLibraries().cudnn);
        entry["power_limit_w"] = orNull(facts.powerLimitW);
        entry["pci_bus_id"] = orNull(facts.pciBusId);
        entry["telemetry"] = facts.nvmlIndex.has_value();
      }
      entry["precisions"] = precisionsOf(facts);
      if (!facts.note.empty()) entry["note"] = facts.note;
      list.push_back(entry);
    }
    std::printf("%s\n", list.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    return kExitOk;
  }
  std::printf("%-8s %-6s %-21s %s\n", "ID", "KIND", "PRECISIONS", "NAME");
  std::vector<std::string> notes;
  for (const auto& facts : devices) {
    std::string name = facts.name;
    const auto gib = [](const std::optional<double>& mb) {
      return orNa(mb ? std::optional<double>(*mb / 1024.0) : std::nullopt, "%.1f") + " GiB";
    };
    if (facts.id.kind == DeviceKind::Cpu) {
      name += " (" + std::to_string(system.physicalCores) + " cores, " +
              std::to_string(system.logicalCores) + " threads, " + gib(system.memoryMb) + ")";
    } else if (facts.id.kind == DeviceKind::Cuda) {
      name += " (" + gib(facts.memoryMb) + ", compute " + facts.computeCapability.value_or("n/a") +
              ", driver " + facts.driverVersion.value_or("n/a") +
              (facts.powerLimitW ? ", power limit " + orNa(facts.powerLimitW, "%.0f") + " W" : "") +
              ")";
    }
    std::string precisions;
    for (const auto& precision : precisionsOf(facts)) {
      precisions += (precisions.empty() ? "" : ",") + precision;
    }
    std::printf("%-8s %-6s %-21s %s\n", facts.id.str().c_str(), toString(facts.id.kind),
                precisions.c_str(), name.c_str());
    if (!facts.note.empty()) notes.push_back(facts.id.str() + ": " + facts.note);
  }
  for (const auto& name : unusable) {
    notes.push_back(name + ": seen by the NVIDIA driver, but this LibTorch build has no CUDA");
  }
  if (!notes.empty()) std::printf("\n");
  for (const auto& note : notes) std::printf("%s\n", note.c_str());
  const CudaLibraries cuda = cudaLibraries();
  const std::string withCuda =
      " with CUDA" + (cuda.runtime ? " " + *cuda.runtime : std::string()) +
      (cuda.cudnn ? " and cuDNN " + *cuda.cudnn : std::string());
  std::printf("\nLibTorch %s%s; CPU BLAS: %s; data folder %s\n", system.libtorchVersion.c_str(),
              builtWithCuda() ? withCuda.c_str() : " (CPU only)",
              system.blas.empty() ? "not found" : system.blas.c_str(), defaultDataRoot().c_str());
  if (const std::string warning = referenceBlasWarning(loadedBlasLibrary()); !warning.empty()) {
    std::printf("warning: %s\n", warning.c_str());
  }
  return kExitOk;
}

int workloadsCommand(bool json) {
  if (json) {
    auto list = nlohmann::json::array();
    for (const auto& spec : knownWorkloads()) {
      // Training FLOPs per sample, as in result files; null where not known.
      const auto flops =
          spec.flopsPerSample > 0 ? nlohmann::json(spec.flopsPerSample) : nlohmann::json();
      list.push_back({{"name", spec.name}, {"title", spec.title},
                      {"description", spec.description}, {"dataset", spec.dataset},
                      {"parameters", spec.parameters}, {"flops_per_sample", flops},
                      {"epochs", spec.defaultEpochs},
                      {"batch_size", spec.defaultBatchSize}, {"learning_rate", spec.learningRate}});
    }
    std::printf("%s\n", list.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    return kExitOk;
  }
  // GFLOP per training sample (forward + backward): what one image costs the device.
  std::printf("%-16s %-14s %12s %13s %7s %6s  %s\n", "NAME", "DATASET", "PARAMETERS",
              "GFLOP/SAMPLE", "EPOCHS", "BATCH", "TITLE");
  for (const auto& spec : knownWorkloads()) {
    const auto gflop = spec.flopsPerSample > 0 ? std::optional<double>(spec.flopsPerSample / 1e9)
                                               : std::nullopt;
    std::printf("%-16s %-14s %12lld %13s %7d %6d  %s\n", spec.name.c_str(), spec.dataset.c_str(),
                static_cast<long long>(spec.parameters), orNa(gflop, "%.4g").c_str(),
                spec.defaultEpochs, spec.defaultBatchSize, spec.title.c_str());
  }
  return kExitOk;
}

// Every setting that changes the training, so a run can be told apart and run again: two runs
// of other learning rates, or a data-parallel run and one process at its per-rank batch, read
// the same.
static void printSettings(const RunResult& result) {
  const ConfigRecord& c = result.config;
  std::string threads = c.threads > 0 ? std::to_string(c.threads) : std::string("default");
  threads += c.threads == 1 ? " thread" : " threads";
  std::printf("settings: %d %s, batch %d, %s lr %s, seed %llu, %s, %s, %s\n", c.epochs,
              c.epochs == 1 ? "epoch" : "epochs", c.batchSize,
              c.optimizer.empty() ? "n/a" : c.optimizer.c_str(),
              table::shortNumber(c.learningRate).c_str(), static_cast<unsigned long long>(c.seed),
              threads.c_str(), c.precision.empty() ? "n/a" : c.precision.c_str(),
              c.execution.c_str());
  if (!c.executionFallback.empty()) std::printf("  graph mode fell back: %s\n", c.executionFallback.c_str());
  if (!c.environment.empty()) {
    std::printf("environment: %s\n", speedSwitchesText(c.environment).c_str());
  }
  if (const auto& d = result.distributed) {
    std::printf("data-parallel: %d ranks (%s), %s scaling, global batch %d; batch and threads "
                "above are each rank's\n",
                d->worldSize, d->backend.c_str(), d->scaling.c_str(), d->globalBatch);
    for (const RankRecord& rank : d->ranks) std::printf("  %s\n", rankText(rank).c_str());
  }
}

// Steady state, projection, repeat group and validity, where the result has them.
static void printTrustBlocks(const RunResult& result) {
  // As `run` said them when it saved the file.
  if (const auto& s = result.steadyState) std::printf("steady state: %s\n", steadyStateText(*s).c_str());
  if (const auto& p = result.projection) {
    std::printf("projected full run %s\n", projectionText(*p).c_str());
  }
  if (!result.group.empty()) std::printf("repeat group: %s\n", result.group.c_str());
  if (const auto& v = result.validity) {
    std::printf("validity: %s\n", v->disturbed ? "disturbed" : "no disturbance seen");
    for (const auto& warning : v->warnings) std::printf("  warning: %s\n", warning.c_str());
  }
}

int showCommand(const std::string& path, bool json) {
  RunResult result;
  try {
    result = readResultFile(path);
  } catch (const ResultFileError& e) {
    // The message quotes the file's name: a bidi control or line break in it must not reorder or
    // split the line (as compare's messages do not).
    std::fprintf(stderr, "trainbench-cli: error: %s\n", table::printable(e.what()).c_str());
    return kExitData;
  }
  if (json) {
    // The file as it is, once it has been read as a result: written again from what this
    // version knows, it lost a newer version's keys.
    std::ifstream in(path, std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in && !in.eof()) {
      std::fprintf(stderr, "trainbench-cli: error: %s: cannot read: %s\n",
                   table::printable(path).c_str(), std::strerror(errno));
      return kExitData;
    }
    // A byte-order mark (an editor's) is no JSON: Python's json.load refuses the output.
    const std::string_view bom = "\xEF\xBB\xBF";
    const std::string_view shown =
        std::string_view(text).substr(text.compare(0, bom.size(), bom) == 0 ? bom.size() : 0);
    std::fwrite(shown.data(), 1, shown.size(), stdout);
    if (shown.empty() || shown.back() != '\n') std::fputc('\n', stdout);
    return kExitOk;
  }
  result = withPrintableText(std::move(result));
  std::printf("%s on %s (%s), %s\n", result.workload.name.c_str(), result.device.id.c_str(),
              result.device.name.c_str(), toString(result.status));
  if (!result.error.empty()) std::printf("error: %s\n", result.error.c_str());
  const std::string build = result.system.build.empty() ? "" : " (" + result.system.build + ")";
  std::printf("machine: %s, %s, %d cores; LibTorch %s; TrainBench %s%s%s%s\n",
              result.system.hostname.c_str(), result.system.os.c_str(),
              result.system.physicalCores, result.system.libtorchVersion.c_str(),
              result.system.appVersion.c_str(), build.c_str(),
              result.system.blas.empty() ? "" : "; CPU BLAS: ", result.system.blas.c_str());
  const std::string& fingerprint = result.workload.dataFingerprint;
  std::printf("created: %s; data: %s%s%s (%lld train / %lld test)\n", result.created.c_str(),
              result.workload.dataSource.c_str(), fingerprint.empty() ? "" : ", ",
              fingerprint.c_str(), static_cast<long long>(result.workload.trainSamples),
              static_cast<long long>(result.workload.testSamples));
  printSettings(result);
  std::printf("\n%6s %10s %10s %10s %12s\n", "EPOCH", "LOSS", "ACCURACY", "SECONDS", "SAMPLES/S");
  // The epoch a time budget stopped part way is no epoch time: it is marked, as in the run's
  // own output.
  const std::size_t whole = wholeEpochs(result).size();
  constexpr const char* kCutShort = " (cut short by the time budget)";
  for (std::size_t i = 0; i < result.epochs.size(); ++i) {
    const EpochRecord& epoch = result.epochs[i];
    // A CPU trains ResNet-50 at a few images/s: its decimals are the comparison's.
    const double rate = epoch.samplesPerSecond;
    std::printf("%6d %10.4f %10.4f %10.3f %12s%s\n", epoch.epoch, epoch.trainLoss,
                epoch.trainAccuracy, epoch.seconds,
                table::fixed(rate, throughputDecimals(rate)).c_str(), i >= whole ? kCutShort : "");
  }
  std::printf("\ntest loss %s, test accuracy %s; total %s%s; %zu telemetry %s\n",
              orNa(result.test ? std::optional<double>(result.test->loss) : std::nullopt, "%.4f").c_str(),
              orNa(result.test ? std::optional<double>(result.test->accuracy) : std::nullopt, "%.4f").c_str(),
              orNa(result.totalSeconds, "%.2f s").c_str(), result.projection ? kCutShort : "",
              result.timeline.size(),
              result.timeline.size() == 1 ? "sample" : "samples");
  printUtilisation(result.timeline);
  printDeviceFigures(result);
  printTrustBlocks(result);
  return kExitOk;
}

}  // namespace tb::cli
