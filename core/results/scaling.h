// Scaling of data-parallel runs: throughput against world size, and the scaling efficiency, the
// N-rank throughput over N times the one-rank throughput of the same configuration.
#pragma once

#include "results/run_result.h"

#include <optional>
#include <string>
#include <vector>

namespace tb {

struct ScalingPoint {
  int worldSize = 1;
  // The machines its ranks ran on: 8 ranks on one machine and 8 across two are two points (the
  // network between the machines is part of what the second measures).
  int machines = 1;
  double samplesPerSecond = 0.0;  // the run's (steady state where recorded), median of its runs
  int runs = 0;                   // results at this world size
  std::optional<double> efficiency;  // absent without a one-rank run to compare with
};

// One configuration at several world sizes: workload, size, device kind, precision, scaling mode,
// batch (per rank for weak scaling, global for strong), machine (rank 0's host and device name)
// and data source. A one-rank run (no `distributed`)
// belongs to the weak series of its batch and to the strong series of its batch alike.
struct ScalingSeries {
  // "fashion-mlp, 60000 images x 10 epochs, cpu fp32, weak scaling, batch 32 per rank, on
  // bench-a (AMD EPYC 7B13), files data"
  std::string title;
  std::vector<ScalingPoint> points;  // by world size
  // Its runs were too short for a steady state: their samples/s are the epochs' means, warm-up
  // included (the title says so too).
  bool epochMeans = false;
  // Without a one-rank point: the one-rank runs of this configuration left out as disturbed
  // (each a series of its own, which has no data-parallel run to show).
  int disturbedOneRankRuns = 0;
};

// The CPU threads a run trained with on its (rank 0's) machine: a data-parallel result records
// each rank's share, times the ranks there. One rank of 4 threads and two of 2 use the same
// cores.
int threadsOnMachine(const RunResult& result);

// Series with at least one data-parallel run; completed runs only.
std::vector<ScalingSeries> scalingSeries(const std::vector<RunResult>& results);

// Each series' name for a legend beside the others: the parts of its title (", "-separated) that
// not every series shares ("5000 images x 2 epochs" against "4000 images x 2 epochs"); the whole
// title for a series alone, or where no part differs.
std::vector<std::string> shortSeriesNames(const std::vector<ScalingSeries>& series);

// A table per series: world size (with the machines where more than one), samples/s, ideal
// samples/s, efficiency.
std::string scalingText(const std::vector<ScalingSeries>& series);

// The same as a JSON array, one object per series: `title` and `points`, each with `world_size`,
// `machines`, `samples_per_second`, `ideal_samples_per_second` and `efficiency` (null without a one-rank
// run) and `runs`.
std::string scalingJson(const std::vector<ScalingSeries>& series, int indent = 2);

}  // namespace tb
