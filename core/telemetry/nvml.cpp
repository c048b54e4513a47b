// NVML through dlopen, after nvtop's extract_gpuinfo_nvidia.c: only the few functions and structs
// TrainBench uses are declared here (no nvml.h, no link-time dependency), and versioned symbols
// fall back to their older names (nvmlInit_v2 -> nvmlInit) so old drivers work too.
#include "telemetry/nvml.h"

#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

namespace tb {

namespace {

// Whether `pid` names a process in this process's pid namespace (its /proc has it).
bool processVisible(unsigned pid) {
  const std::string path = "/proc/" + std::to_string(pid);
  return ::access(path.c_str(), F_OK) == 0;
}

using NvmlDevice = void*;  // nvmlDevice_t: an opaque pointer

// nvml.h's structs, as far as TrainBench reads them (layouts are NVML's stable v1 ABI).
struct NvmlUtilization {
  unsigned int gpu;
  unsigned int memory;
};
struct NvmlMemoryV1 {
  unsigned long long total;
  unsigned long long free;
  unsigned long long used;
};
// One compute process: nvmlDeviceGetComputeRunningProcesses (v1) fills the short record, its _v2
// and _v3 the long one; reading one layout where the other was written would misread the pids.
struct NvmlProcessInfoV1 {
  unsigned int pid;
  unsigned long long usedGpuMemory;
};
struct NvmlProcessInfoV2 {
  unsigned int pid;
  unsigned long long usedGpuMemory;
  unsigned int gpuInstanceId;
  unsigned int computeInstanceId;
};

constexpr int kTemperatureGpu = 0;      // NVML_TEMPERATURE_GPU
constexpr int kClockSm = 1;             // NVML_CLOCK_SM
constexpr unsigned kNameBuffer = 96;    // NVML_DEVICE_NAME_V2_BUFFER_SIZE
constexpr unsigned kDriverBuffer = 80;  // NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE
constexpr double kBytesPerMb = 1024.0 * 1024.0;
// Room for the compute processes of one GPU: more than a shared GPU normally runs, so the list is
// read in one call; a longer list is read again at the size NVML asks for (plus a few for
// processes that start in between).
constexpr unsigned kProcessBuffer = 64;
constexpr unsigned kProcessSlack = 8;

// The first of `names` the library exports, as a function pointer of type F.
template <typename F>
F loadSymbol(void* library, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    if (void* symbol = dlsym(library, name)) return reinterpret_cast<F>(symbol);
  }
  return nullptr;
}

NvmlStatus statusOf(int code) { return static_cast<NvmlStatus>(code); }

// The pids of the GPU's compute processes, read with `get` (any version: Info is its record).
template <typename Info>
int computePids(int (*get)(NvmlDevice, unsigned*, Info*), NvmlDevice device,
                std::vector<unsigned>& pids) {
  std::vector<Info> infos(kProcessBuffer);
  unsigned count = kProcessBuffer;
  int status = get(device, &count, infos.data());
  if (statusOf(status) == NvmlStatus::InsufficientSize) {
    infos.resize(count + kProcessSlack);
    count = static_cast<unsigned>(infos.size());
    status = get(device, &count, infos.data());
  }
  if (status != 0) return status;
  for (unsigned i = 0; i < count && i < infos.size(); ++i) pids.push_back(infos[i].pid);
  return status;
}

}  // namespace

struct Nvml::Functions {
  int (*init)() = nullptr;
  int (*shutdown)() = nullptr;
  int (*getCount)(unsigned*) = nullptr;
  int (*getHandleByIndex)(unsigned, NvmlDevice*) = nullptr;
  int (*getHandleByPciBusId)(const char*, NvmlDevice*) = nullptr;
  int (*getIndex)(NvmlDevice, unsigned*) = nullptr;
  int (*getName)(NvmlDevice, char*, unsigned) = nullptr;
  int (*getComputeCapability)(NvmlDevice, int*, int*) = nullptr;
  int (*getDriverVersion)(char*, unsigned) = nullptr;
  int (*getUtilization)(NvmlDevice, NvmlUtilization*) = nullptr;
  int (*getMemory)(NvmlDevice, NvmlMemoryV1*) = nullptr;
  int (*getPower)(NvmlDevice, unsigned*) = nullptr;
  int (*getPowerLimit)(NvmlDevice, unsigned*) = nullptr;
  int (*getTemperature)(NvmlDevice, int, unsigned*) = nullptr;
  int (*getClock)(NvmlDevice, int, unsigned*) = nullptr;
  int (*getThrottleReasons)(NvmlDevice, unsigned long long*) = nullptr;
  // The process list under its _v3 or _v2 name, else (older drivers only) under its plain one.
  int (*getProcesses)(NvmlDevice, unsigned*, NvmlProcessInfoV2*) = nullptr;
  int (*getProcessesV1)(NvmlDevice, unsigned*, NvmlProcessInfoV1*) = nullptr;

