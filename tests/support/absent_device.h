// A device id that is well formed but absent on this machine, asked of the core's device list,
// for the tests of what happens when a run names a missing GPU (no test may assume a machine
// has fewer than eight GPUs).
#pragma once

#include "devices/device_id.h"

#include <string>

namespace tbtest {

// "cuda:N" where N is the number of CUDA devices this build sees: the first index it lacks.
inline std::string absentCudaDevice() {
  int cudaDevices = 0;
  for (const std::string& device : tb::availableDevices()) {
    if (device.rfind("cuda:", 0) == 0) ++cudaDevices;
  }
  return "cuda:" + std::to_string(cudaDevices);
}

}  // namespace tbtest
