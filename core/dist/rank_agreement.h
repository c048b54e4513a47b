// Ranks of one data-parallel run must train the same thing: the same workload, sizes, optimiser,
// precision, seed and TrainBench version. Each rank lists its settings, the lists are gathered,
// and a run whose ranks differ is refused before training, naming the setting.
#pragma once

#include "engine/run_config.h"

#include <string>
#include <utility>
#include <vector>

namespace tb {

// (flag, value) pairs, in a fixed order; the flag names the setting as the user gave it.
using RankSettings = std::vector<std::pair<std::string, std::string>>;

// This rank's settings, with the workload's defaults filled in (so "--epochs 10" and no
// --epochs agree for a workload whose default is 10). The device's kind counts, not its index:
// rank 3 trains on cuda:3. The gradient buckets' size counts too: it sets how many exchanges a
// step makes and how large, and ranks that differ would break the exchange mid-run.
RankSettings rankSettings(const RunConfig& config, bool strongScaling, double bucketMegabytes);

// One line per setting: "flag=value". What travels between ranks.
std::string encodeRankSettings(const RankSettings& settings);

// Empty when every rank's encoded settings equal rank 0's; otherwise one sentence naming the
// first setting that differs, the value on rank 0 and on the first rank that differs, e.g.
// "ranks disagree on --epochs: rank 0 has 3, rank 1 has 5".
std::string rankDisagreement(const std::vector<std::string>& encodedPerRank);

}  // namespace tb
