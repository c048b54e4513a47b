#include "results/result_paths.h"

#include <cstdlib>
#include <filesystem>

namespace tb {

namespace {

std::string environment(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

}  // namespace

std::string defaultResultsDir() {
  if (auto dir = environment("TRAINBENCH_RESULTS_DIR"); !dir.empty()) return dir;
  std::filesystem::path base = environment("XDG_DATA_HOME");
  if (base.empty()) {
    const std::string home = environment("HOME");
    base = std::filesystem::path(home.empty() ? "." : home) / ".local" / "share";
  }
  return (base / "trainbench" / "results").string();
}

}  // namespace tb
