// NVIDIA's management library (NVML), loaded at run time with dlopen so TrainBench neither links
// nor needs it: GPU facts (name, memory, compute capability, driver) and live readings
// (utilisation, memory, power, temperature, SM clock). Each reading says why it is missing.
#pragma once

#include <memory>
#include <optional>
#include <string>

namespace tb {

// NVML's nvmlReturn_t values that TrainBench tells apart (the numbers are NVML's).
enum class NvmlStatus : int {
  Success = 0,
  Uninitialized = 1,
  InvalidArgument = 2,
  NotSupported = 3,
  NoPermission = 4,
  NotFound = 6,
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
  NvmlResult<double> temperatureC(int index) const;
  NvmlResult<double> smClockMhz(int index) const;

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
