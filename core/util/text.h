// Small text helpers for the core's messages.
#pragma once

#include <string>
#include <vector>

namespace tb {

// "a, b, c"; `suffix` follows each item ("a[.gz], b[.gz]").
inline std::string joined(const std::vector<std::string>& items, const std::string& suffix = {}) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ", ") + item + suffix;
  return text;
}

}  // namespace tb
