// `trainbench-cli run`: trains the chosen workload on each device in turn and saves the results.
#pragma once

#include "dist/launch_env.h"
#include "engine/run_config.h"

#include <string>
#include <vector>

namespace tb::cli {

struct RunOptions {
  RunConfig config;                  // device is taken from `devices`
  std::vector<std::string> devices;  // each runs in turn
  std::string out;                   // file or folder; empty: the default results folder
  std::string from;  // --from FILE: a saved result whose settings run again (run_from.h)
  std::vector<std::string> flagsFromFile;  // the flags whose values --from supplied ("--device")
  bool quiet = false;
  bool jsonProgress = false;  // --progress-json: events as JSON lines (json_progress.h)
  int repeats = 1;          // runs of the configuration on each device (--repeat N)
  bool autoRepeat = false;  // --repeat auto: 3 to 10 runs, until the interval is within ±2%
  bool checkMachine = true;  // sample the machine for a second and warn when it is busy
  // Data-parallel (app/cli/data_parallel.h): --data-parallel N, the launcher flags, and the knobs.
  int dataParallel = 0;
  LaunchFlags launch;
  bool strongScaling = false;
  int distTimeoutSeconds = 300;
  double bucketMegabytes = 25.0;
  // The data-parallel knobs given on the command line (--scaling, ...): refused for a run of one
  // process, which would silently ignore them.
  std::vector<std::string> dataParallelFlagsGiven;
};

// A problem that stops a run before it trains: its exit code (exit_codes.h) and the message,
// without the "error:" prefix. kExitOk and no message when there is none.
struct RunCheck {
  int code = 0;
  std::string message;
};

// Checks every device of `options` (known, available, its precision and execution) before any
// trains: the first problem.
RunCheck runDevicesCheck(const RunOptions& options);
// Checks what the trainer would refuse at once (runConfigProblem) and the --out folder.
RunCheck runSettingsCheck(const RunOptions& options);
// The same checks, printing the problem; they return its exit code, or kExitOk.
int checkRunDevices(const RunOptions& options);
int checkRunSettings(const RunOptions& options);

// Returns the exit code (exit_codes.h).
int runCommand(const RunOptions& options);

// Where the result of `deviceId` goes: a folder gets an automatic name; a file named for
// several devices gets the device added before its extension.
std::string resultPath(const std::string& out, const std::string& autoName,
                       const std::string& deviceId, bool severalDevices);

}  // namespace tb::cli
