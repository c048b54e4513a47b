// The precision names: one table for flags, menus, messages and result files. Kept apart from the
// support matrix (precision.cpp), which needs the device code, so that readers of result files
// (and their fuzz target) link without it.
#include "engine/precision.h"

#include <utility>

namespace tb {
namespace {

// The one list of precision names, in the order menus and messages show them. Result files,
// flags and the GUI all use these words, so they never change.
constexpr std::pair<Precision, const char*> kPrecisionNames[] = {
    {Precision::Fp32, "fp32"},
    {Precision::Tf32, "tf32"},
    {Precision::Bf16, "bf16"},
    {Precision::Fp16, "fp16"},
};

}  // namespace

const char* toString(Precision precision) {
  for (const auto& [candidate, name] : kPrecisionNames) {
    if (candidate == precision) return name;
  }
  return "fp32";  // unreachable for valid enum values
}

std::optional<Precision> parsePrecision(const std::string& text) {
  for (const auto precision : allPrecisions()) {
    if (text == toString(precision)) return precision;
  }
  return std::nullopt;
}

const std::vector<Precision>& allPrecisions() {
  static const std::vector<Precision> all = [] {
    std::vector<Precision> list;
    for (const auto& entry : kPrecisionNames) list.push_back(entry.first);
    return list;
  }();
  return all;
}

}  // namespace tb
