// The CPU budget: affinity from the scheduler, the quota from the cgroup files. Containers often
// show all of the host's cores while allowing only a few of them, so the quota matters most.
#include "machine/cpu_budget.h"

#include "telemetry/proc_stats.h"

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace tb {
namespace {

// "/a/b" gives "/a/b", "/a" and "" (the root): a limit on any ancestor caps its children too.
std::vector<std::string> selfAndAncestors(std::string path) {
  while (!path.empty() && path.back() == '/') path.pop_back();
  std::vector<std::string> paths{path};
  while (!path.empty()) {
    const auto slash = path.rfind('/');
    path = slash == std::string::npos ? std::string() : path.substr(0, slash);
    paths.push_back(path);
  }
  return paths;
}

// cgroup v2 cpu.max: "<quota> <period>" in microseconds, or "max <period>" for no limit.
std::optional<double> readCpuMax(const std::string& file) {
  auto text = readTextFile(file);
  if (!text) return std::nullopt;
  std::istringstream in(*text);
  std::string quota;
  double period = 100000.0;  // the kernel's default when only the quota is given
  in >> quota >> period;
  if (quota.empty() || quota == "max") return std::nullopt;
  std::istringstream quotaIn(quota);
  double value = 0.0;
  if (!(quotaIn >> value) || value <= 0.0 || period <= 0.0) return std::nullopt;
  return value / period;
}

// cgroup v1: cpu.cfs_quota_us is -1 for no limit.
std::optional<double> readCfsQuota(const std::string& dir) {
  auto quotaText = readTextFile(dir + "/cpu.cfs_quota_us");
  auto periodText = readTextFile(dir + "/cpu.cfs_period_us");
  if (!quotaText || !periodText) return std::nullopt;
  double quota = 0.0, period = 0.0;
  std::istringstream(*quotaText) >> quota;
  std::istringstream(*periodText) >> period;
  if (quota <= 0.0 || period <= 0.0) return std::nullopt;
  return quota / period;
}

void keepTightest(std::optional<double>& tightest, std::optional<double> limit) {
  if (limit && (!tightest || *limit < *tightest)) tightest = limit;
}

// The CPUs a cpuset list names: "0-3,8,10-11" is 7; nullopt when empty or not a list.
std::optional<int> cpuListCount(const std::string& text) {
  std::istringstream in(text);
  std::string range;
  int count = 0;
  while (std::getline(in, range, ',')) {
    while (!range.empty() && std::isspace(static_cast<unsigned char>(range.back()))) range.pop_back();
    if (range.empty()) continue;
    const auto dash = range.find('-');
    try {
      std::size_t used = 0;
      const long first = std::stol(range.substr(0, dash), &used);
      const long last = dash == std::string::npos ? first : std::stol(range.substr(dash + 1));
      if (first < 0 || last < first || last - first > (1 << 20)) return std::nullopt;
      count += static_cast<int>(last - first + 1);
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  return count > 0 ? std::optional<int>(count) : std::nullopt;
}

std::optional<int> readCpuList(const std::string& file) {
  const auto text = readTextFile(file);
  return text ? cpuListCount(*text) : std::nullopt;
}

void keepFewest(std::optional<int>& fewest, std::optional<int> count) {
  if (count && (!fewest || *count < *fewest)) fewest = count;
}

bool hasController(const std::string& controllers, const std::string& wanted) {
  std::istringstream in(controllers);
  std::string controller;
  while (std::getline(in, controller, ','))
    if (controller == wanted) return true;
  return false;
}

// Calls `visit(folder, v2)` for each cgroup folder that may limit this process's `controller`:
// its own and its ancestors', in the v2 hierarchy and in v1's hierarchy for the controller
// (under the joined controller names, "cpu,cpuacct", and under the controller's own name).
template <typename Visit>
void forEachCgroupFolder(const MachineRoots& roots, const std::string& controller, Visit visit) {
  auto text = readTextFile(roots.proc + "/self/cgroup");
  if (!text) return;
  const std::string base = roots.sys + "/fs/cgroup";
  std::istringstream lines(*text);
  std::string line;
  while (std::getline(lines, line)) {
    // "hierarchy-id:controllers:path"; v2 is "0::/path", v1 e.g. "4:cpu,cpuacct:/docker/abc".
    const auto first = line.find(':');
    const auto second = first == std::string::npos ? first : line.find(':', first + 1);
    if (second == std::string::npos) continue;
    const std::string controllers = line.substr(first + 1, second - first - 1);
    const bool v2 = line.compare(0, second + 1, "0::") == 0;
    if (!v2 && !hasController(controllers, controller)) continue;
    // Inside a container the path may be the host's ("/docker/abc") while the container's own
    // cgroup is mounted at the root, or "/" with the limit at the root: walking up covers both.
    for (const std::string& path : selfAndAncestors(line.substr(second + 1))) {
      if (v2) {
        visit(base + path, true);
      } else {
        visit(base + "/" + controllers + path, false);
        if (controllers != controller) visit(base + "/" + controller + path, false);
      }
    }
  }
}

// The number a file holds, if it starts with one.
std::optional<double> readNumber(const std::string& file) {
  const auto text = readTextFile(file);
  if (!text) return std::nullopt;
  std::istringstream in(*text);
  double number = 0.0;
  if (!(in >> number)) return std::nullopt;
  return number;
}

// A memory cgroup's limit in bytes; nullopt for none. v2 says "max" for none; v1 a page-rounded
// 2^63 (9223372036854771712).
std::optional<double> readMemoryLimit(const std::string& folder, bool v2) {
  const auto bytes = readNumber(folder + (v2 ? "/memory.max" : "/memory.limit_in_bytes"));
  if (!bytes || *bytes <= 0.0 || *bytes >= 0x1p62) return std::nullopt;
  return bytes;
}

// The number after `key` on its line of a "key value" file: /proc/meminfo's "MemAvailable:
// 123 kB", a cgroup's memory.stat "inactive_file 123".
std::optional<double> keyedNumber(const std::string& text, const std::string& key) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string name;
    double number = 0.0;
    if (fields >> name >> number && name == key) return number;
  }
  return std::nullopt;
}

}  // namespace

std::optional<int> cgroupCpusetCount(const MachineRoots& roots) {
  std::optional<int> fewest;
  forEachCgroupFolder(roots, "cpuset", [&](const std::string& folder, bool v2) {
    if (v2) {
      keepFewest(fewest, readCpuList(folder + "/cpuset.cpus.effective"));
    } else {
      keepFewest(fewest, readCpuList(folder + "/cpuset.effective_cpus"));
      keepFewest(fewest, readCpuList(folder + "/cpuset.cpus"));
    }
  });
  return fewest;
}

std::set<int> affinityCpus() {
  // cpu_set_t holds 1024 CPUs; the kernel refuses a mask smaller than its own, so grow it.
  for (int cpus = CPU_SETSIZE; cpus <= (1 << 20); cpus *= 2) {
    cpu_set_t* set = CPU_ALLOC(cpus);
    if (!set) return {};
    const std::size_t size = CPU_ALLOC_SIZE(cpus);
    CPU_ZERO_S(size, set);
    const int rc = sched_getaffinity(0, size, set);
    const int error = errno;
    std::set<int> allowed;
    for (int cpu = 0; rc == 0 && cpu < cpus; ++cpu) {
      if (CPU_ISSET_S(cpu, size, set)) allowed.insert(cpu);
    }
    CPU_FREE(set);
    if (rc == 0) return allowed;
    if (error != EINVAL) return {};
  }
  return {};
}

std::optional<int> affinityCpuCount() {
  const std::set<int> allowed = affinityCpus();
  return allowed.empty() ? std::nullopt : std::optional<int>(static_cast<int>(allowed.size()));
}

std::optional<double> cgroupCpuQuota(const MachineRoots& roots) {
  std::optional<double> tightest;
  // Not "cpuset", which pins CPUs (cgroupCpusetCount) but sets no quota.
  forEachCgroupFolder(roots, "cpu", [&](const std::string& folder, bool v2) {
    keepTightest(tightest, v2 ? readCpuMax(folder + "/cpu.max") : readCfsQuota(folder));
  });
  return tightest;
}

int defaultThreadCount(int physicalCores, std::optional<int> affinityCpus,
                       std::optional<double> quotaCpus) {
  int threads = std::max(physicalCores, 1);
  if (affinityCpus && *affinityCpus > 0) threads = std::min(threads, *affinityCpus);
  // A 1.5-CPU quota still lets two threads make progress; rounding down would waste half a CPU.
  if (quotaCpus && *quotaCpus > 0.0)
    threads = std::min(threads, static_cast<int>(std::ceil(*quotaCpus)));
  return std::max(threads, 1);
}

int usableCpuCount(const MachineRoots& roots) {
  const int logical = static_cast<int>(std::thread::hardware_concurrency());
  return defaultThreadCount(logical, affinityCpuCount(), cgroupCpuQuota(roots));
}

int machineCpuCount(const MachineRoots& roots) {
  const int logical = static_cast<int>(std::thread::hardware_concurrency());
  return defaultThreadCount(logical, cgroupCpusetCount(roots), cgroupCpuQuota(roots));
}

std::optional<double> cgroupMemoryLimitBytes(const MachineRoots& roots) {
  std::optional<double> tightest;
  forEachCgroupFolder(roots, "memory", [&](const std::string& folder, bool v2) {
    keepTightest(tightest, readMemoryLimit(folder, v2));
  });
  return tightest;
}

std::optional<double> availableMemoryBytes(const MachineRoots& roots) {
  std::optional<double> available;
  if (const auto meminfo = readTextFile(roots.proc + "/meminfo")) {
    if (const auto kb = keyedNumber(*meminfo, "MemAvailable:")) available = *kb * 1024.0;
  }
  forEachCgroupFolder(roots, "memory", [&](const std::string& folder, bool v2) {
    const auto limit = readMemoryLimit(folder, v2);
    const auto usage = readNumber(folder + (v2 ? "/memory.current" : "/memory.usage_in_bytes"));
    if (!limit || !usage) return;
    // The usage counts the cache of files read, which the kernel hands back before the limit
    // kills anything: only the rest is in use.
    double cache = 0.0;
    if (const auto stat = readTextFile(folder + "/memory.stat")) {
      cache = keyedNumber(*stat, v2 ? "inactive_file" : "total_inactive_file").value_or(0.0);
    }
    keepTightest(available, std::max(0.0, *limit - std::max(0.0, *usage - cache)));
  });
  return available;
}

std::optional<double> usableMemoryBytes(const MachineRoots& roots) {
  std::optional<double> memory;
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long pageSize = ::sysconf(_SC_PAGESIZE);
  if (pages > 0 && pageSize > 0) {
    memory = static_cast<double>(pages) * static_cast<double>(pageSize);
  }
  keepTightest(memory, cgroupMemoryLimitBytes(roots));
  return memory;
}

std::string tooManyThreadsWarning(int threads, int usableCpus) {
  if (usableCpus <= 0 || threads <= usableCpus) return {};
  const std::string cpus = std::to_string(usableCpus) + (usableCpus == 1 ? " CPU" : " CPUs");
  return std::to_string(threads) + " CPU threads, but this process may run on only " + cpus +
         ": the threads take turns on them, so the times measure that queueing more than the " +
         "CPU. Use " + std::to_string(usableCpus) + " threads or fewer.";
}

}  // namespace tb
