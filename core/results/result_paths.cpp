#include "results/result_paths.h"

#include "io/user_folders.h"

#include <cstdlib>
#include <filesystem>

namespace tb {

std::string defaultResultsDir() {
  if (const char* dir = std::getenv("TRAINBENCH_RESULTS_DIR"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  return (std::filesystem::path(userDataHome()) / "trainbench" / "results").string();
}

}  // namespace tb
