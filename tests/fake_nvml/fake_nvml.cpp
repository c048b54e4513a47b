// A fake libnvidia-ml for the telemetry tests: the same C symbols as NVML, with values and errors
// scripted through environment variables read on every call, so one test process can walk the
// sampler through success, NOT_SUPPORTED, NO_PERMISSION and a lost GPU.
//
//   FAKE_NVML_INIT=fail            nvmlInit returns NVML_ERROR_DRIVER_NOT_LOADED
//   FAKE_NVML_DEVICES=N            number of GPUs (default 1)
//   FAKE_NVML_UTIL=55              a value, or NOT_SUPPORTED / NO_PERMISSION / GPU_IS_LOST /
//   UNKNOWN FAKE_NVML_MEMORY_USED_MB, FAKE_NVML_MEMORY_TOTAL_MB, FAKE_NVML_POWER_MW,
//   FAKE_NVML_TEMP, FAKE_NVML_SM_CLOCK,
//   FAKE_NVML_POWER_LIMIT_MW                       the same for the other metrics
//   FAKE_NVML_LOST_AFTER=N         after N utilisation reads every device call says GPU_IS_LOST
//   FAKE_NVML_PCI=id0,id1          PCI bus ids by index (default 00000000:0<i>:00.0)
//   FAKE_NVML_THROTTLE_REASONS=96  clock throttle reason bits, in decimal (default 0), or an error
//   FAKE_NVML_PROCESSES=pid,pid    compute processes on every GPU (default none), or an error;
//                                  a list longer than the caller's buffer reads INSUFFICIENT_SIZE
//
// Legacy and versioned names are mixed on purpose (nvmlInit but nvmlDeviceGetCount_v2, the old
// ClocksThrottleReasons, ComputeRunningProcesses_v2 but no _v3), so the loader's fallbacks
// between names are exercised.
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr int kSuccess = 0;
constexpr int kInvalidArgument = 2;
constexpr int kNotSupported = 3;
constexpr int kNoPermission = 4;
constexpr int kNotFound = 6;
constexpr int kInsufficientSize = 7;
constexpr int kDriverNotLoaded = 9;
constexpr int kGpuIsLost = 15;
constexpr int kUnknown = 999;
constexpr int kMaxDevices = 8;

enum Metric { kUtil, kMemory, kPower, kTemperature, kClock, kMetricCount };

struct FakeDevice {
  unsigned index;
};
FakeDevice g_devices[kMaxDevices] = {{0}, {1}, {2}, {3}, {4}, {5}, {6}, {7}};
std::atomic<int> g_calls[kMetricCount];
std::atomic<int> g_initialised{0};

const char* env(const char* name) {
  const char* value = std::getenv(name);
  return value && *value ? value : nullptr;
}

int deviceCount() {
  const char* value = env("FAKE_NVML_DEVICES");
  const int count = value ? std::atoi(value) : 1;
  return count < 0 ? 0 : (count > kMaxDevices ? kMaxDevices : count);
}

bool lost() {
  const char* after = env("FAKE_NVML_LOST_AFTER");
  return after && g_calls[kUtil].load() > std::atoi(after);
}

// The error a script's text names (NOT_SUPPORTED, ...), or kSuccess when it is a value.
int scriptedError(const char* text) {
  if (std::strcmp(text, "NOT_SUPPORTED") == 0) return kNotSupported;
  if (std::strcmp(text, "NO_PERMISSION") == 0) return kNoPermission;
  if (std::strcmp(text, "GPU_IS_LOST") == 0) return kGpuIsLost;
  if (std::strcmp(text, "UNKNOWN") == 0) return kUnknown;
  return kSuccess;
}

// The scripted answer for a metric: an error code, or success with `value` set.
int scripted(const char* name, unsigned long long fallback, unsigned long long* value) {
  if (lost()) return kGpuIsLost;
  const char* text = env(name);
  if (!text) {
    *value = fallback;
    return kSuccess;
  }
  if (const int error = scriptedError(text)) return error;
  *value = std::strtoull(text, nullptr, 10);
  return kSuccess;
}

// "a,b" -> {"a", "b"}; empty items are kept, so positions stay positions.
std::vector<std::string> splitList(const std::string& list) {
  std::vector<std::string> items;
  std::size_t start = 0;
  std::size_t end = 0;
  while ((end = list.find(',', start)) != std::string::npos) {
    items.push_back(list.substr(start, end - start));
    start = end + 1;
  }
  items.push_back(list.substr(start));
  return items;
}

