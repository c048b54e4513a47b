// Small text helpers for the core's messages.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tb {

// Lower case for ASCII letters only. std::tolower follows the C locale, which the app takes from
// the user's (QApplication calls setlocale): under a Turkish one 'I' stays 'I', and
// "CUBLAS_STATUS_ALLOC_FAILED" no longer read as out of memory.
inline std::string asciiLower(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

// Whether `text` starts with `prefix`, ASCII letters compared without case.
inline bool startsWithNoCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         asciiLower(std::string(text.substr(0, prefix.size()))) == asciiLower(std::string(prefix));
}

// "a, b, c"; `suffix` follows each item ("a[.gz], b[.gz]").
inline std::string joined(const std::vector<std::string>& items, const std::string& suffix = {}) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ", ") + item + suffix;
  return text;
}

// A whole decimal number and nothing around it ("12", not " 12" or "12kB"); nullopt otherwise.
inline std::optional<std::uint64_t> parseUnsigned(std::string_view text) {
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

}  // namespace tb
