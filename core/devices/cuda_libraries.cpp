// The CUDA runtime and cuDNN versions (cuda_libraries.h), through ATen's CUDA hooks: a build
// without CUDA answers with the default hooks, which throw, so nothing here needs CUDA headers.
#include "devices/cuda_libraries.h"

#include <ATen/Context.h>
#include <ATen/detail/CUDAHooksInterface.h>

namespace tb {

std::string cudaRuntimeText(long version) {
  if (version <= 0) return {};
  return std::to_string(version / 1000) + "." + std::to_string(version % 1000 / 10);
}

std::string cudnnVersionText(long version) {
  if (version <= 0) return {};
  // cuDNN 9 made room for two-digit minor versions.
  const long major = version >= 10000 ? version / 10000 : version / 1000;
  const long minor = version >= 10000 ? version % 10000 / 100 : version % 1000 / 100;
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(version % 100);
}

namespace {

CudaLibraries readCudaLibraries() {
  CudaLibraries libraries;
  if (!at::hasCUDA()) return libraries;
  const auto& hooks = at::detail::getCUDAHooks();
  try {
    if (std::string text = cudaRuntimeText(hooks.versionCUDART()); !text.empty()) {
      libraries.runtime = std::move(text);
    }
  } catch (const std::exception&) {
  }
  try {
    if (hooks.hasCuDNN()) {
      if (std::string text = cudnnVersionText(hooks.versionCuDNN()); !text.empty()) {
        libraries.cudnn = std::move(text);
      }
    }
  } catch (const std::exception&) {
  }
  return libraries;
}

}  // namespace

CudaLibraries cudaLibraries() {
  static const CudaLibraries libraries = [] {
    try {
      return readCudaLibraries();
    } catch (const std::exception&) {
      return CudaLibraries{};  // facts are a nicety: never let them stop a run
    }
  }();
  return libraries;
}

}  // namespace tb
