// Watches one training run for disturbances: a machine snapshot when the clock starts and one at
// the end (other processes, steal, clocks, heat, battery, memory), and the run's GPU read through
// NVML after every epoch, so a slowdown in the middle still counts.
#pragma once

#include "machine/machine_snapshot.h"
#include "results/run_result.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tb {

class Nvml;

class ValidityMonitor {
 public:
  // `nvmlIndex`: the run's GPU as NVML numbers it, when NVML knows it; `device` names it.
  // `otherRanks`: this run's other ranks may share the machine on purpose (a data-parallel run):
  // their CPU use, and their launcher's, is then not held against the run, nor their compute
  // contexts on a GPU they share with this rank; strangers' still are.
  ValidityMonitor(std::optional<int> nvmlIndex, std::string device, MachineRoots roots = {},
                  bool otherRanks = false);
  ~ValidityMonitor();

  void start();
  void sampleGpu();
  // The warnings between start() and now; disturbed when there is any.
  ValidityRecord finish();

 private:
  MachineRoots m_roots;
  bool m_otherRanks = false;
  std::string m_device;
  std::optional<int> m_nvmlIndex;
  std::shared_ptr<Nvml> m_nvml;
  MachineSnapshot m_before;
  std::vector<int> m_runPids;  // this process, then its sibling ranks (with otherRanks)
  std::uint64_t m_throttle = 0;
  bool m_throttleRead = false;
  std::optional<int> m_otherGpuProcesses;
};

}  // namespace tb
