// A data-parallel run's per-rank figures: every rank sends its host, device, own throughput and
// communication share, and rank 0 records them all in its result; and each epoch's training
// loss and accuracy over all ranks.
#pragma once

#include "engine/gradient_exchange.h"
#include "results/run_result.h"

#include <string>
#include <vector>

namespace tb {

// The run's data-parallel record (world size, backend, scaling, global batch), with `batchSize`
// made each rank's share where strong scaling splits the global batch. Throws
// std::invalid_argument when that batch does not split evenly across the ranks.
DistributedRecord distributedRecord(const GradientExchange& exchange, bool strongScaling,
                                    int& batchSize);

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

// A collective call once the ranks hold their data: the bytes each rank's data and training step
// need (`neededBytes`: 0 for a GPU rank), added up over the ranks of each host and checked
// against that host's `usableBytes` (usableMemoryBytes). Each rank checks only its own
// (step_memory.h); ranks sharing a machine can still outgrow it together, and the system then
// kills them one by one. Returns the reason, the same on every rank, or empty.
std::string sharedMemoryProblem(GradientExchange& exchange, const std::string& host,
                                double neededBytes, double usableBytes);
// Its reckoning, on the lines the ranks sent (memoryLine).
std::string sharedMemoryProblem(const std::vector<std::string>& lines);
std::string memoryLine(const std::string& host, double neededBytes, double usableBytes);

}  // namespace tb
