#include "info_commands.h"

#include "exit_codes.h"

#include "data/dataset_registry.h"
#include "devices/device_id.h"
#include "devices/system_info.h"
#include "models/workload.h"
#include "results/result_file.h"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace tb::cli {

namespace {

std::string orNa(const std::optional<double>& value, const char* format) {
  if (!value) return "n/a";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, format, *value);
  return buffer;
}

}  // namespace

int devicesCommand(bool json) {
  const SystemRecord system = collectSystemInfo();
  const auto devices = availableDevices();
  if (json) {
    auto list = nlohmann::json::array();
    for (const auto& id : devices) {
      nlohmann::json entry{{"id", id}, {"kind", parseDeviceId(id).kind},
                           {"name", deviceDisplayName(parseDeviceId(id))}};
      if (id == "cpu") {
        entry["physical_cores"] = system.physicalCores;
        entry["logical_cores"] = system.logicalCores;
        entry["memory_mb"] = system.memoryMb ? nlohmann::json(*system.memoryMb) : nlohmann::json();
      }
      list.push_back(entry);
    }
    std::printf("%s\n", list.dump(2).c_str());
    return kExitOk;
  }
  std::printf("%-8s %-6s %s\n", "ID", "KIND", "NAME");
  for (const auto& id : devices) {
    std::string name = deviceDisplayName(parseDeviceId(id));
    if (id == "cpu") {
      name += " (" + std::to_string(system.physicalCores) + " cores, " +
              std::to_string(system.logicalCores) + " threads, " +
              orNa(system.memoryMb ? std::optional<double>(*system.memoryMb / 1024.0) : std::nullopt,
                   "%.1f") +
              " GiB)";
    }
    std::printf("%-8s %-6s %s\n", id.c_str(), parseDeviceId(id).kind.c_str(), name.c_str());
  }
  std::printf("\nLibTorch %s; data folder %s\n", system.libtorchVersion.c_str(),
              defaultDataRoot().c_str());
  return kExitOk;
}

int workloadsCommand(bool json) {
  if (json) {
    auto list = nlohmann::json::array();
    for (const auto& spec : knownWorkloads()) {
      list.push_back({{"name", spec.name}, {"title", spec.title},
                      {"description", spec.description}, {"dataset", spec.dataset},
                      {"parameters", spec.parameters}, {"epochs", spec.defaultEpochs},
                      {"batch_size", spec.defaultBatchSize}, {"learning_rate", spec.learningRate}});
    }
    std::printf("%s\n", list.dump(2).c_str());
    return kExitOk;
  }
  std::printf("%-14s %-14s %12s %7s %6s  %s\n", "NAME", "DATASET", "PARAMETERS", "EPOCHS",
              "BATCH", "TITLE");
  for (const auto& spec : knownWorkloads()) {
    std::printf("%-14s %-14s %12lld %7d %6d  %s\n", spec.name.c_str(), spec.dataset.c_str(),
                static_cast<long long>(spec.parameters), spec.defaultEpochs,
                spec.defaultBatchSize, spec.title.c_str());
  }
  return kExitOk;
}

int showCommand(const std::string& path, bool json) {
  RunResult result;
  try {
    result = readResultFile(path);
  } catch (const ResultFileError& e) {
    std::fprintf(stderr, "trainbench-cli: error: %s\n", e.what());
    return kExitData;
  }
  if (json) {
    std::printf("%s\n", toJson(result).c_str());
    return kExitOk;
  }
  std::printf("%s on %s (%s), %s\n", result.workload.name.c_str(), result.device.id.c_str(),
              result.device.name.c_str(), toString(result.status));
  if (!result.error.empty()) std::printf("error: %s\n", result.error.c_str());
  std::printf("machine: %s, %s, %d cores; LibTorch %s; TrainBench %s\n",
              result.system.hostname.c_str(), result.system.os.c_str(),
              result.system.physicalCores, result.system.libtorchVersion.c_str(),
              result.system.appVersion.c_str());
  std::printf("created: %s; data: %s (%lld train / %lld test); %d epochs, batch %d, seed %llu\n",
              result.created.c_str(), result.workload.dataSource.c_str(),
              static_cast<long long>(result.workload.trainSamples),
              static_cast<long long>(result.workload.testSamples), result.config.epochs,
              result.config.batchSize, static_cast<unsigned long long>(result.config.seed));
  std::printf("\n%6s %10s %10s %10s %12s\n", "EPOCH", "LOSS", "ACCURACY", "SECONDS", "SAMPLES/S");
  for (const auto& epoch : result.epochs) {
    std::printf("%6d %10.4f %10.4f %10.3f %12.0f\n", epoch.epoch, epoch.trainLoss,
                epoch.trainAccuracy, epoch.seconds, epoch.samplesPerSecond);
  }
  std::printf("\ntest loss %s, test accuracy %s; total %s s; %zu telemetry samples\n",
              orNa(result.test ? std::optional<double>(result.test->loss) : std::nullopt, "%.4f").c_str(),
              orNa(result.test ? std::optional<double>(result.test->accuracy) : std::nullopt, "%.4f").c_str(),
              orNa(result.totalSeconds, "%.2f").c_str(), result.timeline.size());
  return kExitOk;
}

}  // namespace tb::cli
