// The checks and choice lists the CLI's subcommands share: numbers that must be finite and in
// range, 64-bit seeds, workload and precision names.
#pragma once

#include "models/workload.h"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace tb::cli {

using tb::workloadNames;
// Accepts a known workload; names the ones there are otherwise.
CLI::Validator knownWorkload();
// The --precision values: the core's one list of names.
std::vector<std::string> precisionNames();
// A finite number in [min, max] (above min when `aboveMin`). CLI11's own ranges let NaN through
// and print their bounds as 309-digit numbers; this says what is wrong in a few words.
// `bounds`, where given, says the range in words instead of "from MIN to MAX" (float32's limits
// read 1.17549e-38 and 3.40282e+38).
CLI::Validator finiteNumber(double min, double max, bool aboveMin = false,
                            const std::string& bounds = std::string());
// finiteNumber(min, max), or 0 for none: a setting whose 0 turns off what --from's file set.
CLI::Validator finiteNumberOrNone(double min, double max);
// Both are transforms (Option::transform): they read decimal digits only and drop leading
// zeros before CLI11 converts, which would read "010" as octal 8 and "0x20" as 32.
// A whole number in [min, max].
CLI::Validator wholeNumber(std::int64_t min, std::int64_t max);
// Decimal digits that fit in 64 bits: CLI11 would turn -1 and 2^64 into 2^64-1 without a word.
CLI::Validator unsigned64();
// A file or folder name: an empty one ("$DIR" unset in a script) was read as no option at all,
// and --out "" saved to the default folder without a word; one that starts with '-' is an
// option taken as the value (`--out= --synthetic` saved into a folder named --synthetic).
// A positional name gets such a value only after "--", which says it is a name (`show --
// -x.json`), so it only refuses "-", which would mean standard input.
CLI::Validator pathName(bool positional = false);

// What the CLI prints for a command line it cannot parse (CLI::App::failure_message): CLI11's
// own text, but a flag given without its value says what value it needs in the words of the
// checks above, not in CLI11's notation ("--epochs: 1 required INT:INT from 1 to 100000
// missing").
std::string usageFailure(const CLI::App* app, const CLI::Error& error);

}  // namespace tb::cli
