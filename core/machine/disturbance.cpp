// The disturbance rules. Each compares counters between two snapshots, so a machine that was
// busy long before the run but quiet during it raises nothing.
#include "machine/disturbance.h"

#include "machine/cpu_budget.h"
#include "results/table_text.h"
#include "util/text.h"

#include <unistd.h>

#include <algorithm>
#include <map>
#include <thread>
#include <utility>

namespace tb {
namespace {

// The kernel counts CPU time in ticks of 1/100 s: over a shorter window one stray tick of another
// process reads as a large share, so a run shorter than half a second gets no CPU-share verdict.
constexpr double kMinWallTicks = 50.0;

// Messages end up in result files and bug reports: "1.9", never the user locale's "1,9".
std::string formatted(double value, int decimals) { return table::fixed(value, decimals); }

std::string percent(double share) { return formatted(100.0 * share, 0) + "%"; }

std::optional<std::uint64_t> delta(const std::optional<std::uint64_t>& before,
                                   const std::optional<std::uint64_t>& after) {
  if (!before || !after || *after < *before) return std::nullopt;
  return *after - *before;
}

// A pid absent before, or since reused by another process, started within the window: all of
// its ticks belong to the window. The start time tells reuse apart (a process that renames
// itself keeps its past ticks); the name only where a start time is missing.
std::uint64_t ticksBetween(const std::map<int, ProcessTicks>& before, int pid,
                           const ProcessTicks& now) {
  auto it = before.find(pid);
  if (it == before.end()) return now.ticks;
  const ProcessTicks& then = it->second;
  const bool known = then.startTime != 0 && now.startTime != 0;
  const bool reused = known ? then.startTime != now.startTime : then.name != now.name;
  if (reused || then.ticks > now.ticks) return now.ticks;
  return now.ticks - then.ticks;
}

// The lowest free memory seen, when it is low enough to matter.
std::optional<double> lowFreeMemoryMb(const MachineSnapshot& before, const MachineSnapshot& after,
                                      const DisturbanceThresholds& thresholds) {
  std::optional<double> freeMb = after.memAvailableMb;
  if (before.memAvailableMb && (!freeMb || *before.memAvailableMb < *freeMb))
    freeMb = before.memAvailableMb;
  const auto totalMb = after.memTotalMb ? after.memTotalMb : before.memTotalMb;
  if (!freeMb) return std::nullopt;
  const bool low = *freeMb < thresholds.lowMemoryMb ||
                   (totalMb && *freeMb < thresholds.lowMemoryShare * *totalMb);
  return low ? freeMb : std::nullopt;
}

bool wasOnBattery(const MachineSnapshot& before, const MachineSnapshot& after) {
  return before.onBattery.value_or(false) || after.onBattery.value_or(false);
}

// The machine's CPU time between two snapshots: every CPU's (the aggregate line), or, for a run
// pinned to fewer CPUs than the machine has, the sum of those CPUs' own lines.
struct CpuWindow {
  std::optional<std::uint64_t> total, idle, steal, interrupts;
  int cpus = 0;
  bool pinned = false;
  std::set<int> cpuSet;
};

CpuWindow cpuWindow(const MachineSnapshot& before, const MachineSnapshot& after,
                    const std::set<int>& runCpus) {
  CpuWindow window;
  const int machineCpus = after.logicalCpus > 0 ? after.logicalCpus : before.logicalCpus;
  const bool known = std::all_of(runCpus.begin(), runCpus.end(), [&](int cpu) {
    return before.perCpu.count(cpu) != 0 && after.perCpu.count(cpu) != 0;
  });
  if (runCpus.empty() || !known || static_cast<int>(runCpus.size()) >= machineCpus) {
    window.total = delta(before.cpuTotal, after.cpuTotal);
    window.idle = delta(before.cpuIdle, after.cpuIdle);
    window.steal = delta(before.cpuSteal, after.cpuSteal);
    window.interrupts = delta(before.cpuInterrupts, after.cpuInterrupts);
    window.cpus = machineCpus;
    return window;
  }
  window.pinned = true;
  window.cpuSet = runCpus;
  window.cpus = static_cast<int>(runCpus.size());
  CpuLineTimes sum;
  for (const int cpu : runCpus) {
    const CpuLineTimes& then = before.perCpu.at(cpu);
    const CpuLineTimes& now = after.perCpu.at(cpu);
    // A counter that went back (a CPU taken offline and back) makes the window unknown.
    if (now.total < then.total || now.idle < then.idle || now.steal < then.steal ||
        now.interrupts < then.interrupts) {
      return CpuWindow{};
    }
    sum.total += now.total - then.total;
    sum.idle += now.idle - then.idle;
    sum.steal += now.steal - then.steal;
    sum.interrupts += now.interrupts - then.interrupts;
  }
  window.total = sum.total;
  window.idle = sum.idle;
  window.steal = sum.steal;
  window.interrupts = sum.interrupts;
  return window;
}

// The competing load when it is high enough to warn about.
std::optional<OtherLoad> busyLoad(const MachineSnapshot& before, const MachineSnapshot& after,
                                  const DisturbanceThresholds& thresholds) {
  auto load = otherLoad(before, after, thresholds);
  if (!load || load->cores < thresholds.otherProcessCores) return std::nullopt;
  return load;
}

std::string coresOf(const OtherLoad& load) {
  if (load.pinned) {
    return formatted(load.cores, 1) + " of the " + std::to_string(load.logicalCpus) +
           (load.logicalCpus == 1 ? " core" : " cores") + " the run may use";
  }
  return formatted(load.cores, 1) + " of " + std::to_string(load.logicalCpus) + " cores";
}

// "1 other process is", "2 other processes are". Many small processes can add up without any
// one of them counting as busy: then there is no honest number to give.
std::string whoIsUsing(int processes) {
  if (processes == 1) return "1 other process is";
  if (processes == 0) return "Other processes are";
  return std::to_string(processes) + " other processes are";
}

}  // namespace

std::optional<OtherLoad> otherLoad(const MachineSnapshot& before, const MachineSnapshot& after,
                                   const DisturbanceThresholds& thresholds) {
  const CpuWindow window = cpuWindow(before, after, thresholds.runCpus);
  const auto total = window.total;
  const int cpus = window.cpus;
  if (!total || *total == 0 || cpus <= 0) return std::nullopt;
  // /proc/stat adds up every CPU's jiffies: one CPU busy for the whole window is total / cpus.
  const double wallTicks = static_cast<double>(*total) / cpus;
  if (wallTicks < kMinWallTicks) return std::nullopt;
  // Pinned, a process counts where it last ran on one of the run's CPUs (or where that is not
  // known): one that ran elsewhere took nothing from the run.
  const auto onRunCpus = [&](const ProcessTicks& process) {
    return !window.pinned || process.lastCpu < 0 || window.cpuSet.count(process.lastCpu) != 0;
  };

  OtherLoad load;
  load.logicalCpus = cpus;
  load.pinned = window.pinned;
  std::uint64_t sum = 0;
  std::map<std::string, std::uint64_t> byName;  // a parallel build is many cc1plus, one cause
  std::uint64_t runTicks = 0;  // the run's own other processes', seen in both looks
  for (const auto& [pid, process] : after.processes) {
    if (!onRunCpus(process)) continue;
    if (thresholds.runProcesses.count(pid) != 0) {
      runTicks += ticksBetween(before.processes, pid, process);
      continue;
    }
    const std::uint64_t ticks = ticksBetween(before.processes, pid, process);
    if (ticks == 0) continue;
    sum += ticks;
    byName[process.name] += ticks;
    if (static_cast<double>(ticks) / wallTicks >= thresholds.processCores) ++load.processes;
  }
  double cores = static_cast<double>(sum) / wallTicks;
  // Processes that start and end within the window (a build's many compiler runs) never show
  // in either listing; the machine's busy time less this process's own still counts them.
  const auto idle = window.idle;
  const auto steal = window.steal;
  const auto self = delta(before.selfTicks, after.selfTicks);
  // Kernel threads and interrupts are the machine's own work, much of it for the run: busy
  // time, but no process a user could close.
  std::uint64_t machineWork = window.interrupts.value_or(0);
  for (const auto& [pid, thread] : after.kernelThreads) {
    if (onRunCpus(thread)) machineWork += ticksBetween(before.kernelThreads, pid, thread);
  }
  const std::uint64_t own = self ? *self + runTicks + machineWork : 0;
  if (thresholds.countUnlisted && idle && self && *total >= *idle + steal.value_or(0) + own) {
    const auto othersBusy = *total - *idle - steal.value_or(0) - own;
    cores = std::max(cores, static_cast<double>(othersBusy) / wallTicks);
  }
  // The files are read a moment apart, so the sum can overshoot the machine slightly.
  load.cores = std::min(cores, static_cast<double>(cpus));

  std::vector<std::pair<std::string, std::uint64_t>> ranked(byName.begin(), byName.end());
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  for (const auto& [name, ticks] : ranked) {
    // Naming an idle daemon next to the real culprit would send the user after the wrong one.
    if (load.topNames.size() == 2 ||
        static_cast<double>(ticks) / wallTicks < thresholds.processCores)
      break;
    load.topNames.push_back(name);
  }
  return load;
}

std::vector<std::string> disturbanceWarnings(const MachineSnapshot& before,
                                             const MachineSnapshot& after,
                                             const DisturbanceThresholds& thresholds) {
  std::vector<std::string> warnings;
  if (auto load = busyLoad(before, after, thresholds)) {
    const std::string most =
        load->topNames.empty() ? std::string() : " (most: " + joined(load->topNames) + ")";
    warnings.push_back("Other processes used " + coresOf(*load) + " during the run" + most +
                       ": results are slower and noisier. Close them, or run with fewer "
                       "threads.");
  }
  const auto total = delta(before.cpuTotal, after.cpuTotal);
  const auto steal = delta(before.cpuSteal, after.cpuSteal);
  const int cpus = std::max(1, after.logicalCpus);
  if (total && steal && *total >= static_cast<std::uint64_t>(kMinWallTicks * cpus)) {
    const double share = static_cast<double>(*steal) / static_cast<double>(*total);
    if (share >= thresholds.stealShare)
      warnings.push_back("The hypervisor took " + percent(share) +
                         " of the CPU time (steal) during the run: another virtual machine "
                         "shares these cores.");
  }
  if (after.clockRatio && *after.clockRatio < thresholds.clockRatio)
    warnings.push_back("The CPU clock ran at " + percent(*after.clockRatio) +
                       " of its maximum: power saving or heat slowed the run; plug in, check "
                       "cooling or use the performance governor.");
  if (auto events = delta(before.throttleEvents, after.throttleEvents); events && *events > 0) {
    const std::string times = *events == 1 ? "once" : std::to_string(*events) + " times";
    warnings.push_back("The CPU throttled for heat " + times +
                       " during the run: let it cool down or improve cooling before repeating.");
  }
  if (wasOnBattery(before, after))
    warnings.push_back("The machine was on battery: laptops slow down to save power; plug it in.");
  if (auto freeMb = lowFreeMemoryMb(before, after, thresholds))
    warnings.push_back("Only " + formatted(*freeMb, 0) +
                       " MiB of memory was free: the run may have swapped; close other programs.");
  return warnings;
}

std::vector<std::string> busyMachineWarnings(const MachineSnapshot& before,
                                             const MachineSnapshot& after,
                                             const DisturbanceThresholds& thresholds) {
  std::vector<std::string> warnings;
  if (auto load = busyLoad(before, after, thresholds)) {
    // Named, so the user knows what to close: "2 other processes (cc1plus, ninja) are using".
    std::string who = whoIsUsing(load->processes);
    if (!load->topNames.empty()) {
      const auto verb = who.rfind(' ');
      who = who.substr(0, verb) + " (" + joined(load->topNames) + ")" + who.substr(verb);
    }
    warnings.push_back(who + " using " + coresOf(*load) +
                       ": results will be slower and noisier. Close them, or run with fewer "
                       "threads.");
  }
  if (wasOnBattery(before, after))
    warnings.push_back("The machine is on battery: laptops slow down to save power; plug it in.");
  if (auto freeMb = lowFreeMemoryMb(before, after, thresholds))
    warnings.push_back("Only " + formatted(*freeMb, 0) +
                       " MiB of memory is free: the run may swap; close other programs.");
  return warnings;
}

std::set<int> descendantsOf(int pid, const MachineSnapshot& snapshot) {
  std::set<int> found;
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto& [child, process] : snapshot.processes) {
      const bool ours = process.parent == pid || found.count(process.parent) != 0;
      if (ours && found.insert(child).second) grew = true;
    }
  }
  return found;
}

std::vector<std::string> checkMachineBeforeRun(std::chrono::milliseconds window) {
  const MachineRoots roots;
  const int self = static_cast<int>(getpid());
  const MachineSnapshot before = readMachineSnapshot(roots, self);
  std::this_thread::sleep_for(window);
  const MachineSnapshot after = readMachineSnapshot(roots, self);
  // The caller's own children are the run it has just started (the app's data-parallel
  // trainbench-cli and its ranks), not competition.
  DisturbanceThresholds thresholds;
  thresholds.runCpus = affinityCpus();  // the run will be pinned as this process is
  thresholds.runProcesses = descendantsOf(self, after);
  for (const int pid : descendantsOf(self, before)) thresholds.runProcesses.insert(pid);
  return busyMachineWarnings(before, after, thresholds);
}

}  // namespace tb
