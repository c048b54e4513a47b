// A data-parallel run's per-rank figures: every rank sends its host, device, own throughput and
// communication share, and rank 0 records them all in its result; and each epoch's training
// loss and accuracy over all ranks.
#pragma once

#include "engine/gradient_exchange.h"
#include "results/run_result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tb {

// The run's data-parallel record (world size, backend, scaling, global batch), with `batchSize`
// made each rank's share where strong scaling splits the global batch. Throws
// std::invalid_argument when that batch does not split evenly across the ranks.
DistributedRecord distributedRecord(const GradientExchange& exchange, bool strongScaling,
                                    int& batchSize);
// The --batch-size the user gave: under strong scaling the global one, which `rankBatch` (the
// result's config.batch_size) is a share of; otherwise `rankBatch` itself.
std::int64_t batchAsGiven(const std::optional<DistributedRecord>& distributed,
                          std::int64_t rankBatch);
// Appended to a message that names a rank's batch (a step that does not fit the memory): under
// strong scaling that batch is a share of --batch-size, which the message must not pass for the
// flag's value. Empty for any other run.
std::string rankShareNote(const std::optional<DistributedRecord>& distributed,
                          std::int64_t rankBatch);

// A collective call: every rank makes it, in the same order. `result` is this rank's, with its
// epochs (whose samples/s are the whole run's) and system facts filled in.
std::vector<RankRecord> gatherRankRecords(GradientExchange& exchange, const RunResult& result);

// A collective call at each epoch's end: sets `epoch`'s training loss and accuracy to their mean
// over the ranks (each trained as many images), as Keras reports them under a distribution
// strategy; rank 0's alone would describe 1/N of the epoch.
void averageOverRanks(GradientExchange& exchange, EpochRecord& epoch);

// A collective call before training: the CPU threads of the CPU ranks (`cpuRank`) on each host
// added up and checked against that host's `machineCpus` (machineCpuCount). Each rank checks
// only its own share; ranks sharing a machine can still ask for more threads than it has, and
// the run then measures their queueing. Returns the warning the result carries, or empty; every
// rank gets the same.
std::string sharedCpuWarning(GradientExchange& exchange, const std::string& host, bool cpuRank,
                             int threads, int machineCpus);

// What a CPU rank's run needs of its machine's memory (all 0 for a GPU rank).
struct RankMemory {
  double neededBytes = 0;     // its data and training step
  double usableBytes = 0;     // the machine's memory (usableMemoryBytes)
  double stepBytes = 0;       // its training step alone
  double availableBytes = 0;  // free when it checked, its data held (availableMemoryBytes)
};

// What the ranks of one machine need together: `problem`, the reason none can train (their data
// and steps outgrow the machine's memory: the system would kill them one by one); `warning`,
// the run's warning that their steps need more than was free (the system moves memory to disk,
// slowing the steps). Each the same on every rank, or empty.
struct SharedMemory {
  std::string problem;
  std::string warning;
};

// A collective call once the ranks hold their data: each rank's RankMemory, added up over the
// ranks of each host. Each rank checks only its own against the machine (step_memory.h).
SharedMemory sharedMemory(GradientExchange& exchange, const std::string& host,
                          const RankMemory& mine);
// Its reckoning, on the lines the ranks sent (memoryLine).
SharedMemory sharedMemory(const std::vector<std::string>& lines);
std::string memoryLine(const std::string& host, const RankMemory& memory);

// A collective call once each rank knows its settings' warnings (`mine`: its BLAS library, its
// threads, its data), which otherwise reach only its own process, not rank 0's result. Returns,
// on rank 0, the other ranks' warnings that rank 0's own do not hold, named by rank and host
// ("rank 1 on node2: ..."), a warning several ranks share once; empty on the other ranks.
std::vector<std::string> otherRanksWarnings(GradientExchange& exchange, const std::string& host,
                                            const std::vector<std::string>& mine);
// Its reckoning, on the lines the ranks sent (warningsLine), for rank 0.
std::vector<std::string> otherRanksWarnings(const std::vector<std::string>& lines,
                                            const std::vector<std::string>& mine);
std::string warningsLine(const std::string& host, const std::vector<std::string>& warnings);

}  // namespace tb
