// Parsers for the few Linux /proc counters telemetry needs. The parsers take text so tests can
// feed them fixtures; the readers return std::nullopt off Linux or when /proc is unavailable.
#include "telemetry/proc_stats.h"

#include "util/text.h"

#include <ctime>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string_view>
#include <vector>

namespace tb {
namespace {

constexpr std::string_view kWhitespace = " \t\r\n";

std::vector<std::string_view> splitFields(std::string_view text) {
  std::vector<std::string_view> fields;
  std::size_t pos = text.find_first_not_of(kWhitespace);
  while (pos != std::string_view::npos) {
    std::size_t end = text.find_first_of(kWhitespace, pos);
    fields.push_back(text.substr(pos, end == std::string_view::npos ? end : end - pos));
    pos = end == std::string_view::npos ? end : text.find_first_not_of(kWhitespace, end);
  }
  return fields;
}

// The line that starts with `prefix`, without it; nullopt when there is none.
std::optional<std::string_view> findLine(std::string_view text, std::string_view prefix) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    std::string_view line =
        text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    if (line.substr(0, prefix.size()) == prefix) return line.substr(prefix.size());
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  return std::nullopt;
}


}  // namespace

std::optional<CpuTimes> parseProcStat(const std::string& text) {
  // "cpu " with the space: "cpu0", "cpu1", ... are single cores.
  auto line = findLine(text, "cpu ");
  if (!line) return std::nullopt;
  auto fields = splitFields(*line);
  // user nice system idle [iowait irq softirq steal [guest guest_nice]]. Old kernels stop after
  // idle. guest and guest_nice are already counted in user and nice, so they are left out.
  if (fields.size() < 4) return std::nullopt;
  const std::size_t counted = std::min<std::size_t>(fields.size(), 8);
  std::uint64_t values[8] = {};
  for (std::size_t i = 0; i < counted; ++i) {
    auto value = parseUnsigned(fields[i]);
    if (!value) return std::nullopt;
    values[i] = *value;
  }
  CpuTimes times;
  for (std::size_t i = 0; i < counted; ++i) times.total += values[i];
  const std::uint64_t idle = values[3] + values[4];  // idle + iowait: waiting is not working
  times.busy = times.total - idle;
  return times;
}

std::optional<std::uint64_t> parseProcessTicks(const std::string& text) {
  // "pid (comm) state ppid ...": comm may hold spaces and ')', so fields start after the last ')'.
  std::size_t paren = text.rfind(')');
  if (paren == std::string::npos) return std::nullopt;
  auto fields = splitFields(std::string_view(text).substr(paren + 1));
  // After comm: state(3) ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt
  // utime(14) stime(15), i.e. indices 11 and 12 here.
  constexpr std::size_t kUtime = 11;
  constexpr std::size_t kStime = 12;
  if (fields.size() <= kStime) return std::nullopt;
  auto utime = parseUnsigned(fields[kUtime]);
  auto stime = parseUnsigned(fields[kStime]);
  if (!utime || !stime) return std::nullopt;
  return *utime + *stime;
}

std::optional<double> parseRssMb(const std::string& text) {
  auto line = findLine(text, "VmRSS:");
  if (!line) return std::nullopt;
  auto fields = splitFields(*line);
  if (fields.size() != 2 || fields[1] != "kB") return std::nullopt;
  auto kb = parseUnsigned(fields[0]);
  if (!kb) return std::nullopt;
  return static_cast<double>(*kb) / 1024.0;
}

std::optional<CpuTimes> readMachineCpuTimes() {
  auto text = readTextFile("/proc/stat");
  return text ? parseProcStat(*text) : std::nullopt;
}

std::optional<double> readProcessCpuSeconds() {
  timespec time{};
  if (::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time) != 0) return std::nullopt;
  return static_cast<double>(time.tv_sec) + static_cast<double>(time.tv_nsec) * 1e-9;
}

std::optional<double> readProcessRssMb() {
  auto text = readTextFile("/proc/self/status");
  return text ? parseRssMb(*text) : std::nullopt;
}

std::optional<double> cpuPercent(const CpuTimes& before, const CpuTimes& after) {
  if (after.total <= before.total) return std::nullopt;
  const double total = static_cast<double>(after.total - before.total);
  // iowait may run backwards on Linux, so busy can dip; clamp instead of wrapping around.
  const double busy = after.busy >= before.busy ? static_cast<double>(after.busy - before.busy)
                                                : 0.0;
  return std::clamp(100.0 * busy / total, 0.0, 100.0);
}

// /proc files report size 0, so read until EOF instead of trusting the size.
std::optional<std::string> readTextFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return out.str();
}

}  // namespace tb
