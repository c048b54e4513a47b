// Readers for Linux /proc counters; each returns std::nullopt where the value cannot be read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace tb {

struct CpuTimes {
  std::uint64_t busy = 0;   // jiffies spent not idle
  std::uint64_t total = 0;  // all jiffies
};

// Parses the aggregate "cpu" line of /proc/stat text.
std::optional<CpuTimes> parseProcStat(const std::string& text);
// Parses utime + stime (in clock ticks) from /proc/<pid>/stat text.
std::optional<std::uint64_t> parseProcessTicks(const std::string& text);
// Parses VmRSS (in kB) from /proc/<pid>/status text and returns MiB.
std::optional<double> parseRssMb(const std::string& text);

// A whole /proc or /sys file (they report size 0, so this reads to EOF); nullopt if unreadable.
std::optional<std::string> readTextFile(const std::string& path);

std::optional<CpuTimes> readMachineCpuTimes();
// This process's CPU time in seconds, to the nanosecond: /proc's 10 ms ticks over a 0.1 s
// sample overstate one busy thread as 110%.
std::optional<double> readProcessCpuSeconds();
std::optional<double> readProcessRssMb();

// Percent busy between two readings; nullopt when no time passed.
std::optional<double> cpuPercent(const CpuTimes& before, const CpuTimes& after);

}  // namespace tb
