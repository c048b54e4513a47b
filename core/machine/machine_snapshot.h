// One reading of the Linux counters that tell whether something else disturbed a benchmark:
// machine CPU time, every other process's CPU ticks, clocks, heat throttling, power and memory.
// The /proc and /sys roots are parameters so tests can read fake trees.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace tb {

struct MachineRoots {
  std::string proc = "/proc";
  std::string sys = "/sys";
};

struct ProcessTicks {
  std::string name;         // comm, as the kernel truncates it (15 characters)
  std::uint64_t ticks = 0;  // utime + stime, in USER_HZ ticks
  int parent = 0;           // ppid
  // When it started, in ticks since boot (0: unknown): a pid seen twice with the same start is
  // one process, whatever it renamed itself to (exec, prctl); another start is a reused pid.
  std::uint64_t startTime = 0;
  int lastCpu = -1;  // the CPU it last ran on (field 39 of its stat); -1: unknown
};

// One line of /proc/stat, in jiffies, as the aggregate fields below read it.
struct CpuLineTimes {
  std::uint64_t total = 0, idle = 0, steal = 0, interrupts = 0;
};

// Every value is nullopt where its file is missing or unreadable: VMs, containers and ARM boards
// lack many of these, and "unknown" must never look like "fine" or "bad".
struct MachineSnapshot {
  // The aggregate "cpu" line of /proc/stat, in jiffies: total sums user..steal (guest time is
  // already inside user and nice), idle is idle + iowait.
  std::optional<std::uint64_t> cpuTotal, cpuIdle, cpuSteal;
  // irq + softirq: interrupt work, much of it the run's own (disk, network, timers).
  std::optional<std::uint64_t> cpuInterrupts;
  int logicalCpus = 0;                          // the cpuN lines of /proc/stat
  // Each cpuN line, by N: the CPUs a pinned run (taskset, a container's cpuset) may use are
  // the ones whose load can disturb it.
  std::map<int, CpuLineTimes> perCpu;
  std::map<int, ProcessTicks> processes;        // every /proc/<pid> but the caller's own
  // Kernel threads (kworker, ksoftirqd, ...): the machine's own work, often on the run's
  // behalf; left out of `processes` and not held against the run.
  std::map<int, ProcessTicks> kernelThreads;
  std::optional<std::uint64_t> selfTicks;       // the caller's own utime + stime
  std::optional<std::uint64_t> throttleEvents;  // thermal_throttle counts summed over CPUs
  std::optional<double> clockRatio;             // the fastest CPU's current / maximum clock
  std::optional<bool> onBattery;  // nullopt on machines without battery or mains supply
  std::optional<double> memAvailableMb, memTotalMb;
};

// Reads the machine in one pass over <proc>; `selfPid` is left out of `processes` so the
// benchmark does not count as its own disturbance. Never throws for missing files.
MachineSnapshot readMachineSnapshot(const MachineRoots& roots, int selfPid);

}  // namespace tb
