// The CUDA driver API through dlopen. cuInit is idempotent and LibTorch's CUDA runtime calls it
// anyway, so calling it here changes nothing for training.
#include "devices/cuda_driver.h"

#include <dlfcn.h>

#include <mutex>

namespace tb {

namespace {

constexpr int kComputeCapabilityMajor = 75;  // CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR
constexpr int kComputeCapabilityMinor = 76;  // CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR

struct Driver {
  int (*init)(unsigned) = nullptr;
  int (*deviceGet)(int*, int) = nullptr;
  int (*pciBusId)(char*, int, int) = nullptr;
  int (*name)(char*, int, int) = nullptr;
  int (*totalMem)(std::size_t*, int) = nullptr;
  int (*attribute)(int*, int, int) = nullptr;
  int (*driverVersion)(int*) = nullptr;
  bool ready = false;
};

template <typename F>
F loadSymbol(void* library, const char* name) {
  return reinterpret_cast<F>(dlsym(library, name));
}

// Loaded once and kept for the process, like the driver itself.
const Driver& driver() {
  static Driver loaded;
  static std::once_flag once;
  std::call_once(once, [] {
    void* library = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!library) return;
    loaded.init = loadSymbol<decltype(loaded.init)>(library, "cuInit");
    loaded.deviceGet = loadSymbol<decltype(loaded.deviceGet)>(library, "cuDeviceGet");
    loaded.pciBusId = loadSymbol<decltype(loaded.pciBusId)>(library, "cuDeviceGetPCIBusId");
    loaded.name = loadSymbol<decltype(loaded.name)>(library, "cuDeviceGetName");
    loaded.totalMem = loadSymbol<decltype(loaded.totalMem)>(library, "cuDeviceTotalMem_v2");
    loaded.attribute = loadSymbol<decltype(loaded.attribute)>(library, "cuDeviceGetAttribute");
    loaded.driverVersion =
        loadSymbol<decltype(loaded.driverVersion)>(library, "cuDriverGetVersion");
    loaded.ready = loaded.init && loaded.deviceGet && loaded.init(0) == 0;
  });
  return loaded;
}

}  // namespace

std::optional<CudaDriverDevice> cudaDriverDevice(int ordinal) {
  const Driver& cuda = driver();
  int device = 0;
  if (!cuda.ready || cuda.deviceGet(&device, ordinal) != 0) return std::nullopt;
  CudaDriverDevice facts;
  char buffer[256] = {};
  if (cuda.pciBusId && cuda.pciBusId(buffer, static_cast<int>(sizeof buffer), device) == 0) {
    facts.pciBusId = buffer;
  }
  buffer[0] = '\0';
  if (cuda.name && cuda.name(buffer, static_cast<int>(sizeof buffer), device) == 0) {
    facts.name = buffer;
  }
  std::size_t bytes = 0;
  if (cuda.totalMem && cuda.totalMem(&bytes, device) == 0 && bytes > 0) {
    facts.memoryMb = static_cast<double>(bytes) / (1024.0 * 1024.0);
  }
  int major = 0;
  int minor = 0;
  if (cuda.attribute && cuda.attribute(&major, kComputeCapabilityMajor, device) == 0 &&
      cuda.attribute(&minor, kComputeCapabilityMinor, device) == 0) {
    facts.computeCapability = std::to_string(major) + "." + std::to_string(minor);
  }
  return facts;
}

std::optional<std::string> cudaDriverVersion() {
  const Driver& cuda = driver();
  int version = 0;
  if (!cuda.ready || !cuda.driverVersion || cuda.driverVersion(&version) != 0 || version <= 0) {
    return std::nullopt;
  }
  return std::to_string(version / 1000) + "." + std::to_string(version % 1000 / 10);
}

}  // namespace tb
