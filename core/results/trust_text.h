// The steady state, projection and ranks of a run as one line each, the same in `run`'s closing lines
// and in `show` (they wrote 1234.6 and 1235 samples/s, 8123.40 and 8123 seconds for one file).
#pragma once

#include "results/run_result.h"

#include <string>

namespace tb {

// "61234 samples/s (step p50 0.373 ms, p95 0.512 ms; 312 steps after 157 warm-up steps)":
// samples/s with the comparison's decimals (throughputDecimals).
std::string steadyStateText(const SteadyStateRecord& steady);

// "(10 epochs on 50000/10000 images): 8123.40 seconds, 95% interval 8010.12-8240.55 (from 200
// steady-state steps in a 60-second budget)": seconds with two decimals, as measured totals.
std::string projectionText(const ProjectionRecord& projection);

// "rank 1 on gpu-a (cuda:1): 30123.4 samples/s, 4.2% of its training time in allreduce": what
// `run` says of each rank when it ends, and `show` of a saved data-parallel run.
std::string rankText(const RankRecord& rank);

}  // namespace tb
