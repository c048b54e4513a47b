// Where this process sits in a data-parallel run (rank, local rank, world size, rendezvous), read
// from the environment its launcher set (torchrun, Slurm's srun, Open MPI's mpirun) and from the
// --rank, --world-size, --master-addr and --master-port flags. Qt-free and torch-free.
#pragma once

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace tb {

// Where this process sits in a data-parallel run.
struct RankPlacement {
  int rank = 0;       // global rank, 0..worldSize-1
  int localRank = 0;  // rank on this host: picks cuda:LOCAL_RANK
  int worldSize = 1;
  std::string masterAddr;  // rendezvous host; empty for a one-process run that names none
  int masterPort = 0;      // rendezvous port
  // torchrun's own agent store: every rank, rank 0 included, connects as a client
  // (TORCHELASTIC_USE_AGENT_STORE=True); rank 0 starting a server too would find the port taken.
  bool useAgentStore = false;
  // The agent's store outlives a failed attempt of `torchrun --max-restarts`: each attempt keeps
  // its keys under its own prefix, as torch.distributed does ("/worker/attempt_N").
  std::string storePrefix;
  // GLOO_SOCKET_IFNAME, comma-separated: the network interfaces the ranks talk over (empty: the
  // one this host's name resolves to), as torch.distributed reads it.
  std::vector<std::string> socketInterfaces;
  std::string launcher;  // "torchrun", "slurm", "mpirun", "flags" or "" (none: a one-process run)
};

// --rank, --world-size, --master-addr, --master-port; unset: not given.
struct LaunchFlags {
  std::optional<int> rank, worldSize, masterPort;
  std::optional<std::string> masterAddr;
};

// A launch environment that cannot be right: the message names the variable or flag and what is
// wrong with it ("RANK=abc: not a whole number").
class LaunchError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Looks up an environment variable; nullopt when unset. Tests pass a map; the real one wraps
// getenv.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup processEnvironment();

// The launcher is the first of torchrun (RANK or WORLD_SIZE set), Open MPI (OMPI_COMM_WORLD_RANK
// or OMPI_COMM_WORLD_SIZE) and Slurm (an srun step: SLURM_STEP_NUM_TASKS) found: the innermost
// one, since torchrun or mpirun started inside a Slurm allocation leaves the allocation's SLURM_*
// variables in place. Its variables give rank, local rank and world size; MASTER_ADDR and
// MASTER_PORT the rendezvous, under Slurm else the first host of the step's or job's node list,
// the port else 29500. Each flag replaces the one value it names, whatever the launcher; flags
// without a launcher make a "flags" run. Nothing at all: one process (so is a batch script's own
// shell, outside any step). Defaults: rank 0 only in a world of one, local rank = rank when the
// launcher gives none (all ranks on one host). Throws LaunchError for non-numbers, negatives,
// values past int, empty values, a rank or local rank not below the world size, a port outside
// 1..65535, a missing rank or master address in a world of more than one.
RankPlacement readPlacement(const EnvLookup& env, const LaunchFlags& flags = {});

// The first host name of a Slurm node list (hostlist syntax: prefix[ranges]suffix, ranges
// comma-separated with their zero padding kept, several comma-separated entries):
// "node[07-09,12]" gives "node07", "gpu-a,gpu-b" gives "gpu-a"; nullopt when malformed.
std::optional<std::string> firstSlurmHost(const std::string& nodeList);

// The variables by which a launcher (torchrun, mpirun, srun) gives a process its place: a
// program that starts ranks of its own leaves them out of their environment.
std::vector<std::string> launcherVariableNames();

// One line for logs: "rank 1 of 4 (local 1) via slurm, rendezvous gpu-a:29500".
std::string describe(const RankPlacement& placement);

}  // namespace tb
