// Shared option checks (option_checks.h).
#include "option_checks.h"

#include "engine/precision.h"
#include "results/table_text.h"
#include "models/workload.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <regex>

namespace tb::cli {

namespace {

std::string number(double value) { return table::shortNumber(value); }

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

CLI::Validator pathName(bool positional) {
  return CLI::Validator(
      [positional](std::string& text) -> std::string {
        if (text.empty()) return "expects a file or folder name, not an empty one";
        if (positional && text == "-") {
          return "expects a file or folder name, not '-' (standard input is not read; ./- for a "
                 "file named -)";
        }
        if (!positional && text.front() == '-') {
          return "expects a file or folder name, not the option '" + text +
                 "' (a name that starts with '-': ./" + text + ")";
        }
        return {};
      },
      "PATH");
}

CLI::Validator finiteNumber(double min, double max, bool aboveMin, const std::string& described) {
  const std::string bounds = !described.empty()
                                 ? described
                                 : (aboveMin ? "above " : "from ") + number(min) +
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

CLI::Validator finiteNumberOrNone(double min, double max) {
  const std::string bounds = "from " + number(min) + " to " + number(max) + ", or 0 for none";
  const CLI::Validator range = finiteNumber(min, max);
  return CLI::Validator(
      [=](std::string& text) -> std::string {
        char* end = nullptr;
        errno = 0;
        const double value = std::strtod(text.c_str(), &end);
        // Not 1e-400, which rounds to 0 with ERANGE: no budget is asked for by a plain 0.
        if (!text.empty() && end == text.c_str() + text.size() && errno == 0 && value == 0.0) {
          return {};
        }
        return range(text).empty() ? std::string()
                                   : "expects a number " + bounds + ", not '" + text + "'";
      },
      "NUMBER " + bounds);
}

namespace {

// Decimal digits only, and without their leading zeros: CLI11 converts with base 0, reading
// "010" as octal 8 and "0x20" as 32. Returns false when `text` is not all digits.
bool toPlainDecimal(std::string& text) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) return false;
  const std::size_t first = std::min(text.find_first_not_of('0'), text.size() - 1);
  text.erase(0, first);
  return true;
}

}  // namespace

CLI::Validator wholeNumber(std::int64_t min, std::int64_t max) {
  const std::string bounds = "from " + std::to_string(min) + " to " + std::to_string(max);
  return CLI::Validator(
      [=](std::string& text) -> std::string {
        const std::string given = text;
        errno = 0;
        const bool digits = toPlainDecimal(text);
        const long long value = digits ? std::strtoll(text.c_str(), nullptr, 10) : 0;
        if (!digits || errno == ERANGE || value < min || value > max) {
          return "expects a whole number " + bounds + ", not '" + given + "'";
        }
        return {};
      },
      "INT " + bounds);
}

CLI::Validator unsigned64() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        const std::string given = text;
        errno = 0;
        const bool digits = toPlainDecimal(text);
        if (digits) std::strtoull(text.c_str(), nullptr, 10);
        if (!digits || errno == ERANGE) {
          return "expects a whole number from 0 to 18446744073709551615, not '" + given + "'";
        }
        return {};
      },
      "UINT64");
}

namespace {

// The value a check's description ("INT from 1 to 4096", "{fp32,bf16}", "PATH") asks for, in
// words; empty for one that checks nothing.
std::string valueWanted(const std::string& description) {
  const auto startsWith = [&](const std::string& prefix) {
    return description.compare(0, prefix.size(), prefix) == 0;
  };
  if (startsWith("INT ")) return "a whole number " + description.substr(4);
  if (startsWith("NUMBER ")) return "a number " + description.substr(7);
  if (description == "UINT64") return "a whole number from 0 to 18446744073709551615";
  if (description == "PATH") return "a file or folder name";
  if (description == "WORKLOAD") return "a workload: " + workloadNames();
  if (description.size() > 2 && description.front() == '{' && description.back() == '}') {
    std::string choices = description.substr(1, description.size() - 2);
    for (std::size_t comma = choices.find(','); comma != std::string::npos;
         comma = choices.find(',', comma + 2)) {
      choices.replace(comma, 1, ", ");
    }
    return "one of " + choices;
  }
  return {};
}

}  // namespace

std::string usageFailure(const CLI::App* app, const CLI::Error& error) {
  // "NAME: 1 required TYPE[:CHECK] missing": CLI11 2.x's ArgumentMismatch::TypedAtLeast.
  static const std::regex missing(R"(^(\S+): 1 required ([A-Z0-9]+)(?::(.+))? missing$)");
  std::smatch match;
  const std::string what = error.what();
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&error) &&
      std::regex_match(what, match, missing)) {
    // A FILE (--from) is a file's name, checked as any path.
    const std::string wanted =
        match[2].str() == "FILE" ? "a file name" : valueWanted(match[3].str());
    return CLI::FailureMessage::simple(
        app, CLI::ArgumentMismatch(match[1].str() + ": needs a value after it" +
                                   (wanted.empty() ? "" : ": " + wanted)));
  }
  return CLI::FailureMessage::simple(app, error);
}

}  // namespace tb::cli
