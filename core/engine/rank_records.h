// A data-parallel run's per-rank figures: every rank sends its host, device, own throughput and
// communication share, and rank 0 records them all in its result.
#pragma once

#include "engine/gradient_exchange.h"
#include "results/run_result.h"

#include <vector>

namespace tb {

// A collective call: every rank makes it, in the same order. `result` is this rank's, with its
// epochs (whose samples/s are the whole run's) and system facts filled in.
std::vector<RankRecord> gatherRankRecords(GradientExchange& exchange, const RunResult& result);

}  // namespace tb
