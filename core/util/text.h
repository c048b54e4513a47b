// Small text helpers for the core's messages.
#pragma once

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

}  // namespace tb