  void load(void* library) {
    init = loadSymbol<decltype(init)>(library, {"nvmlInit_v2", "nvmlInit"});
    shutdown = loadSymbol<decltype(shutdown)>(library, {"nvmlShutdown"});
    getCount =
        loadSymbol<decltype(getCount)>(library, {"nvmlDeviceGetCount_v2", "nvmlDeviceGetCount"});
    getHandleByIndex = loadSymbol<decltype(getHandleByIndex)>(
        library, {"nvmlDeviceGetHandleByIndex_v2", "nvmlDeviceGetHandleByIndex"});
    getHandleByPciBusId = loadSymbol<decltype(getHandleByPciBusId)>(
        library, {"nvmlDeviceGetHandleByPciBusId_v2", "nvmlDeviceGetHandleByPciBusId"});
    getIndex = loadSymbol<decltype(getIndex)>(library, {"nvmlDeviceGetIndex"});
    getName = loadSymbol<decltype(getName)>(library, {"nvmlDeviceGetName"});
    getComputeCapability =
        loadSymbol<decltype(getComputeCapability)>(library, {"nvmlDeviceGetCudaComputeCapability"});
    getDriverVersion =
        loadSymbol<decltype(getDriverVersion)>(library, {"nvmlSystemGetDriverVersion"});
    getUtilization =
        loadSymbol<decltype(getUtilization)>(library, {"nvmlDeviceGetUtilizationRates"});
    getMemory = loadSymbol<decltype(getMemory)>(library, {"nvmlDeviceGetMemoryInfo"});
    getPower = loadSymbol<decltype(getPower)>(library, {"nvmlDeviceGetPowerUsage"});
    getPowerLimit =
        loadSymbol<decltype(getPowerLimit)>(library, {"nvmlDeviceGetEnforcedPowerLimit"});
    getTemperature = loadSymbol<decltype(getTemperature)>(library, {"nvmlDeviceGetTemperature"});
    getClock = loadSymbol<decltype(getClock)>(library, {"nvmlDeviceGetClockInfo"});
    // Drivers from 535 call throttle reasons "clocks event reasons" and deprecate the old name.
    getThrottleReasons = loadSymbol<decltype(getThrottleReasons)>(
        library,
        {"nvmlDeviceGetCurrentClocksEventReasons", "nvmlDeviceGetCurrentClocksThrottleReasons"});
    getProcesses = loadSymbol<decltype(getProcesses)>(
        library,
        {"nvmlDeviceGetComputeRunningProcesses_v3", "nvmlDeviceGetComputeRunningProcesses_v2"});
    if (!getProcesses) {
      getProcessesV1 =
          loadSymbol<decltype(getProcessesV1)>(library, {"nvmlDeviceGetComputeRunningProcesses"});
    }
  }
};

