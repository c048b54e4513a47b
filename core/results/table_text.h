// Number and cell formatting shared by the text outputs (comparison.cpp, scaling.cpp,
// comparison_groups.cpp): '.' as the decimal point whatever the locale, and Markdown cells that
// cannot break their table.
#pragma once

#include <cmath>
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

// Beyond any real figure (a hand-edited peak of 1e-300 TFLOPS makes an efficiency of 1e302),
// three significant digits in scientific notation, not three hundred in fixed.
inline std::string fixed(double value, int decimals) {
  auto out = classicStream();
  if (std::fabs(value) >= 1e15) {
    out << std::scientific << std::setprecision(2) << value;
  } else {
    out << std::fixed << std::setprecision(decimals) << value;
  }
  return out.str();
}

// Text from a result file, safe to print on a terminal: control characters (an escape sequence
// in a shared file's device name, a line break that would fake a line) become spaces.
inline std::string printable(const std::string& text) {
  std::string shown = text;
  for (char& c : shown) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return shown;
}

// A cell must not end the row ('|'), the table (a line break) or the terminal's sanity.
inline std::string markdownCell(const std::string& text) {
  std::string cell;
  for (const char c : printable(text)) {
    if (c == '|') {
      cell += "\\|";
    } else {
      cell += c;
    }
  }
  return cell;
}

}  // namespace tb::table
