// Reads a MachineSnapshot from /proc and /sys. Everything is best effort: a file that is missing
// (VMs, containers, ARM boards) or a process that exits while we read leaves a gap, not an error.
#include "machine/machine_snapshot.h"

#include "telemetry/proc_stats.h"
#include "util/text.h"

#include <dirent.h>

#include <algorithm>
#include <cstdlib>
#include <locale>
#include <map>
#include <sstream>
#include <string_view>
#include <vector>

namespace tb {
namespace {

bool allDigits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string_view trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

// A number with the spaces and line break around it that /proc and /sys files have.
std::optional<std::uint64_t> parseTrimmed(std::string_view text) {
  return parseUnsigned(trimmed(text));
}

std::optional<std::uint64_t> readUnsigned(const std::string& path) {
  auto text = readTextFile(path);
  return text ? parseTrimmed(*text) : std::nullopt;
}

std::string readWord(const std::string& path) {
  auto text = readTextFile(path);
  return text ? std::string(trimmed(*text)) : std::string();
}

// Entry names of a directory; empty when it does not exist.
std::vector<std::string> listDir(const std::string& path) {
  std::vector<std::string> names;
  DIR* dir = opendir(path.c_str());
  if (!dir) return names;
  while (const dirent* entry = readdir(dir)) names.emplace_back(entry->d_name);
  closedir(dir);
  return names;
}

// "cpu0", "cpu17", ... but not "cpufreq" or "cpuidle", which sit in the same folders.
bool isCpuName(std::string_view name) {
  return name.size() > 3 && name.substr(0, 3) == "cpu" && allDigits(name.substr(3));
}

// A cpu line's fields after its label: user nice system idle iowait irq softirq steal [guest
// guest_nice]. Guest time is already inside user and nice, so only eight fields add up. nullopt
// for garbage, and for old kernels' lines that stop before idle.
std::optional<CpuLineTimes> parseCpuFields(std::istringstream& fields, bool* hasInterrupts,
                                       bool* hasSteal) {
  std::vector<std::uint64_t> values;
  std::string token;
  while (values.size() < 8 && fields >> token) {
    auto value = parseTrimmed(token);
    if (!value) return std::nullopt;
    values.push_back(*value);
  }
  if (values.size() < 4) return std::nullopt;
  CpuLineTimes times;
  for (std::uint64_t value : values) times.total += value;
  times.idle = values[3] + (values.size() > 4 ? values[4] : 0);  // waiting is not working
  *hasInterrupts = values.size() >= 7;
  if (*hasInterrupts) times.interrupts = values[5] + values[6];
  *hasSteal = values.size() == 8;
  if (*hasSteal) times.steal = values[7];
  return times;
}

void readProcStat(const std::string& text, MachineSnapshot& snapshot) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string label;
    fields >> label;
    bool interrupts = false;
    bool steal = false;
    if (label == "cpu") {
      if (const auto times = parseCpuFields(fields, &interrupts, &steal)) {
        snapshot.cpuTotal = times->total;
        snapshot.cpuIdle = times->idle;
        if (interrupts) snapshot.cpuInterrupts = times->interrupts;
        if (steal) snapshot.cpuSteal = times->steal;
      }
    }
    if (isCpuName(label)) {
      ++snapshot.logicalCpus;
      if (const auto times = parseCpuFields(fields, &interrupts, &steal)) {
        snapshot.perCpu[std::atoi(label.c_str() + 3)] = *times;
      }
    }
  }
}

// "pid (comm) state ppid ...": comm may hold spaces and parentheses, so it ends at the last ')'.
// After it: state(3) ppid(4) ... starttime(22) ... processor(39), the CPU it last ran on.
std::optional<ProcessTicks> parseProcessStat(const std::string& text) {
  const auto open = text.find('(');
  const auto close = text.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open) return std::nullopt;
  auto ticks = parseProcessTicks(text);
  if (!ticks) return std::nullopt;
  ProcessTicks process{text.substr(open + 1, close - open - 1), *ticks};
  std::istringstream fields(text.substr(close + 1));
  fields.imbue(std::locale::classic());
  std::string field;
  for (int index = 3; index <= 39 && fields >> field; ++index) {
    if (index == 4) process.parent = std::atoi(field.c_str());
    if (index == 22) process.startTime = std::strtoull(field.c_str(), nullptr, 10);
    if (index == 39) process.lastCpu = std::atoi(field.c_str());
  }
  return process;
}

// Kernel threads (kthreadd, pid 2, and its children) do the machine's own work, much of it on the
// benchmark's behalf (writeback, interrupts): not "other processes" a user could close.
bool isKernelThread(const std::string& text) {
  // By the kernel's PF_KTHREAD flag (field 9), not by "pid 2 or its child": in a container with
  // its own pid namespace, pid 2 is an ordinary process, maybe the user's shell, and what it
  // starts is load a user can close.
  constexpr unsigned long kKernelThreadFlag = 0x00200000;
  const auto close = text.rfind(')');
  if (close == std::string::npos) return false;
  std::istringstream fields(text.substr(close + 1));
  fields.imbue(std::locale::classic());
  std::string field;
  for (int index = 3; index <= 9 && fields >> field; ++index) {
    if (index == 9) return (std::strtoul(field.c_str(), nullptr, 10) & kKernelThreadFlag) != 0;
  }
  return false;
}

