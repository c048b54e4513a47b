// The CUDA runtime and cuDNN this LibTorch was built with, which results record beside the driver:
// a cuDNN upgrade alone can change a convolution network's speed on the same GPU and driver.
#pragma once

#include <optional>
#include <string>

namespace tb {

struct CudaLibraries {
  std::optional<std::string> runtime;  // "12.4"
  std::optional<std::string> cudnn;    // "9.1.0"
};

// This process's, read once; both absent in a LibTorch without CUDA (or without cuDNN). Never
// throws.
CudaLibraries cudaLibraries();

// CUDART_VERSION as LibTorch reports it (major * 1000 + minor * 10) as "12.4"; empty for 0 or less.
std::string cudaRuntimeText(long version);

// CUDNN_VERSION as LibTorch reports it as "9.1.0": major * 1000 + minor * 100 + patch up to
// cuDNN 8 (8902), major * 10000 + minor * 100 + patch from cuDNN 9 (90100); empty for 0 or less.
std::string cudnnVersionText(long version);

}  // namespace tb
