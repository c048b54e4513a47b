// The result files a command is given: files, or folders whose *.json are read (in name order,
// oldest first); shared by `compare` and `scaling`.
#pragma once

#include "results/run_result.h"

#include <optional>
#include <string>
#include <vector>

namespace tb::cli {

// Reads every result `paths` name. An unreadable file is skipped with a warning naming it; a
// missing path, or nothing readable at all, prints an error and gives nullopt (exit code 3).
std::optional<std::vector<RunResult>> readResultInputs(const std::vector<std::string>& paths);

}  // namespace tb::cli
