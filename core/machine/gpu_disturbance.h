// Whether something outside the benchmark slowed a GPU during a run: the clocks held down (heat,
// power) and other processes sharing the GPU. The readings come from NVML; the rules turn them
// into sentences for the run's validity check. Qt-free.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tb {

class Nvml;

// One GPU's disturbance readings; a reading NVML could not give is std::nullopt (never 0).
struct GpuReading {
  std::string device;                            // "cuda:0"
  std::optional<std::uint64_t> throttleReasons;  // throttle_reason bits (telemetry/nvml.h)
  std::optional<int> otherProcesses;             // compute processes besides this one
};

// Sentences a user can act on, one per disturbance, in the order of `readings`, e.g.
// "cuda:0 slowed its clock for heat (thermal slowdown) during the run: check the GPU's cooling."
// Idle, sync boost, applications clocks and display clock hold clocks down too, but in normal
// operation (idle between steps, settings the user chose), so they give none.
std::vector<std::string> gpuDisturbanceWarnings(const std::vector<GpuReading>& readings);

// The readings of the GPU at `nvmlIndex` now, recorded as `device`; `runPids` are this process
// and its sibling ranks, which do not count as others. Its throttle reasons are those of this one moment: the
// caller ORs them with those taken during the run (accumulateThrottle).
GpuReading readGpuDisturbance(const Nvml& nvml, int nvmlIndex, const std::string& device,
                              const std::vector<int>& runPids);

// Throttle reasons are a reading of one moment, and a slowdown in the middle of a run is gone by
// its end. OR the reasons read with every telemetry sample into one value (start from 0) and put
// that in GpuReading::throttleReasons: each reason seen at any sample then counts.
constexpr std::uint64_t accumulateThrottle(std::uint64_t soFar, std::uint64_t reasons) {
  return soFar | reasons;
}

}  // namespace tb
