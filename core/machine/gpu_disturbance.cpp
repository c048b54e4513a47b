// The rules behind the GPU disturbance sentences: which of NVML's throttle reasons mean the run
// was slowed from outside, and the sentences that say so.
#include "machine/gpu_disturbance.h"

#include "telemetry/nvml.h"

namespace tb {

namespace {

namespace reason = throttle_reason;

constexpr std::uint64_t kThermal = reason::kSwThermalSlowdown | reason::kHwThermalSlowdown;

void addThrottleWarnings(const std::string& device, std::uint64_t reasons,
                         std::vector<std::string>& warnings) {
  if (reasons & kThermal) {
    warnings.push_back(device +
                       " slowed its clock for heat (thermal slowdown) during the run: check the "
                       "GPU's cooling.");
  }
  if (reasons & reason::kHwPowerBrakeSlowdown) {
    warnings.push_back(device +
                       " was slowed by an external power brake signal (power brake slowdown) "
                       "during the run: check the power supply and its cabling.");
  }
  // Newer drivers set the hardware slowdown bit together with the thermal or power brake bit
  // that explains it; only an unexplained one needs a sentence of its own.
  if ((reasons & reason::kHwSlowdown) &&
      !(reasons & (reason::kHwThermalSlowdown | reason::kHwPowerBrakeSlowdown))) {
    warnings.push_back(device +
                       " cut its clock in hardware (hardware slowdown: heat or power draw) during "
                       "the run: check the GPU's cooling and power supply.");
  }
  // Under a training load the power cap is often reached by design; it still makes results
  // depend on the power limit, so it is said, apart from the faults above.
  if (reasons & reason::kSwPowerCap) {
    warnings.push_back(device +
                       " held its clock down to stay within its power limit (power cap) during "
                       "the run.");
  }
}

}  // namespace

std::vector<std::string> gpuDisturbanceWarnings(const std::vector<GpuReading>& readings) {
  std::vector<std::string> warnings;
  for (const GpuReading& reading : readings) {
    if (reading.throttleReasons) {
      addThrottleWarnings(reading.device, *reading.throttleReasons, warnings);
    }
    if (reading.otherProcesses && *reading.otherProcesses == 1) {
      warnings.push_back("1 other process was using " + reading.device +
                         " during the run: it shares its time and memory; close it.");
    } else if (reading.otherProcesses && *reading.otherProcesses > 1) {
      warnings.push_back(std::to_string(*reading.otherProcesses) + " other processes were using " +
                         reading.device +
                         " during the run: they share its time and memory; close them.");
    }
  }
  return warnings;
}

GpuReading readGpuDisturbance(const Nvml& nvml, int nvmlIndex, const std::string& device,
                              const std::vector<int>& runPids) {
  return GpuReading{device, nvml.clocksThrottleReasons(nvmlIndex).value,
                    nvml.otherComputeProcesses(nvmlIndex, runPids).value};
}

}  // namespace tb
