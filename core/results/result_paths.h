// Where results are saved by default, shared by the CLI and the desktop app.
#pragma once

#include <string>

namespace tb {

// $TRAINBENCH_RESULTS_DIR, else trainbench/results in the user's data folder
// ($XDG_DATA_HOME or ~/.local/share: io/user_folders.h).
std::string defaultResultsDir();

}  // namespace tb
