// Number and cell formatting shared by the text outputs (comparison.cpp, scaling.cpp,
// comparison_groups.cpp): '.' as the decimal point whatever the locale, and Markdown cells that
// cannot break their table.
#pragma once

#include <iomanip>
#include <locale>
#include <sstream>
#include <string>

namespace tb::table {

// Rows always print with a '.' decimal point: a Qt app sets the C locale from the environment,
// and a "7,78" would break both CSV columns and comparisons between machines.
inline std::ostringstream classicStream() {
  std::ostringstream out;
  out.imbue(std::locale::classic());
  return out;
}

inline std::string fixed(double value, int decimals) {
  auto out = classicStream();
  out << std::fixed << std::setprecision(decimals) << value;
  return out.str();
}

// A cell must not end the row ('|') or the table (a line break).
inline std::string markdownCell(const std::string& text) {
  std::string cell;
  for (const char c : text) {
    if (c == '|') {
      cell += "\\|";
    } else if (c == '\r' || c == '\n') {
      cell += ' ';
    } else {
      cell += c;
    }
  }
  return cell;
}

}  // namespace tb::table
