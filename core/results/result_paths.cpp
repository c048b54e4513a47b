#include "results/result_paths.h"

#include "io/user_folders.h"

#include <cstdlib>
#include <filesystem>

namespace tb {

std::string defaultResultsDir() {
  if (std::string dir = folderFromVariable("TRAINBENCH_RESULTS_DIR"); !dir.empty()) return dir;
  return (std::filesystem::path(userDataHome()) / "trainbench" / "results").string();
}

}  // namespace tb
