// Facts about this machine recorded with every result, so runs from different machines compare.
#pragma once

#include "results/run_result.h"
#include "util/host_name.h"

#include <string>

namespace tb {

SystemRecord collectSystemInfo();

// Physical cores (unique core ids in /proc/cpuinfo), else the logical count.
int physicalCoreCount();
// The CPU threads a run or a peak probe uses: `requested` when positive, else the physical cores,
// within the CPU affinity mask and the container's CPU quota (what "auto" means in the GUI and
// the CLI's --threads 0).
int cpuThreadCount(int requested);
int logicalCoreCount();
std::string cpuModelName();
std::string libtorchVersion();
std::string appVersion();

// Current time as ISO-8601 UTC, e.g. "2026-11-26T14:30:00Z".
std::string isoTimestampUtc();

}  // namespace tb
