// Environment variables that change how fast training runs: TrainBench's own switches
// (channels-last, cuDNN's autotuner) and those of the libraries beneath it (OpenMP's wait policy
// moved the seed MLP's samples/s by 1.5x, docs/benchmarks.md; CUDA_LAUNCH_BLOCKING serialises
// every kernel). A result records the ones set, so that it says what it measured, and runs under
// different ones are not taken for repeats of each other.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace tb {

// The variables looked for, in the order listed by speedSwitchesText.
const std::vector<std::string>& speedSwitchNames();

// Those set in this process's environment, name to value (an empty value counts as set).
std::map<std::string, std::string> speedSwitches();

// "OMP_WAIT_POLICY=passive, TRAINBENCH_CHANNELS_LAST=1"; empty for none.
std::string speedSwitchesText(const std::map<std::string, std::string>& switches);

}  // namespace tb