std::shared_ptr<Nvml> Nvml::open(std::string* why) {
  std::vector<std::string> candidates;
  const char* custom = std::getenv("TRAINBENCH_NVML_LIBRARY");
  if (custom && *custom) {
    candidates.emplace_back(custom);
  } else {
    candidates = {"libnvidia-ml.so.1", "libnvidia-ml.so"};
  }
  const auto fail = [why](const std::string& message) {
    if (why) *why = message;
    return std::shared_ptr<Nvml>();
  };

  void* library = nullptr;
  std::string path;
  std::string errors;
  for (const auto& candidate : candidates) {
    library = dlopen(candidate.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (library) {
      path = candidate;
      break;
    }
    const char* error = dlerror();
    errors += (errors.empty() ? "" : "; ") + std::string(error ? error : candidate);
  }
  if (!library) return fail("NVML not found (" + errors + ")");

  auto functions = std::make_unique<Functions>();
  functions->load(library);
  if (!functions->init || !functions->shutdown || !functions->getCount ||
      !functions->getHandleByIndex) {
    dlclose(library);
    return fail(path + " lacks the NVML functions TrainBench needs");
  }
  const int initialised = functions->init();
  if (initialised != 0) {
    dlclose(library);
    return fail(std::string("nvmlInit failed: ") + toString(statusOf(initialised)));
  }
  return std::shared_ptr<Nvml>(new Nvml(library, path, std::move(functions)));
}

Nvml::Nvml(void* library, std::string path, std::unique_ptr<Functions> functions)
    : m_library(library), m_path(std::move(path)), m_fn(std::move(functions)) {}

Nvml::~Nvml() {
  m_fn->shutdown();
  dlclose(m_library);
}

int Nvml::deviceCount() const {
  unsigned count = 0;
  return m_fn->getCount(&count) == 0 ? static_cast<int>(count) : 0;
}

std::optional<std::string> Nvml::driverVersion() const {
  if (!m_fn->getDriverVersion) return std::nullopt;
  char buffer[kDriverBuffer] = {};
  if (m_fn->getDriverVersion(buffer, kDriverBuffer) != 0 || buffer[0] == '\0') return std::nullopt;
  return std::string(buffer);
}

NvmlStatus Nvml::handle(int index, void** device) const {
  if (index < 0) return NvmlStatus::InvalidArgument;
  return statusOf(m_fn->getHandleByIndex(static_cast<unsigned>(index), device));
}

template <typename T, typename Function, typename Read>
NvmlResult<T> Nvml::deviceValue(int index, Function* function, Read read) const {
  NvmlDevice device = nullptr;
  NvmlResult<T> result;
  result.status = function ? handle(index, &device) : NvmlStatus::FunctionNotFound;
  if (result.status != NvmlStatus::Success) return result;
  T value{};
  result.status = statusOf(read(function, device, value));
  if (result.status == NvmlStatus::Success) result.value = std::move(value);
  return result;
}

NvmlResult<std::string> Nvml::name(int index) const {
  return deviceValue<std::string>(index, m_fn->getName,
                                  [](auto* getName, NvmlDevice device, std::string& name) {
                                    char buffer[kNameBuffer] = {};
                                    const int status = getName(device, buffer, kNameBuffer);
                                    name = buffer;
                                    return status;
                                  });
}

NvmlResult<std::string> Nvml::computeCapability(int index) const {
  return deviceValue<std::string>(index, m_fn->getComputeCapability,
                                  [](auto* get, NvmlDevice device, std::string& text) {
                                    int major = 0;
                                    int minor = 0;
                                    const int status = get(device, &major, &minor);
                                    text = std::to_string(major) + "." + std::to_string(minor);
                                    return status;
                                  });
}

std::optional<int> Nvml::indexOfPciBusId(const std::string& busId) const {
  if (!m_fn->getHandleByPciBusId || !m_fn->getIndex) return std::nullopt;
  NvmlDevice device = nullptr;
  if (m_fn->getHandleByPciBusId(busId.c_str(), &device) != 0) return std::nullopt;
  unsigned index = 0;
  if (m_fn->getIndex(device, &index) != 0) return std::nullopt;
  return static_cast<int>(index);
}

NvmlResult<double> Nvml::utilisationPercent(int index) const {
  return deviceValue<double>(index, m_fn->getUtilization,
                             [](auto* get, NvmlDevice device, double& percent) {
                               NvmlUtilization rates{};
                               const int status = get(device, &rates);
                               percent = static_cast<double>(rates.gpu);
                               return status;
                             });
}

NvmlResult<NvmlMemory> Nvml::memory(int index) const {
  return deviceValue<NvmlMemory>(
      index, m_fn->getMemory, [](auto* get, NvmlDevice device, NvmlMemory& memory) {
        NvmlMemoryV1 bytes{};
        const int status = get(device, &bytes);
        memory = NvmlMemory{static_cast<double>(bytes.total) / kBytesPerMb,
                            static_cast<double>(bytes.used) / kBytesPerMb};
        return status;
      });
}

namespace {

// Power readings come in milliwatts, the draw's and the limit's alike.
int readWatts(int (*get)(NvmlDevice, unsigned*), NvmlDevice device, double& watts) {
  unsigned milliwatts = 0;
  const int status = get(device, &milliwatts);
  watts = milliwatts / 1000.0;
  return status;
}

}  // namespace

NvmlResult<double> Nvml::powerWatts(int index) const {
  return deviceValue<double>(index, m_fn->getPower, readWatts);
}

NvmlResult<double> Nvml::powerLimitWatts(int index) const {
  return deviceValue<double>(index, m_fn->getPowerLimit, readWatts);
}

NvmlResult<double> Nvml::temperatureC(int index) const {
  return deviceValue<double>(index, m_fn->getTemperature,
                             [](auto* get, NvmlDevice device, double& celsius) {
                               unsigned value = 0;
                               const int status = get(device, kTemperatureGpu, &value);
                               celsius = static_cast<double>(value);
                               return status;
                             });
}

NvmlResult<double> Nvml::smClockMhz(int index) const {
  return deviceValue<double>(index, m_fn->getClock, [](auto* get, NvmlDevice device, double& mhz) {
    unsigned value = 0;
    const int status = get(device, kClockSm, &value);
    mhz = static_cast<double>(value);
    return status;
  });
}

NvmlResult<std::uint64_t> Nvml::clocksThrottleReasons(int index) const {
  return deviceValue<std::uint64_t>(index, m_fn->getThrottleReasons,
                                    [](auto* get, NvmlDevice device, std::uint64_t& reasons) {
                                      unsigned long long bits = 0;
                                      const int status = get(device, &bits);
                                      reasons = bits;
                                      return status;
                                    });
}

NvmlResult<int> Nvml::otherComputeProcesses(int index, const std::vector<int>& runPids) const {
  const auto countOthers = [&runPids](auto* get, NvmlDevice device, int& others) {
    std::vector<unsigned> pids;
    const int status = computePids(get, device, pids);
    // A process may be listed more than once (once per MIG compute instance it uses).
    std::sort(pids.begin(), pids.end());
    pids.erase(std::unique(pids.begin(), pids.end()), pids.end());
    const auto listed = [&pids](int pid) {
      return std::any_of(pids.begin(), pids.end(),
                         [pid](unsigned one) { return static_cast<long long>(one) == pid; });
    };
    const auto runListed = std::count_if(runPids.begin(), runPids.end(), listed);
    // None of the run's pids listed, while some listed pid is no process here: the pids are the
    // host's (a container), and one of them is this process. Which sibling ranks share this
    // GPU is unknown there, and an unreadable pid may be a stranger's (hidepid), so only this
    // process is forgiven.
    const bool hostPids = runListed == 0 && std::any_of(pids.begin(), pids.end(), [](unsigned pid) {
                            return !processVisible(pid);
                          });
    others = std::max<int>(0, static_cast<int>(pids.size()) - static_cast<int>(runListed) -
                                  (hostPids ? 1 : 0));
    return status;
  };
  if (m_fn->getProcesses) return deviceValue<int>(index, m_fn->getProcesses, countOthers);
  return deviceValue<int>(index, m_fn->getProcessesV1, countOthers);
}

const char* toString(NvmlStatus status) {
  switch (status) {
    case NvmlStatus::Success:
      return "NVML_SUCCESS";
    case NvmlStatus::Uninitialized:
      return "NVML_ERROR_UNINITIALIZED";
    case NvmlStatus::InvalidArgument:
      return "NVML_ERROR_INVALID_ARGUMENT";
    case NvmlStatus::NotSupported:
      return "NVML_ERROR_NOT_SUPPORTED";
    case NvmlStatus::NoPermission:
      return "NVML_ERROR_NO_PERMISSION";
    case NvmlStatus::NotFound:
      return "NVML_ERROR_NOT_FOUND";
    case NvmlStatus::InsufficientSize:
      return "NVML_ERROR_INSUFFICIENT_SIZE";
    case NvmlStatus::FunctionNotFound:
      return "NVML_ERROR_FUNCTION_NOT_FOUND";
    case NvmlStatus::GpuIsLost:
      return "NVML_ERROR_GPU_IS_LOST";
    case NvmlStatus::Unknown:
      return "NVML_ERROR_UNKNOWN";
  }
  return "NVML error";  // any other code NVML may return
}

}  // namespace tb
