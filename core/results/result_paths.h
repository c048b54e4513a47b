// Where results are saved by default, shared by the CLI and the desktop app.
#pragma once

#include <string>

namespace tb {

// $TRAINBENCH_RESULTS_DIR, else $XDG_DATA_HOME/trainbench/results, else
// ~/.local/share/trainbench/results.
std::string defaultResultsDir();

}  // namespace tb
