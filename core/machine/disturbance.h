// Rules that compare two MachineSnapshots (before and after a window) and say, in sentences a
// user can act on, what may have disturbed a benchmark: other processes, a hypervisor, a slow
// clock, heat, battery power or low memory.
#pragma once

#include "machine/machine_snapshot.h"

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace tb {

struct DisturbanceThresholds {
  // Other processes' average CPU, in cores. Half a core of competition already shifts timings
  // by more than run-to-run noise on small machines; less is the desktop's background hum.
  double otherProcessCores = 0.5;
  // A process counts as "using CPU" from this much; below it are idle daemons that would only
  // inflate the count in the message.
  double processCores = 0.05;
  // Share of CPU time the hypervisor gave to other guests (steal). A few percent is common on
  // shared cloud machines; above 5% the timings track the neighbours, not this machine.
  double stealShare = 0.05;
  // The fastest CPU's clock at the end below this share of its maximum. All-core turbo sits a
  // little under the single-core maximum, so only a clearly lower clock means power saving or
  // heat.
  double clockRatio = 0.8;
  // Free memory under this many MiB (1 GiB), or under this share of the total, means the run may have
  // swapped or fought the page cache: either one is enough.
  double lowMemoryMb = 1024.0;
  double lowMemoryShare = 0.05;
  // The run's own other processes (a data-parallel run's other ranks and their launcher): not
  // competing load; their ticks count as the run's in the busy-time check below.
  std::set<int> runProcesses;
  // Whether the machine's busy time less the listed processes' and this one's counts too (it
  // catches processes that start and end within the window). Off where the run's own processes
  // come and go: a rank that ended before the last look would read as a stranger's load.
  bool countUnlisted = true;
  // The CPUs the run may use (its affinity mask: taskset, a container's cpuset) where they are
  // fewer than the machine's; empty for all. Load on the other CPUs does not slow the run: a
  // pinned run on a busy shared server counts only its own CPUs' busy time, and the processes
  // that last ran on them.
  std::set<int> runCpus;
};

struct OtherLoad {
  double cores = 0;                   // other processes' average CPU, in cores
  int processes = 0;                  // how many used at least `processCores`
  std::vector<std::string> topNames;  // the two busiest names, same-name processes merged
  int logicalCpus = 0;  // the CPUs counted: the run's own when it is pinned to some
  bool pinned = false;  // counted on the run's CPUs alone (DisturbanceThresholds::runCpus)
};

// Other processes' CPU between the snapshots: their tick deltas over the machine's wall ticks
// (total jiffies delta / logical CPUs). Both files count USER_HZ ticks, so no clock is needed.
// nullopt when the machine's CPU time is unknown or did not advance.
std::optional<OtherLoad> otherLoad(const MachineSnapshot& before, const MachineSnapshot& after,
                                   const DisturbanceThresholds& thresholds = {});

// Warnings for a finished run, in this order: other processes, steal, clock, throttling,
// battery, memory. Empty when nothing disturbed the run.
std::vector<std::string> disturbanceWarnings(const MachineSnapshot& before,
                                             const MachineSnapshot& after,
                                             const DisturbanceThresholds& thresholds = {});

// Warnings before a run, from a short sample of the idle machine: busy other processes, battery
// and low memory, in the present tense. Empty when the machine is quiet.
std::vector<std::string> busyMachineWarnings(const MachineSnapshot& before,
                                             const MachineSnapshot& after,
                                             const DisturbanceThresholds& thresholds = {});

// The processes descended from `pid` in `snapshot` (children, their children, ...).
std::set<int> descendantsOf(int pid, const MachineSnapshot& snapshot);

// For front ends: samples the real machine `window` apart (blocking for that long) and returns
// busyMachineWarnings, the caller's own child processes (a run it started) left out.
std::vector<std::string> checkMachineBeforeRun(
    std::chrono::milliseconds window = std::chrono::seconds(1));

}  // namespace tb