const FakeDevice* deviceOf(void* handle) {
  for (const auto& device : g_devices) {
    if (&device == handle) return &device;
  }
  return nullptr;
}

std::string pciBusId(unsigned index) {
  if (const char* list = env("FAKE_NVML_PCI")) {
    const std::vector<std::string> ids = splitList(list);
    return index < ids.size() ? ids[index] : std::string();
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "00000000:%02X:00.0", index + 1);
  return buffer;
}

}  // namespace

extern "C" {

struct FakeUtilization {
  unsigned int gpu;
  unsigned int memory;
};
struct FakeMemory {
  unsigned long long total;
  unsigned long long free;
  unsigned long long used;
};
struct FakeProcessInfoV2 {  // nvmlProcessInfo_v2_t
  unsigned int pid;
  unsigned long long usedGpuMemory;
  unsigned int gpuInstanceId;
  unsigned int computeInstanceId;
};

__attribute__((visibility("default"))) int nvmlInit() {
  if (const char* init = env("FAKE_NVML_INIT"); init && std::strcmp(init, "fail") == 0) {
    return kDriverNotLoaded;
  }
  g_initialised.fetch_add(1);
  return kSuccess;
}

__attribute__((visibility("default"))) int nvmlShutdown() {
  g_initialised.fetch_sub(1);
  return kSuccess;
}

__attribute__((visibility("default"))) int nvmlDeviceGetCount_v2(unsigned* count) {
  *count = static_cast<unsigned>(deviceCount());
  return kSuccess;
}

__attribute__((visibility("default"))) int nvmlDeviceGetHandleByIndex(unsigned index,
                                                                      void** device) {
  if (static_cast<int>(index) >= deviceCount()) return kInvalidArgument;
  *device = &g_devices[index];
  return kSuccess;
}

__attribute__((visibility("default"))) int nvmlDeviceGetHandleByPciBusId_v2(const char* busId,
                                                                            void** device) {
  // NVML reads the id as hex numbers, so "0000:17:00.0" finds "00000000:17:00.0".
  const auto parse = [](const char* text) {
    unsigned parts[4] = {~0u, ~0u, ~0u, ~0u};
    std::sscanf(text, "%x:%x:%x.%x", &parts[0], &parts[1], &parts[2], &parts[3]);
    return std::to_string(parts[0]) + ":" + std::to_string(parts[1]) + ":" +
           std::to_string(parts[2]) + "." + std::to_string(parts[3]);
  };
  for (int i = 0; i < deviceCount(); ++i) {
    if (parse(pciBusId(static_cast<unsigned>(i)).c_str()) == parse(busId)) {
      *device = &g_devices[i];
      return kSuccess;
    }
  }
  return kNotFound;
}

__attribute__((visibility("default"))) int nvmlDeviceGetIndex(void* device, unsigned* index) {
  const FakeDevice* fake = deviceOf(device);
  if (!fake) return kInvalidArgument;
  *index = fake->index;
  return kSuccess;
}

__attribute__((visibility("default"))) int nvmlSystemGetDriverVersion(char* version,
                                                                      unsigned length) {
  std::snprintf(version, length, "%s", "999.99.01");
  return kSuccess;
}

__attribute__((visibility("default"))) int nvmlDeviceGetName(void* device, char* name,
                                                             unsigned length) {
  const FakeDevice* fake = deviceOf(device);
  if (!fake) return kInvalidArgument;
  std::snprintf(name, length, "Fake GPU %u", fake->index);
  return kSuccess;
}

__attribute__((visibility("default"))) int nvmlDeviceGetCudaComputeCapability(void* device,
                                                                              int* major,
                                                                              int* minor) {
  if (!deviceOf(device)) return kInvalidArgument;
  *major = 8;
  *minor = 6;
  return kSuccess;
}

__attribute__((visibility("default"))) int nvmlDeviceGetUtilizationRates(
    void* device, FakeUtilization* utilization) {
  if (!deviceOf(device)) return kInvalidArgument;
  const bool wasLost = lost();
  g_calls[kUtil].fetch_add(1);
  unsigned long long value = 0;
  const int status = wasLost ? kGpuIsLost : scripted("FAKE_NVML_UTIL", 42, &value);
  if (status == kSuccess) *utilization = {static_cast<unsigned>(value), 10};
  return status;
}

__attribute__((visibility("default"))) int nvmlDeviceGetMemoryInfo(void* device,
                                                                   FakeMemory* memory) {
  if (!deviceOf(device)) return kInvalidArgument;
  g_calls[kMemory].fetch_add(1);
  unsigned long long used = 0;
  unsigned long long total = 0;
  int status = scripted("FAKE_NVML_MEMORY_USED_MB", 1024, &used);
  if (status == kSuccess) status = scripted("FAKE_NVML_MEMORY_TOTAL_MB", 8192, &total);
  if (status == kSuccess) {
    constexpr unsigned long long kMb = 1024ull * 1024ull;
    *memory = {total * kMb, (total - used) * kMb, used * kMb};
  }
  return status;
}

__attribute__((visibility("default"))) int nvmlDeviceGetPowerUsage(void* device,
                                                                   unsigned* milliwatts) {
  if (!deviceOf(device)) return kInvalidArgument;
  g_calls[kPower].fetch_add(1);
  unsigned long long value = 0;
  const int status = scripted("FAKE_NVML_POWER_MW", 150500, &value);
  if (status == kSuccess) *milliwatts = static_cast<unsigned>(value);
  return status;
}

__attribute__((visibility("default"))) int nvmlDeviceGetEnforcedPowerLimit(void* device,
                                                                           unsigned* milliwatts) {
  if (!deviceOf(device)) return kInvalidArgument;
  unsigned long long value = 0;
  const int status = scripted("FAKE_NVML_POWER_LIMIT_MW", 350000, &value);
  if (status == kSuccess) *milliwatts = static_cast<unsigned>(value);
  return status;
}

__attribute__((visibility("default"))) int nvmlDeviceGetTemperature(void* device, int /*sensor*/,
                                                                    unsigned* celsius) {
  if (!deviceOf(device)) return kInvalidArgument;
  g_calls[kTemperature].fetch_add(1);
  unsigned long long value = 0;
  const int status = scripted("FAKE_NVML_TEMP", 61, &value);
  if (status == kSuccess) *celsius = static_cast<unsigned>(value);
  return status;
}

__attribute__((visibility("default"))) int nvmlDeviceGetClockInfo(void* device, int /*type*/,
                                                                  unsigned* mhz) {
  if (!deviceOf(device)) return kInvalidArgument;
  g_calls[kClock].fetch_add(1);
  unsigned long long value = 0;
  const int status = scripted("FAKE_NVML_SM_CLOCK", 1755, &value);
  if (status == kSuccess) *mhz = static_cast<unsigned>(value);
  return status;
}

__attribute__((visibility("default"))) int nvmlDeviceGetCurrentClocksThrottleReasons(
    void* device, unsigned long long* reasons) {
  if (!deviceOf(device)) return kInvalidArgument;
  unsigned long long value = 0;
  const int status = scripted("FAKE_NVML_THROTTLE_REASONS", 0, &value);
  if (status == kSuccess) *reasons = value;
  return status;
}

// NVML's contract: `*count` is the room in `infos` on the way in and the number of processes on
// the way out; when they do not fit, nothing is written and the status says so.
__attribute__((visibility("default"))) int nvmlDeviceGetComputeRunningProcesses_v2(
    void* device, unsigned* count, FakeProcessInfoV2* infos) {
  if (!deviceOf(device) || !count) return kInvalidArgument;
  if (lost()) return kGpuIsLost;
  std::vector<unsigned> pids;
  if (const char* text = env("FAKE_NVML_PROCESSES")) {
    if (const int error = scriptedError(text)) return error;
    for (const std::string& pid : splitList(text)) {
      pids.push_back(static_cast<unsigned>(std::strtoul(pid.c_str(), nullptr, 10)));
    }
  }
  const unsigned room = *count;
  *count = static_cast<unsigned>(pids.size());
  if (pids.size() > room) return kInsufficientSize;
  if (!pids.empty() && !infos) return kInvalidArgument;
  for (std::size_t i = 0; i < pids.size(); ++i) {
    infos[i] = {pids[i], 256ull * 1024 * 1024, 0xFFFFFFFFu, 0xFFFFFFFFu};  // no MIG instance
  }
  return kSuccess;
}

// Test hooks (not NVML's): how often each metric was asked for, and a reset between cases.
__attribute__((visibility("default"))) int fake_nvml_calls(int metric) {
  return metric >= 0 && metric < kMetricCount ? g_calls[metric].load() : -1;
}

__attribute__((visibility("default"))) int fake_nvml_open_sessions() {
  return g_initialised.load();
}

__attribute__((visibility("default"))) void fake_nvml_reset() {
  for (auto& calls : g_calls) calls.store(0);
}

}  // extern "C"
