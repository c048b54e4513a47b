#include "devices/system_info.h"

#include "devices/blas_library.h"
#include "devices/build_info.h"
#include "machine/cpu_budget.h"

#include <torch/version.h>

#include <sys/utsname.h>
#include <unistd.h>

#include <ctime>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>
#include <utility>

namespace tb {

namespace {

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\"");
  const auto last = text.find_last_not_of(" \t\"\r\n");
  return first == std::string::npos ? std::string() : text.substr(first, last - first + 1);
}

// The value after "key:" (or "key=") on the first line of `path` that starts with `key`.
std::string fieldOf(const std::string& path, const std::string& key, char separator) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) != 0) continue;
    const auto at = line.find(separator);
    if (at != std::string::npos) return trimmed(line.substr(at + 1));
  }
  return {};
}

std::string operatingSystem() {
  std::string name = fieldOf("/etc/os-release", "PRETTY_NAME", '=');
  utsname uts{};
  if (uname(&uts) == 0) {
    const std::string kernel = std::string(uts.sysname) + " " + uts.release;
    name = name.empty() ? kernel : name + " (" + kernel + ")";
  }
  return name.empty() ? "unknown" : name;
}

}  // namespace

int logicalCoreCount() {
  const unsigned count = std::thread::hardware_concurrency();
  return count > 0 ? static_cast<int>(count) : 1;
}

int cpuThreadCount(int requested) {
  if (requested > 0) return requested;
  return defaultThreadCount(physicalCoreCount(), affinityCpuCount(), cgroupCpuQuota());
}

int physicalCoreCount() {
  std::ifstream in("/proc/cpuinfo");
  std::set<std::pair<std::string, std::string>> cores;  // (physical id, core id)
  std::string line, physicalId;
  while (std::getline(in, line)) {
    const auto at = line.find(':');
    if (at == std::string::npos) continue;
    const std::string key = trimmed(line.substr(0, at));
    if (key == "physical id") physicalId = trimmed(line.substr(at + 1));
    if (key == "core id") cores.emplace(physicalId, trimmed(line.substr(at + 1)));
  }
  return cores.empty() ? logicalCoreCount() : static_cast<int>(cores.size());
}

std::string cpuModelName() {
  std::string model = fieldOf("/proc/cpuinfo", "model name", ':');
  if (model.empty()) model = fieldOf("/proc/cpuinfo", "Model", ':');  // ARM boards
  return model.empty() ? "unknown CPU" : model;
}

std::string libtorchVersion() { return TORCH_VERSION; }

std::string appVersion() { return TRAINBENCH_VERSION; }

std::string isoTimestampUtc() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

SystemRecord collectSystemInfo() {
  SystemRecord system;
  system.os = operatingSystem();
  system.hostname = hostName();
  system.cpuModel = cpuModelName();
  system.physicalCores = physicalCoreCount();
  system.logicalCores = logicalCoreCount();
  const std::string memKb = fieldOf("/proc/meminfo", "MemTotal", ':');
  if (!memKb.empty()) {
    try {
      system.memoryMb = std::stod(memKb) / 1024.0;
    } catch (const std::exception&) {
      // Unreadable: leave the memory absent rather than guessing.
    }
  }
  system.libtorchVersion = libtorchVersion();
  system.appVersion = appVersion();
  system.blas = loadedBlasLibrary().name;
  system.build = buildText(thisBuild());
  return system;
}

}  // namespace tb
