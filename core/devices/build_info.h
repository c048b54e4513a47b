// How this TrainBench was compiled, which results record beside the LibTorch and BLAS they ran
// on: a build without optimisation runs the loop around LibTorch's kernels (batching, copies,
// bookkeeping) slower, which shows most on small models such as the MLP.
#pragma once

#include <string>

namespace tb {

struct BuildInfo {
  std::string compiler;    // "GCC 12.2.0", "Clang 14.0.6"
  bool optimised = true;   // compiled with optimisation (-O1 or more)
  std::string sanitizers;  // "AddressSanitizer", or empty
};

// This build's, from the compiler's own macros for the core library.
BuildInfo thisBuild();

// "GCC 12.2.0, optimised" or "GCC 12.2.0, not optimised, AddressSanitizer": what results
// record as system.build.
std::string buildText(const BuildInfo& build);

// Whether a recorded system.build says its build was not optimised.
bool unoptimisedBuild(const std::string& buildText);

// For a run of a build without optimisation: what it means and how to fix it; empty otherwise.
std::string unoptimisedBuildWarning(const BuildInfo& build);

}  // namespace tb
