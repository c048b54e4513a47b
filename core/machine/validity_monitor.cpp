// ValidityMonitor (validity_monitor.h): the machine rules and the GPU rules, joined.
#include "machine/validity_monitor.h"

#include "machine/cpu_budget.h"
#include "machine/disturbance.h"
#include "machine/gpu_disturbance.h"
#include "telemetry/nvml.h"

#include <unistd.h>

#include <algorithm>

namespace tb {

ValidityMonitor::ValidityMonitor(std::optional<int> nvmlIndex, std::string device,
                                 MachineRoots roots, bool otherRanks)
    : m_roots(std::move(roots)),
      m_otherRanks(otherRanks),
      m_device(std::move(device)),
      m_nvmlIndex(nvmlIndex) {
  if (m_nvmlIndex) m_nvml = Nvml::open();
}

ValidityMonitor::~ValidityMonitor() = default;

namespace {

// The launcher's children: with otherRanks, this process's sibling ranks (the local ranks'
// trainbench-cli, torchrun, srun and mpirun start every rank as a child of theirs). An orphan's
// parent is init: its other children are the machine's daemons, not ranks.
void addSiblings(const MachineSnapshot& snapshot, std::vector<int>& pids) {
  const int launcher = getppid();
  if (launcher <= 1) return;
  for (const auto& [pid, process] : snapshot.processes) {
    if (process.parent == launcher && std::find(pids.begin(), pids.end(), pid) == pids.end()) {
      pids.push_back(pid);
    }
  }
}

}  // namespace

void ValidityMonitor::start() {
  m_before = readMachineSnapshot(m_roots, getpid());
  m_runPids = {getpid()};
  if (m_otherRanks) addSiblings(m_before, m_runPids);
}

void ValidityMonitor::sampleGpu() {
  if (!m_nvml || !m_nvmlIndex) return;
  if (m_runPids.empty()) m_runPids = {getpid()};
  const GpuReading reading = readGpuDisturbance(*m_nvml, *m_nvmlIndex, m_device, m_runPids);
  if (reading.throttleReasons) {
    m_throttle = accumulateThrottle(m_throttle, *reading.throttleReasons);
    m_throttleRead = true;
  }
  if (reading.otherProcesses) {
    m_otherGpuProcesses = std::max(m_otherGpuProcesses.value_or(0), *reading.otherProcesses);
  }
}

ValidityRecord ValidityMonitor::finish() {
  const MachineSnapshot after = readMachineSnapshot(m_roots, getpid());
  ValidityRecord record;
  DisturbanceThresholds thresholds;
  if (m_otherRanks) {
    // The other ranks on this machine are this process's siblings under one launcher (the
    // local ranks' trainbench-cli, torchrun, srun, mpirun): they and the launcher are the run.
    // Strangers' processes still count; the busy time no process accounts for does not, as a
    // rank that ended before this look would read as a stranger's.
    const int launcher = getppid();
    const auto addRanks = [&](const MachineSnapshot& snapshot) {
      for (const auto& [pid, process] : snapshot.processes) {
        if (process.parent == launcher) thresholds.runProcesses.insert(pid);
      }
    };
    // An orphan's parent is init: its other children are the machine's daemons, not ranks.
    if (launcher > 1) {
      thresholds.runProcesses.insert(launcher);
      addRanks(m_before);
      addRanks(after);
    }
    thresholds.countUnlisted = false;
  }
  thresholds.runCpus = affinityCpus();
  record.warnings = disturbanceWarnings(m_before, after, thresholds);
  if (m_otherRanks) addSiblings(after, m_runPids);
  sampleGpu();
  if (m_nvml && m_nvmlIndex) {
    GpuReading gpu{m_device, std::nullopt, m_otherGpuProcesses};
    if (m_throttleRead) gpu.throttleReasons = m_throttle;
    for (auto& warning : gpuDisturbanceWarnings({gpu})) record.warnings.push_back(warning);
  }
  record.disturbed = !record.warnings.empty();
  return record;
}

}  // namespace tb
