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

// Seconds east of UTC of a zone: none written is UTC. "Z" (or "z"), and ISO 8601's "+hh:mm",
// "+hhmm" and "+hh" up to 23:59, as Qt reads them for History; nullopt otherwise.
std::optional<long> offsetSeconds(const std::string& zone) {
  if (zone.empty() || zone == "Z" || zone == "z") return 0L;
  if (zone[0] != '+' && zone[0] != '-') return std::nullopt;
  std::string digits = zone.substr(1);
  if (digits.size() == 5 && digits[2] == ':') digits.erase(2, 1);
  if (digits.size() != 2 && digits.size() != 4) return std::nullopt;
  for (const char c : digits) {
    if (std::isdigit(static_cast<unsigned char>(c)) == 0) return std::nullopt;
  }
  const long hours = std::stol(digits.substr(0, 2));
  const long minutes = digits.size() == 4 ? std::stol(digits.substr(2, 2)) : 0;
  const long seconds = (zone[0] == '+' ? 1 : -1) * (hours * 3600 + minutes * 60);
  if (hours > 23 || minutes >= 60) return std::nullopt;
  return seconds;
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
  // no time at all. (Its -1 is also 1969-12-31T23:59:59, a time: the fields tell.)
  if (normalised.tm_year != fields.tm_year || normalised.tm_mday != fields.tm_mday ||
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
  if (std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc) == 0) return created;
  // The fraction of a second as written: "...:00.250+05:30" becomes "...:00.250Z".
  const std::string fraction =
      created.substr(kSecondsEnd, created.size() - kSecondsEnd - zone.size());
  return text + fraction + "Z";
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
