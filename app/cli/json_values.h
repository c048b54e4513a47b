// JSON values for figures a command may not have: null in --json output, never a made-up 0 or "".
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace tb::cli {

template <typename Json = nlohmann::json, typename T>
Json orNull(const std::optional<T>& value) {
  return value ? Json(*value) : Json(nullptr);
}

template <typename Json = nlohmann::json>
Json orNull(const std::string& text) {
  return text.empty() ? Json(nullptr) : Json(text);
}

}  // namespace tb::cli
