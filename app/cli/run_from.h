// `trainbench-cli run --from FILE`: the settings of a saved run, so that the same benchmark runs
// again, here or on another machine. Flags given on the command line override them.
#pragma once

#include "run_command.h"

#include "results/run_result.h"

#include <functional>
#include <string>

namespace tb::cli {

// Whether the flag ("--epochs") was on the command line.
using FlagGiven = std::function<bool(const std::string& flag)>;

// Fills `options` with `result`'s settings, except those whose flag was given: the workload;
// the device; the epochs, batch size, learning rate and image counts (only where the workload is
// the file's: they are that workload's); the seed; the threads (where the run chose them: a count
// equal to its machine's cores was that machine's default, and this one's applies); the
// precision; the execution (only on the file's kind of device); synthetic or not (a --data-dir
// asks for the files); the time budget (not for a data-parallel run). Returns the reason, naming
// `path`, where the file cannot be run again (a data-parallel run, a workload, precision or
// optimizer this version lacks); empty otherwise.
std::string applySavedSettings(const RunResult& result, const std::string& path,
                               const FlagGiven& given, RunOptions& options);

// Reads options.from and applies it (above); kExitOk, or the exit code after printing why not
// (a file that cannot be read: kExitData; one that cannot be run again: kExitUsage).
int useSavedSettings(const FlagGiven& given, RunOptions& options);

}  // namespace tb::cli
