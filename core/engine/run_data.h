// The images a run (or a profile) trains and tests on: the workload's dataset from files, or
// synthetic images of its shape, cut to the config's limits.
#pragma once

#include "data/dataset.h"
#include "engine/run_config.h"

#include <string>

namespace tb {

// Throws DataError naming what is missing or wrong (an unknown dataset, no images, bad files).
// Without `withTest` the test set is left empty: a data-parallel run's other ranks never
// evaluate (rank 0 does), and each held its own copy, on its GPU too.
DatasetSplits loadRunData(const RunConfig& config, const std::string& datasetName,
                          bool withTest = true);

// Why the images of `processes` runs of `config` at once (a data-parallel run's ranks on this
// machine: each holds the whole training set) cannot fit in the memory this process may use
// (usableMemoryBytes: the machine's, or its container's limit), naming the flags; empty when
// they fit or the memory is unknown. Images are held as bytes and, on a CPU run, as the floats
// they are normalised into. Past that limit the system kills the process, saving nothing.
std::string dataMemoryProblem(const RunConfig& config, const std::string& datasetName,
                              int processes = 1);

// The memory usableMemoryBytes() gave, named for a message: "this machine's 15.5 GiB of memory",
// or "the 2.0 GiB this process's container (cgroup) may use".
std::string usableMemoryName(double usableBytes);

}  // namespace tb
