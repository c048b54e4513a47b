// Reading a result's `created` time (created_time.h).
#include "results/created_time.h"

#include <cctype>
#include <iomanip>
#include <locale>
#include <sstream>

namespace tb {

namespace {

constexpr std::size_t kSecondsEnd = 19;  // "2026-12-02T10:31:05"

// The text after the seconds and their fraction: "", "Z", "+05:00".
std::string zoneOf(const std::string& created) {
  std::size_t at = kSecondsEnd;
  if (at < created.size() && created[at] == '.') {
    while (++at < created.size() && std::isdigit(static_cast<unsigned char>(created[at])) != 0) {
    }
  }
  return created.substr(std::min(at, created.size()));
}

// Seconds east of UTC of a zone: none written is UTC. nullopt for anything but "Z" or "+hh:mm".
std::optional<long> offsetSeconds(const std::string& zone) {
  if (zone.empty() || zone == "Z") return 0L;
  const auto digit = [&](std::size_t i) {
    return std::isdigit(static_cast<unsigned char>(zone[i])) != 0;
  };
  if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':' || !digit(1) ||
      !digit(2) || !digit(4) || !digit(5)) {
    return std::nullopt;
  }
  const long seconds = std::stol(zone.substr(1, 2)) * 3600 + std::stol(zone.substr(4, 2)) * 60;
  return zone[0] == '+' ? seconds : -seconds;
}

// The fraction of a second written after the seconds: 0.25 for "...05.250Z".
double fractionOf(const std::string& created) {
  if (created.size() <= kSecondsEnd || created[kSecondsEnd] != '.') return 0.0;
  double fraction = 0.0;
  double unit = 0.1;
  for (std::size_t at = kSecondsEnd + 1;
       at < created.size() && std::isdigit(static_cast<unsigned char>(created[at])) != 0;
       ++at, unit /= 10) {
    fraction += unit * (created[at] - '0');
  }
  return fraction;
}

}  // namespace

std::optional<std::time_t> createdSeconds(const std::string& created) {
  if (created.size() < kSecondsEnd) return std::nullopt;
  std::tm fields{};
  std::istringstream in(created.substr(0, kSecondsEnd));
  in.imbue(std::locale::classic());
  in >> std::get_time(&fields, "%Y-%m-%dT%H:%M:%S");
  const std::optional<long> offset = offsetSeconds(zoneOf(created));
  if (in.fail() || !offset) return std::nullopt;
  std::tm normalised = fields;
  const std::time_t utc = timegm(&normalised);
  // timegm() moves "February 30" on to March 2 without a word: a date that does not exist is
  // no time at all.
  if (utc == static_cast<std::time_t>(-1) || normalised.tm_mday != fields.tm_mday ||
      normalised.tm_mon != fields.tm_mon || normalised.tm_hour != fields.tm_hour ||
      normalised.tm_min != fields.tm_min || normalised.tm_sec != fields.tm_sec) {
    return std::nullopt;
  }
  return utc - *offset;
}

std::string createdUtc(const std::string& created) {
  const std::string zone = zoneOf(created);
  const std::optional<std::time_t> seconds = createdSeconds(created);
  if (!seconds || zone.empty() || zone == "Z") return created;
  std::tm utc{};
  if (gmtime_r(&*seconds, &utc) == nullptr) return created;
  char text[32];
  if (std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc) == 0) return created;
  return text;
}

bool createdBefore(const std::string& a, const std::string& b) {
  const auto timeA = createdSeconds(a);
  const auto timeB = createdSeconds(b);
  if (timeA && timeB) {
    if (*timeA != *timeB) return *timeA < *timeB;
    return fractionOf(a) < fractionOf(b);
  }
  if (timeA || timeB) return timeA.has_value();
  return a < b;
}

}  // namespace tb
