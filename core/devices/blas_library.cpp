// Which BLAS does the CPU's matrix products (blas_library.h).
#include "devices/blas_library.h"

#include <dlfcn.h>

#include <cstdlib>
#include <memory>
#include <sstream>

namespace tb {

namespace {

std::string realPath(const char* path) {
  const std::unique_ptr<char, decltype(&std::free)> resolved(::realpath(path, nullptr), &std::free);
  return resolved ? std::string(resolved.get()) : std::string(path);
}

BlasLibrary lookUp() {
  // The symbol LibTorch's CPU gemm calls; the global lookup finds the library it binds to.
  void* sgemm = ::dlsym(RTLD_DEFAULT, "sgemm_");
  Dl_info info{};
  if (sgemm == nullptr || ::dladdr(sgemm, &info) == 0 || info.dli_fname == nullptr) return {};
  BlasLibrary blas = blasFromPath(realPath(info.dli_fname));
  // OpenBLAS says its version and threading. Asked through that file's handle, which searches
  // it and what it links (Debian's OpenBLAS libblas.so.3 wraps libopenblas.so.0), never the
  // OpenBLAS that Debian's LAPACK may load beside a reference libblas.so.3.
  void* handle = ::dlopen(info.dli_fname, RTLD_LAZY | RTLD_NOLOAD);
  if (handle != nullptr) {
    using ConfigFn = char* (*)();
    using ParallelFn = int (*)();
    auto* config = reinterpret_cast<ConfigFn>(::dlsym(handle, "openblas_get_config"));
    auto* parallel = reinterpret_cast<ParallelFn>(::dlsym(handle, "openblas_get_parallel"));
    if (config != nullptr) {
      const char* text = config();
      blas.name = openBlasName(text != nullptr ? text : "", parallel != nullptr ? parallel() : -1);
      blas.reference = false;
    }
    ::dlclose(handle);
  }
  return blas;
}

}  // namespace

BlasLibrary blasFromPath(const std::string& path) {
  BlasLibrary blas;
  blas.path = path;
  // By the file's name, or for Debian's libblas.so.3 alternatives by their folder
  // (/usr/lib/<triplet>/openblas-openmp/, blis-pthread/, atlas/, blas/): never by a folder
  // further up, which may be anyone's ("/home/mkleinberg/lib").
  const std::size_t slash = path.rfind('/');
  const std::string file = slash == std::string::npos ? path : path.substr(slash + 1);
  const std::string parent = slash == std::string::npos || slash == 0
                                 ? std::string()
                                 : path.substr(path.rfind('/', slash - 1) + 1,
                                               slash - path.rfind('/', slash - 1) - 1);
  const auto starts = [](const std::string& text, const char* prefix) {
    return text.rfind(prefix, 0) == 0;
  };
  const bool genericBlas = starts(file, "libblas.so");
  if (starts(file, "libopenblas") || (genericBlas && starts(parent, "openblas"))) {
    blas.name = "OpenBLAS";
  } else if (starts(file, "libmkl")) {
    blas.name = "Intel MKL";
  } else if (starts(file, "libblis") || (genericBlas && starts(parent, "blis"))) {
    blas.name = "BLIS";
  } else if (starts(file, "libatlas") || starts(file, "libsatlas") || starts(file, "libtatlas") ||
             (genericBlas && parent == "atlas")) {
    blas.name = "ATLAS";
  } else if (starts(file, "libflexiblas")) {
    blas.name = "FlexiBLAS";
  } else if (genericBlas && parent == "blas") {
    // Debian's libblas3: /usr/lib/<triplet>/blas/libblas.so.3.
    blas.name = "reference BLAS";
    blas.reference = true;
  } else {
    blas.name = file.empty() ? path : file;
  }
  return blas;
}

std::string openBlasName(const std::string& config, int parallel) {
  std::istringstream words(config);
  std::string product;
  std::string version;
  words >> product >> version;
  std::string name = "OpenBLAS";
  if (product == "OpenBLAS" && !version.empty()) name += " " + version;
  switch (parallel) {
    case 0:
      return name + " (single-threaded)";
    case 1:
      return name + " (pthreads)";
    case 2:
      return name + " (OpenMP)";
    default:
      return name;
  }
}

const BlasLibrary& loadedBlasLibrary() {
  static const BlasLibrary blas = lookUp();
  return blas;
}

std::string referenceBlasWarning(const BlasLibrary& blas) {
  if (!blas.reference) return {};
  return "The CPU's matrix products run on the reference BLAS (" + blas.path +
         "), several times slower than OpenBLAS: CPU training here does not show the CPU's "
         "speed. Install libopenblas0-openmp (or select it with update-alternatives --config "
         "libblas.so.3-x86_64-linux-gnu).";
}

}  // namespace tb
