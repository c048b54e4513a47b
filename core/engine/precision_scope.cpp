// Autocast and TF32 switches. LibTorch 2.4 replaced the per-backend autocast calls
// (set_cpu_enabled, set_autocast_gpu_dtype, ...) with calls that take the device type; the
// older ones are kept for LibTorch 1.13 to 2.3.
#include "engine/precision_scope.h"

#include <ATen/Context.h>
#include <ATen/autocast_mode.h>
#include <torch/version.h>

#include <cstdlib>
#include <string>

#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
#define TB_AUTOCAST_BY_DEVICE_TYPE 1
#endif

namespace tb {

namespace {

bool autocastEnabled(c10::DeviceType type) {
#ifdef TB_AUTOCAST_BY_DEVICE_TYPE
  return at::autocast::is_autocast_enabled(type);
#else
  return type == c10::DeviceType::CPU ? at::autocast::is_cpu_enabled() : at::autocast::is_enabled();
#endif
}

void setAutocastEnabled(c10::DeviceType type, bool enabled) {
#ifdef TB_AUTOCAST_BY_DEVICE_TYPE
  at::autocast::set_autocast_enabled(type, enabled);
#else
  if (type == c10::DeviceType::CPU) {
    at::autocast::set_cpu_enabled(enabled);
  } else {
    at::autocast::set_enabled(enabled);
  }
#endif
}

c10::ScalarType autocastType(c10::DeviceType type) {
#ifdef TB_AUTOCAST_BY_DEVICE_TYPE
  return at::autocast::get_autocast_dtype(type);
#else
  return type == c10::DeviceType::CPU ? at::autocast::get_autocast_cpu_dtype()
                                      : at::autocast::get_autocast_gpu_dtype();
#endif
}

void setAutocastType(c10::DeviceType type, c10::ScalarType scalarType) {
#ifdef TB_AUTOCAST_BY_DEVICE_TYPE
  at::autocast::set_autocast_dtype(type, scalarType);
#else
  if (type == c10::DeviceType::CPU) {
    at::autocast::set_autocast_cpu_dtype(scalarType);
  } else {
    at::autocast::set_autocast_gpu_dtype(scalarType);
  }
#endif
}

bool cudnnAutotuneWanted() {
  const char* setting = std::getenv("TRAINBENCH_CUDNN_BENCHMARK");
  return setting != nullptr && std::string(setting) == "1";
}

}  // namespace

MathModeScope::MathModeScope(Precision precision, const torch::Device& device) {
  if (!device.is_cuda()) return;  // TF32 is a CUDA tensor-core format
  auto& context = at::globalContext();
  m_active = true;
  m_cublas = context.allowTF32CuBLAS();
  m_cudnn = context.allowTF32CuDNN();
  m_cudnnBenchmark = context.benchmarkCuDNN();
  // cuDNN autotuning stays off unless TRAINBENCH_CUDNN_BENCHMARK=1: on an H200 it made
  // ResNet-50 at batch 32 slower over a 10 000-image epoch (fp32 1.25x, bf16 3.4x), the time
  // spent trying algorithms never paid back (docs/benchmarks.md).
  context.setBenchmarkCuDNN(cudnnAutotuneWanted());
  const bool tf32 = precision == Precision::Tf32;
  context.setAllowTF32CuBLAS(tf32);
  context.setAllowTF32CuDNN(tf32);
}

MathModeScope::~MathModeScope() {
  if (!m_active) return;
  auto& context = at::globalContext();
  context.setAllowTF32CuBLAS(m_cublas);
  context.setAllowTF32CuDNN(m_cudnn);
  context.setBenchmarkCuDNN(m_cudnnBenchmark);
}

AutocastScope::AutocastScope(Precision precision, const torch::Device& device) {
  if (precision != Precision::Bf16 && precision != Precision::Fp16) return;
  if (!device.is_cpu() && !device.is_cuda()) return;  // checkPrecision refused the others
  m_active = true;
  m_deviceType = device.type();
  m_wasEnabled = autocastEnabled(m_deviceType);
  m_previousType = autocastType(m_deviceType);
  setAutocastType(m_deviceType,
                  precision == Precision::Bf16 ? c10::ScalarType::BFloat16 : c10::ScalarType::Half);
  setAutocastEnabled(m_deviceType, true);
  at::autocast::increment_nesting();
}

AutocastScope::~AutocastScope() {
  if (!m_active) return;
  if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
  setAutocastEnabled(m_deviceType, m_wasEnabled);
  setAutocastType(m_deviceType, m_previousType);
}

}  // namespace tb
