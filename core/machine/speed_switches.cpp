// Speed-changing environment variables (speed_switches.h).
#include "machine/speed_switches.h"

#include <cstdlib>

namespace tb {

const std::vector<std::string>& speedSwitchNames() {
  static const std::vector<std::string> names = {
      // TrainBench's own (README: channels-last, cuDNN benchmark mode).
      "TRAINBENCH_CHANNELS_LAST", "TRAINBENCH_CUDNN_BENCHMARK",
      // OpenMP (LibTorch's CPU threads) and the BLAS libraries.
      "OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "OMP_PROC_BIND", "OMP_PLACES", "OMP_DYNAMIC",
      "OPENBLAS_NUM_THREADS", "OPENBLAS_CORETYPE", "MKL_NUM_THREADS", "KMP_AFFINITY",
      "KMP_BLOCKTIME",
      // CUDA: TF32 forced off, every launch synchronous, allocator and cuBLAS settings.
      "NVIDIA_TF32_OVERRIDE", "CUDA_LAUNCH_BLOCKING", "CUBLAS_WORKSPACE_CONFIG",
      "PYTORCH_CUDA_ALLOC_CONF", "CUDA_MODULE_LOADING"};
  return names;
}

std::map<std::string, std::string> speedSwitches() {
  std::map<std::string, std::string> set;
  for (const std::string& name : speedSwitchNames()) {
    if (const char* value = std::getenv(name.c_str())) set[name] = value;
  }
  return set;
}

std::string speedSwitchesText(const std::map<std::string, std::string>& switches) {
  std::string text;
  for (const auto& [name, value] : switches) {
    text += (text.empty() ? "" : ", ") + name + "=" + value;
  }
  return text;
}

}  // namespace tb
