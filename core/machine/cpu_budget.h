// How many CPU threads this process can really use: the physical cores, narrowed by the CPU
// affinity mask (taskset, Slurm) and the cgroup CPU quota (Docker --cpus, Kubernetes limits).
// More threads than that only queue behind each other and make the benchmark look slower.
// And how much memory it may use, which a container's cgroup narrows the same way.
#pragma once

#include "machine/machine_snapshot.h"

#include <optional>
#include <set>
#include <string>

namespace tb {

// The CPUs this process may run on, by number (sched_getaffinity); empty if the call fails.
std::set<int> affinityCpus();

// How many CPUs this process may run on (sched_getaffinity); nullopt if the call fails.
std::optional<int> affinityCpuCount();

// The cgroup CPU quota in CPUs (e.g. 1.5); nullopt when unlimited or unknown. Reads
// <proc>/self/cgroup and the v2 cpu.max or v1 cpu.cfs_quota_us / cpu.cfs_period_us under
// <sys>/fs/cgroup, from the process's cgroup up to the root, and keeps the tightest limit.
std::optional<double> cgroupCpuQuota(const MachineRoots& roots = {});

// The CPUs the process's cgroup may use (cpuset: Slurm, `docker --cpuset-cpus`), the fewest
// from its cgroup up to the root: v2 cpuset.cpus.effective, v1 cpuset.effective_cpus or
// cpuset.cpus. nullopt when unknown. Unlike the affinity mask, it binds every process in the
// cgroup, so the ranks of one job share these CPUs whatever each one's own mask.
std::optional<int> cgroupCpusetCount(const MachineRoots& roots = {});
// min(physical cores, affinity count, quota rounded up), at least 1. An unknown (nullopt or
// non-positive) affinity or quota does not limit.
int defaultThreadCount(int physicalCores, std::optional<int> affinityCpus,
                       std::optional<double> quotaCpus);

// The CPUs this process may run on: the logical CPUs (hyper-threads count), narrowed by the
// affinity mask and the quota rounded up.
int usableCpuCount(const MachineRoots& roots = {});

// The machine's CPUs as the processes on it may share them: the logical CPUs narrowed by the
// cgroup's cpuset and quota (a container's, a Slurm job's), whatever any one process's own
// affinity mask.
int machineCpuCount(const MachineRoots& roots = {});

// The memory the process's cgroup may use, in bytes (Docker --memory, Kubernetes limits, a
// Slurm job's): v2 memory.max or v1 memory.limit_in_bytes, the tightest from its cgroup up to
// the root; nullopt when unlimited or unknown. Past it the kernel kills the process.
std::optional<double> cgroupMemoryLimitBytes(const MachineRoots& roots = {});
// The memory this process may use: the machine's installed memory, or its cgroup's limit where
// that is smaller; nullopt when neither is known.
std::optional<double> usableMemoryBytes(const MachineRoots& roots = {});

// The memory this process could take now without the system moving other memory to disk: the
// kernel's estimate (MemAvailable), or what the cgroup's limit leaves beside what its processes
// use, where that is less; nullopt when neither is known.
std::optional<double> availableMemoryBytes(const MachineRoots& roots = {});

// A CPU run with more threads than `usableCpus` measures its threads queueing for the CPUs more
// than the CPU: the warning its result carries, or empty when `threads` fit.
std::string tooManyThreadsWarning(int threads, int usableCpus);

}  // namespace tb
