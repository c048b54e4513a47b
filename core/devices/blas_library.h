// The BLAS library that does the CPU's matrix products. LibTorch on Debian calls the system's
// libblas.so.3, which the alternatives system points at OpenBLAS or at the reference (netlib)
// BLAS; the reference one trains the MLP 6-13x slower (docs/benchmarks.md), so a CPU result
// without its BLAS cannot be read, and one on the reference BLAS needs saying.
#pragma once

#include <string>

namespace tb {

struct BlasLibrary {
  std::string name;  // "OpenBLAS 0.3.21 (OpenMP)", "reference BLAS"; empty where none was found
  std::string path;  // the file that provides sgemm_, links resolved
  bool reference = false;
};

// The library this process's sgemm_ calls go to (looked up once).
const BlasLibrary& loadedBlasLibrary();

// A library's name from its file alone, for libraries that do not say their own (pure; tests).
BlasLibrary blasFromPath(const std::string& path);

// OpenBLAS's own description, from openblas_get_config() ("OpenBLAS 0.3.21 DYNAMIC_ARCH
// NO_AFFINITY Zen MAX_THREADS=64") and openblas_get_parallel() (0 serial, 1 pthreads, 2 OpenMP):
// "OpenBLAS 0.3.21 (OpenMP)" (pure; tests).
std::string openBlasName(const std::string& config, int parallel);

// For a CPU run on the reference BLAS: what it means and how to fix it; empty otherwise.
std::string referenceBlasWarning(const BlasLibrary& blas);

}  // namespace tb