void readProcesses(const std::string& proc, int selfPid, MachineSnapshot& snapshot) {
  for (const std::string& name : listDir(proc)) {
    if (!allDigits(name) || name.size() > 9) continue;
    const int pid = std::stoi(name);
    if (pid == selfPid) {
      if (auto text = readTextFile(proc + "/" + name + "/stat")) snapshot.selfTicks = parseProcessTicks(*text);
      continue;
    }
    // A process may exit between the listing and this read: then it simply is not there.
    auto text = readTextFile(proc + "/" + name + "/stat");
    if (!text) continue;
    auto process = parseProcessStat(*text);
    if (!process) continue;
    (isKernelThread(*text) ? snapshot.kernelThreads : snapshot.processes)[pid] = std::move(*process);
  }
}

void readCpuDevices(const std::string& sys, MachineSnapshot& snapshot) {
  const std::string base = sys + "/devices/system/cpu/";
  std::optional<double> fastest;
  // A core's counter repeats on each of its hardware threads, and a package's on every CPU of
  // the package: each counts once, and a machine's several packages each add theirs. Without
  // topology files, each CPU is its own core and all are one package.
  std::map<std::string, std::uint64_t> coreEvents;
  std::map<std::string, std::uint64_t> packageEvents;
  for (const std::string& name : listDir(base)) {
    if (!isCpuName(name)) continue;
    const std::string cpu = base + name;
    const std::string package = readWord(cpu + "/topology/physical_package_id");
    const std::string core = readWord(cpu + "/topology/core_id");
    const std::string coreKey = core.empty() ? name : package + ":" + core;
    if (auto count = readUnsigned(cpu + "/thermal_throttle/core_throttle_count"))
      coreEvents[coreKey] = std::max(coreEvents[coreKey], *count);
    if (auto count = readUnsigned(cpu + "/thermal_throttle/package_throttle_count"))
      packageEvents[package] = std::max(packageEvents[package], *count);
    auto current = readUnsigned(cpu + "/cpufreq/scaling_cur_freq");
    auto maximum = readUnsigned(cpu + "/cpufreq/cpuinfo_max_freq");
    if (current && maximum && *maximum > 0) {
      fastest = std::max(fastest.value_or(0.0),
                         static_cast<double>(*current) / static_cast<double>(*maximum));
    }
  }
  // The fastest CPU's clock: idle CPUs clock down at once, and a run on 1 of 16 cores must not
  // read as slowed because the 15 others rest. If even the fastest is slow, the run was too.
  snapshot.clockRatio = fastest;
  if (!coreEvents.empty() || !packageEvents.empty()) {
    std::uint64_t events = 0;
    for (const auto& [key, count] : coreEvents) events += count;
    for (const auto& [key, count] : packageEvents) events += count;
    snapshot.throttleEvents = events;
  }
}

void readPowerSupplies(const std::string& sys, MachineSnapshot& snapshot) {
  const std::string base = sys + "/class/power_supply/";
  bool anySupply = false, discharging = false, mainsSeen = false, mainsOnline = false;
  for (const std::string& name : listDir(base)) {
    if (name == "." || name == "..") continue;
    const std::string supply = base + name;
    // A wireless mouse's battery (scope "Device") says nothing about what powers the machine.
    if (readWord(supply + "/scope") == "Device") continue;
    const std::string type = readWord(supply + "/type");
    if (type == "Battery") {
      anySupply = true;
      discharging = discharging || readWord(supply + "/status") == "Discharging";
    } else if (type == "Mains") {
      anySupply = mainsSeen = true;
      mainsOnline = mainsOnline || readWord(supply + "/online") != "0";
    }
  }
  // Docks and USB-C ports can add a second, unplugged Mains: on battery only if none is online.
  if (anySupply) snapshot.onBattery = discharging || (mainsSeen && !mainsOnline);
}

void readMemInfo(const std::string& text, MachineSnapshot& snapshot) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);  // "MemTotal:       16314916 kB"
    std::string key, value;
    fields >> key >> value;
    auto kb = parseTrimmed(value);
    if (kb && key == "MemTotal:") snapshot.memTotalMb = static_cast<double>(*kb) / 1024.0;
    if (kb && key == "MemAvailable:") snapshot.memAvailableMb = static_cast<double>(*kb) / 1024.0;
  }
}

}  // namespace


MachineSnapshot readMachineSnapshot(const MachineRoots& roots, int selfPid) {
  MachineSnapshot snapshot;
  if (auto stat = readTextFile(roots.proc + "/stat")) readProcStat(*stat, snapshot);
  readProcesses(roots.proc, selfPid, snapshot);
  readCpuDevices(roots.sys, snapshot);
  readPowerSupplies(roots.sys, snapshot);
  if (auto meminfo = readTextFile(roots.proc + "/meminfo")) readMemInfo(*meminfo, snapshot);
  return snapshot;
}

}  // namespace tb
