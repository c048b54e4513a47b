// This build's compiler and optimisation (build_info.h), from predefined macros: the build type
// CMake was given can be overridden by flags, the macros cannot.
#include "devices/build_info.h"

#include <string>

namespace tb {

namespace {

#define TB_STRINGIFY_INNER(x) #x
#define TB_STRINGIFY(x) TB_STRINGIFY_INNER(x)

constexpr const char* kNotOptimised = "not optimised";

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TB_ADDRESS_SANITIZER 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define TB_ADDRESS_SANITIZER 1
#endif

}  // namespace

BuildInfo thisBuild() {
  BuildInfo build;
#if defined(__clang__)
  build.compiler = "Clang " TB_STRINGIFY(__clang_major__) "." TB_STRINGIFY(
      __clang_minor__) "." TB_STRINGIFY(__clang_patchlevel__);
#elif defined(__GNUC__)
  build.compiler = "GCC " TB_STRINGIFY(__GNUC__) "." TB_STRINGIFY(__GNUC_MINOR__) "." TB_STRINGIFY(
      __GNUC_PATCHLEVEL__);
#elif defined(_MSC_VER)
  build.compiler = "MSVC " TB_STRINGIFY(_MSC_VER);
#else
  build.compiler = "unknown compiler";
#endif
#if defined(__OPTIMIZE__) || (defined(_MSC_VER) && defined(NDEBUG))
  build.optimised = true;
#else
  build.optimised = false;
#endif
#if defined(TB_ADDRESS_SANITIZER)
  build.sanitizers = "AddressSanitizer";
#endif
  return build;
}

std::string buildText(const BuildInfo& build) {
  std::string text = build.compiler + ", " + (build.optimised ? "optimised" : kNotOptimised);
  if (!build.sanitizers.empty()) text += ", " + build.sanitizers;
  return text;
}

bool unoptimisedBuild(const std::string& buildText) {
  return buildText.find(kNotOptimised) != std::string::npos;
}

std::string unoptimisedBuildWarning(const BuildInfo& build) {
  if (build.optimised) return {};
  return "This TrainBench was built without optimisation (a debug build): the steps around "
         "LibTorch's kernels run slower, so its figures read low. Build it with "
         "scripts/build.sh (a release build) to measure the device.";
}

}  // namespace tb
