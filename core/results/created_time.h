// A result's `created` time: ISO 8601 in UTC as TrainBench writes it ("2026-12-02T10:31:05Z"),
// or with an offset or fractional seconds, as a foreign or hand-edited file may have it.
#pragma once

#include <ctime>
#include <optional>
#include <string>

namespace tb {

// Seconds since the epoch of `created` ("...05Z", "...05.250Z", "...05+05:00"; none written is
// UTC, as the result format says). nullopt where it is no such time, a date that does not exist
// ("2026-02-30") included.
std::optional<std::time_t> createdSeconds(const std::string& created);

// `created` in UTC, as TrainBench writes it: "2026-12-05T20:00:00Z" for "2026-12-06T10:00:00+14:00".
// A time already in UTC, and text that is no time, come back as they are.
std::string createdUtc(const std::string& created);

// Whether `a` was created before `b`: by the times they name, where both are times; a time
// before text that is none; text in its own order otherwise.
bool createdBefore(const std::string& a, const std::string& b);

}  // namespace tb
