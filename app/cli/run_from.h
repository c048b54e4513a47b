// `trainbench-cli run --from FILE`: the settings of a saved run, so that the same benchmark runs
// again, here or on another machine. Flags given on the command line override them.
#pragma once

#include "run_command.h"

#include "results/run_result.h"

#include <functional>
#include <string>

namespace tb::cli {

// Fills `options` with `result`'s workload, device, epochs, batch size, learning rate, seed,
// threads, precision, execution, image counts, data source and time budget, except the settings
// whose flag `given` says was on the command line ("--epochs"). Returns the reason, naming
// `path`, where the file cannot be run again (a data-parallel run, an optimizer this version
// does not train); empty otherwise.
std::string applySavedSettings(const RunResult& result, const std::string& path,
                               const std::function<bool(const std::string& flag)>& given,
                               RunOptions& options);

}  // namespace tb::cli
