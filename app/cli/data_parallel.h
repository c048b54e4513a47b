// Data-parallel runs from the CLI: joining a run its launcher started (torchrun, srun, mpirun or
// the --rank/--world-size flags), and --data-parallel N, which starts the N local ranks itself.
#pragma once

#include "run_command.h"

#include <memory>
#include <string>

namespace tb {
class GradientExchange;
}

namespace tb::cli {

// Set in the ranks --data-parallel starts, which then do not repeat where they are.
inline constexpr const char* kSpawnedRankVariable = "TRAINBENCH_SPAWNED_RANK";

// Why `options` cannot train data-parallel on `worldSize` ranks (several devices, repeats, a time
// budget, a strong-scaling batch that does not split evenly); empty when it can.
std::string dataParallelProblem(const RunOptions& options, int worldSize);

// Why the N ranks --data-parallel starts cannot have their devices: "cuda" gives each rank its
// own GPU, cuda:0 to cuda:N-1, and all of them must be here before any rank starts. Empty when
// they can.
std::string rankDevicesProblem(const RunOptions& options, int worldSize);

// Why `options` sets data-parallel knobs for a run of one process (which would ignore them);
// empty when it does not.
std::string unusedDataParallelFlags(const RunOptions& options);

// Whether this build can train data-parallel (core/dist/c10d was built).
bool dataParallelBuilt();

// --data-parallel N without a launcher: starts N copies of this command (argv) as child
// processes, each one rank of a run on 127.0.0.1 and a free port, CPU threads split between them,
// and waits for all. Rank 0 prints and saves. Ctrl-C and SIGTERM are forwarded to every rank; a
// failed rank gives the others --dist-timeout to stop before they are killed. Returns the exit
// code: 130 after a signal, else rank 0's, or the first failing rank's.
int spawnLocalRanks(const RunOptions& options, int argc, char** argv);

// Joins the run this process's launcher (or the flags) describe, filling `config.exchange`.
// Returns an exit code when it cannot (with the message printed), or -1 when joined or when
// the placement is a single process.
int joinLaunchedRun(RunOptions& options);

// Closes this rank's connections to the others (`exchange`, its last owner) and returns `code`;
// when that has not ended within a few seconds it says so and exits with `code` without it.
// LibTorch's teardown can wait on another rank that no longer answers (stopped, say), and a rank
// 0 that saved the run but never ended held --data-parallel's command open for ever.
int leaveRun(std::shared_ptr<GradientExchange> exchange, int code);

}  // namespace tb::cli
