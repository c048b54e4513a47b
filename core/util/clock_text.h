// Durations as a clock reads them, shared by the app's queue and the CLI's progress line.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace tb {

// "m:ss", or "h:mm:ss" from an hour on, rounded to the nearest second. Negative or NaN reads
// "0:00"; an absurd estimate (a first step that took minutes, times a million steps) is capped at
// a million hours rather than overflowing.
inline std::string clockText(double seconds) {
  constexpr double kCap = 3600.0 * 1e6;
  const double clamped = std::isnan(seconds) ? 0.0 : std::min(std::max(seconds, 0.0), kCap);
  const long long total = std::llround(clamped);
  char buffer[32];
  if (total >= 3600) {
    std::snprintf(buffer, sizeof buffer, "%lld:%02lld:%02lld", total / 3600, total / 60 % 60,
                  total % 60);
  } else {
    std::snprintf(buffer, sizeof buffer, "%lld:%02lld", total / 60, total % 60);
  }
  return buffer;
}

}  // namespace tb
