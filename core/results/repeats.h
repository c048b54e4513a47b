// Repeats of one configuration (--repeat, the app's Repeats box): their shared group id, and the
// closing summary of their steady-state throughput.
#pragma once

#include "results/run_result.h"
#include "stats/summary.h"

#include <optional>
#include <string>
#include <vector>

namespace tb {

// A fresh id for one set of repeats: "<UTC time>-<8 hex digits>", unique enough across machines.
std::string newGroupId();

// Steady-state samples/s of the completed runs that have it, in order. A disturbed run is left
// out, as the comparison folds it apart: the summary and --repeat auto's decision must agree
// with the table printed below them.
std::vector<double> steadyThroughputs(const std::vector<RunResult>& runs);

// The repeats' median and 95% interval of steady-state samples/s; nullopt without any.
std::optional<Interval> repeatInterval(const std::vector<RunResult>& runs);

// One or two lines for the end of a set of repeats on `device`, e.g.
// "cpu: 12345 samples/s steady state (median of 5; 95% interval 12100-12590, ±2.0%)".
// `gaveUp` adds the sentence saying --repeat auto stopped at its limit without reaching ±2%.
std::string repeatSummary(const std::string& device, const std::vector<RunResult>& runs,
                          bool gaveUp);

}  // namespace tb
