// Shared option checks (option_checks.h).
#include "option_checks.h"

#include "engine/precision.h"
#include "models/workload.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace tb::cli {

namespace {

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

}  // namespace

CLI::Validator knownWorkload() {
  return CLI::Validator(
      [](std::string& name) -> std::string {
        return tb::findWorkload(name) ? std::string()
                                      : "unknown workload '" + name + "'; available: " + workloadNames();
      },
      "WORKLOAD");
}

std::vector<std::string> precisionNames() {
  std::vector<std::string> names;
  for (const auto precision : tb::allPrecisions()) names.emplace_back(tb::toString(precision));
  return names;
}

CLI::Validator finiteNumber(double min, double max, bool aboveMin) {
  const std::string bounds = (aboveMin ? "above " : "from ") + number(min) +
                             (aboveMin ? " and at most " : " to ") + number(max);
  return CLI::Validator(
      [=](std::string& text) -> std::string {
        char* end = nullptr;
        errno = 0;
        const double value = std::strtod(text.c_str(), &end);
        const bool parsed = !text.empty() && end == text.c_str() + text.size() && errno == 0;
        if (!parsed || !std::isfinite(value) || value < min || value > max ||
            (aboveMin && value == min)) {
          return "expects a number " + bounds + ", not '" + text + "'";
        }
        return {};
      },
      "NUMBER " + bounds);
}

CLI::Validator unsigned64() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        errno = 0;
        char* end = nullptr;
        const bool digits = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
        std::strtoull(text.c_str(), &end, 10);
        if (!digits || errno == ERANGE) {
          return "expects a whole number from 0 to 18446744073709551615, not '" + text + "'";
        }
        return {};
      },
      "UINT64");
}

}  // namespace tb::cli
