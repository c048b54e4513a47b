// Data-parallel runs from the CLI: joining a run its launcher started (torchrun, srun, mpirun or
// the --rank/--world-size flags), and --data-parallel N, which starts the N local ranks itself.
#pragma once

#include "run_command.h"

namespace tb::cli {

// Whether this build can train data-parallel (core/dist/c10d was built).
bool dataParallelBuilt();

// --data-parallel N without a launcher: starts N copies of this command (argv) as child
// processes, each one rank of a run on 127.0.0.1 and a free port, CPU threads split between them,
// and waits for all. Rank 0 prints and saves; when a rank fails, the others are ended. Returns the
// exit code (rank 0's, or the first failing rank's).
int spawnLocalRanks(const RunOptions& options, int argc, char** argv);

// Joins the run this process's launcher (or the flags) describe, filling `config.exchange`.
// Returns an exit code when it cannot (with the message printed), or -1 when joined or when
// the placement is a single process.
int joinLaunchedRun(RunOptions& options);

}  // namespace tb::cli
