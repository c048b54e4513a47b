// NVIDIA's management library (NVML), loaded at run time with dlopen so TrainBench neither links
// nor needs it: GPU facts (name, memory, compute capability, driver) and live readings
// (utilisation, memory, power, temperature, SM clock, clock throttle reasons, other processes).
// Each reading says why it is missing.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tb {

// NVML's nvmlReturn_t values that TrainBench tells apart (the numbers are NVML's).
enum class NvmlStatus : int {
  Success = 0,
  Uninitialized = 1,
  InvalidArgument = 2,
  NotSupported = 3,
  NoPermission = 4,
  NotFound = 6,
  InsufficientSize = 7,   // a list did not fit the buffer; NVML says how many entries it needs
  FunctionNotFound = 13,  // NVML's code; also used here when this NVML lacks the symbol
  GpuIsLost = 15,
  Unknown = 999,
};

// A value or the status that kept it from being read.
template <typename T>
struct NvmlResult {
  std::optional<T> value;
  NvmlStatus status = NvmlStatus::Unknown;
};

// NVML's clock throttle reason bits (nvmlClocksThrottleReason*, renamed nvmlClocksEventReason* in
// newer drivers with the same values), as Nvml::clocksThrottleReasons returns them.
namespace throttle_reason {
constexpr std::uint64_t kGpuIdle = 0x1;
constexpr std::uint64_t kApplicationsClocksSetting = 0x2;
constexpr std::uint64_t kSwPowerCap = 0x4;
// Clocks cut by half or more for heat, an external power brake or too high a power draw; newer
// drivers also set one of the two bits below when they know which.
constexpr std::uint64_t kHwSlowdown = 0x8;
constexpr std::uint64_t kSyncBoost = 0x10;
constexpr std::uint64_t kSwThermalSlowdown = 0x20;
constexpr std::uint64_t kHwThermalSlowdown = 0x40;
constexpr std::uint64_t kHwPowerBrakeSlowdown = 0x80;
constexpr std::uint64_t kDisplayClockSetting = 0x100;
}  // namespace throttle_reason

struct NvmlMemory {
  double totalMb = 0.0;
  double usedMb = 0.0;
};

// One open NVML library. NVML itself is thread-safe, so one instance may be shared by threads.
// Handles are looked up by NVML index on each call (the lookup is a table read inside NVML).
class Nvml {
 public:
  // Loads and initialises NVML: the file named by $TRAINBENCH_NVML_LIBRARY when it is set (only
  // that one, so tests can point at a fake), else libnvidia-ml.so.1, else libnvidia-ml.so.
  // nullptr when there is none or it does not initialise; `why` (optional) then says why.
  static std::shared_ptr<Nvml> open(std::string* why = nullptr);

  ~Nvml();  // nvmlShutdown and dlclose
  Nvml(const Nvml&) = delete;
  Nvml& operator=(const Nvml&) = delete;

  const std::string& libraryPath() const { return m_path; }
  int deviceCount() const;
  std::optional<std::string> driverVersion() const;

  NvmlResult<std::string> name(int index) const;
  NvmlResult<std::string> computeCapability(int index) const;  // "8.6"
  // The NVML index of the GPU at a PCI bus id ("0000:17:00.0"); how CUDA devices are matched.
  std::optional<int> indexOfPciBusId(const std::string& busId) const;

  NvmlResult<double> utilisationPercent(int index) const;
  NvmlResult<NvmlMemory> memory(int index) const;
  NvmlResult<double> powerWatts(int index) const;
  // The power the board may draw now (NVML's enforced limit): an administrator may have set it
  // below the card's default, and one model at two limits trains at two speeds.
  NvmlResult<double> powerLimitWatts(int index) const;
  NvmlResult<double> temperatureC(int index) const;
  NvmlResult<double> smClockMhz(int index) const;
  // Why the clocks are below their maximum at this moment (throttle_reason bits). One reading
  // can miss a slowdown earlier in a run: OR the readings of every sample (accumulateThrottle in
  // machine/gpu_disturbance.h).
  NvmlResult<std::uint64_t> clocksThrottleReasons(int index) const;
  // How many processes other than the run's hold a compute context on the GPU now. `runPids` is
  // this process and its sibling ranks (data-parallel ranks may share one GPU). NVML gives pids
  // as the host sees them: inside a container with its own pid namespace the run's pids are not
  // among them, and some listed ones name no process here. Then one of those is taken for this
  // process and not counted.
  NvmlResult<int> otherComputeProcesses(int index, const std::vector<int>& runPids) const;
  NvmlResult<int> otherComputeProcesses(int index, int selfPid) const {
    return otherComputeProcesses(index, std::vector<int>{selfPid});
  }

  struct Functions;  // the dlsym'd table (nvml.cpp)

 private:
  Nvml(void* library, std::string path, std::unique_ptr<Functions> functions);
  // The device handle for `index`, or the status that kept it from being found.
  NvmlStatus handle(int index, void** device) const;
  // Every per-device getter: the handle for `index`, then `read(function, device, value)`, which
  // calls NVML's `function` and returns its status. A function the driver lacks (null) reads
  // FunctionNotFound; the value is set only on success.
  template <typename T, typename Function, typename Read>
  NvmlResult<T> deviceValue(int index, Function* function, Read read) const;

  void* m_library;
  std::string m_path;
  std::unique_ptr<Functions> m_fn;
};

// "NVML_ERROR_NOT_SUPPORTED"-style names for messages and tests.
const char* toString(NvmlStatus status);

}  // namespace tb
