// Plausibility of a parsed result's numbers: a file may be well-formed JSON with nonsense in it
// ("-5 epochs", negative seconds). Such files are refused with the key that is wrong, like any
// other malformed result. (Huge but positive values stay exact; figures derived from them that
// overflow are shown as absent, see results/comparison.h.)
#pragma once

#include "results/run_result.h"

#include <string>

namespace tb {

// Throws ResultFileError ("<source>: <key> must ...") on the first impossible value: a negative
// count or measurement, an epoch number below 1. NaN (written as null: "not measured") passes.
void checkResultValues(const RunResult& result, const std::string& source);

}  // namespace tb
