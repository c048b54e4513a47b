// The pieces result_json.cpp and result_json_blocks.cpp share: the JSON types, the writer's
// number rule and the strict Reader. Internal to core/results.
#pragma once

#include "results/result_file.h"
#include "results/run_result.h"
#include "results/table_text.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

namespace tb::result_json {

using OrderedJson = nlohmann::ordered_json;  // keeps the documented key order when writing
using Json = nlohmann::json;


// JSON has no NaN or infinity; a non-finite value becomes null.
inline OrderedJson number(double value) {
  return std::isfinite(value) ? OrderedJson(value) : OrderedJson(nullptr);
}

inline OrderedJson number(const std::optional<double>& value) {
  return value ? number(*value) : OrderedJson(nullptr);
}

inline std::string childPath(const std::string& path, const char* key) {
  return path.empty() ? std::string(key) : path + "." + key;
}

// Walks a parsed document; every failure names the source and the key path.
class Reader {
 public:
  explicit Reader(const std::string& source) : m_source(source) {}

  static constexpr std::size_t kMaxMessageBytes = 400;
  static constexpr std::size_t kMaxQuotedBytes = 60;

  // The message is cut short: it may quote a damaged file's megabytes (a value, or the JSON
  // parser's "last read" token), which no reader wants and a word-wrapping label takes minutes
  // to lay out.
  [[noreturn]] void fail(const std::string& what) const {
    throw ResultFileError(m_source + ": " + table::printable(table::shortened(what, kMaxMessageBytes)));
  }

  // A value from the file, quoted and cut short, for a message.
  static std::string quoted(const std::string& value) {
    return "\"" + table::shortened(value, kMaxQuotedBytes) + "\"";
  }

  // nullptr when the key is absent or null: both mean "not recorded".
  const Json* optionalValue(const Json& object, const char* key) const {
    auto it = object.find(key);
    return it == object.end() || it->is_null() ? nullptr : &*it;
  }

  const Json& value(const Json& object, const std::string& path, const char* key) const {
    auto it = object.find(key);
    if (it == object.end()) fail(childPath(path, key) + " is missing");
    return *it;
  }

  const Json& object(const Json& parent, const std::string& path, const char* key) const {
    const Json& v = value(parent, path, key);
    if (!v.is_object()) fail(childPath(path, key) + " must be an object");
    return v;
  }

  const Json& array(const Json& parent, const std::string& path, const char* key) const {
    const Json& v = value(parent, path, key);
    if (!v.is_array()) fail(childPath(path, key) + " must be an array");
    return v;
  }

  std::string string(const Json& parent, const std::string& path, const char* key) const {
    const Json& v = value(parent, path, key);
    if (!v.is_string()) fail(childPath(path, key) + " must be a string");
    return v.get<std::string>();
  }

  // A required measurement: null stands for a non-finite value and reads back as NaN.
  double number(const Json& parent, const std::string& path, const char* key) const {
    const Json& v = value(parent, path, key);
    if (v.is_null()) return std::numeric_limits<double>::quiet_NaN();
    if (!v.is_number()) fail(childPath(path, key) + " must be a number");
    return v.get<double>();
  }

  std::optional<double> optionalNumber(const Json& parent, const std::string& path,
                                       const char* key) const {
    const Json* v = optionalValue(parent, key);
    if (!v) return std::nullopt;
    if (!v->is_number()) fail(childPath(path, key) + " must be a number or null");
    return v->get<double>();
  }

  std::int64_t integer(const Json& parent, const std::string& path, const char* key,
                       std::int64_t min = std::numeric_limits<std::int64_t>::min(),
                       std::int64_t max = std::numeric_limits<std::int64_t>::max()) const {
    const Json& v = value(parent, path, key);
    if (!v.is_number_integer()) fail(childPath(path, key) + " must be an integer");
    bool tooLarge = v.is_number_unsigned() &&
                    v.get<std::uint64_t>() > static_cast<std::uint64_t>(max);
    if (tooLarge || v.get<std::int64_t>() < min || v.get<std::int64_t>() > max) {
      fail(childPath(path, key) + " is out of range");
    }
    return v.get<std::int64_t>();
  }

  int smallInteger(const Json& parent, const std::string& path, const char* key) const {
    return static_cast<int>(integer(parent, path, key, std::numeric_limits<int>::min(),
                                    std::numeric_limits<int>::max()));
  }

  std::uint64_t unsignedInteger(const Json& parent, const std::string& path,
                                const char* key) const {
    const Json& v = value(parent, path, key);
    if (v.is_number_unsigned()) return v.get<std::uint64_t>();
    if (v.is_number_integer()) fail(childPath(path, key) + " must not be negative");
    fail(childPath(path, key) + " must be an integer");
  }

 private:
  std::string m_source;
};

// The optional blocks (result_json_blocks.cpp): a repeat's group, steady state, projection,
// validity and a data-parallel run's ranks. Each is left out of the file when the run has none.
void writeOptionalBlocks(const RunResult& r, OrderedJson& root);
void readOptionalBlocks(const Reader& reader, const Json& root, RunResult& r);

}  // namespace tb::result_json
