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

// Fixed decimals with trailing zeros dropped: 0.88 stays "0.88", 0.881234 becomes "0.8812".
inline std::string trimmed(double value, int decimals) {
  std::string text = fixed(value, decimals);
  if (text.find('.') == std::string::npos) return text;
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text;
}

// Six significant digits, trailing zeros dropped, as printf's %g but with '.' in any locale:
// "0.001", "1e-05", "250".
inline std::string shortNumber(double value) {
  auto out = classicStream();
  out << value;
  return out.str();
}

// Text from a result file, safe to print on a terminal: control characters (an escape sequence
// in a shared file's device name, a line break that would fake a line) become spaces. So do, in
// UTF-8, the C1 controls (U+0080-U+009F, which some terminals obey), the line and paragraph
// separators (U+2028, U+2029) and the bidi controls (U+202A-U+202E, U+2066-U+2069) that would
// show a table's row in another order than it has.
inline std::string printable(const std::string& text) {
  std::string shown;
  shown.reserve(text.size());
  const auto byte = [&](std::size_t i) {
    return i < text.size() ? static_cast<unsigned char>(text[i]) : 0u;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned c = byte(i);
    if (c < 0x20 || c == 0x7f) {
      shown += ' ';
    } else if (c == 0xc2 && byte(i + 1) >= 0x80 && byte(i + 1) <= 0x9f) {
      shown += ' ';
      i += 1;
    } else if (c == 0xe2 && ((byte(i + 1) == 0x80 && byte(i + 2) >= 0xa8 && byte(i + 2) <= 0xae) ||
                             (byte(i + 1) == 0x81 && byte(i + 2) >= 0xa6 && byte(i + 2) <= 0xa9))) {
      shown += ' ';
      i += 2;
    } else {
      shown += static_cast<char>(c);
    }
  }
  return shown;
}

// At most `maxBytes` of `text` (cut where a UTF-8 character starts), with "…" when cut: a value
// quoted from a damaged file may be megabytes long.
inline std::string shortened(const std::string& text, std::size_t maxBytes) {
  if (text.size() <= maxBytes) return text;
  std::size_t end = maxBytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xc0) == 0x80) --end;
  return text.substr(0, end) + "\u2026";
}

// A cell must not end the row ('|'), the table (a line break) or the terminal's sanity. A
// backslash is escaped too: "\|" in a name would otherwise escape the backslash, not the pipe.
inline std::string markdownCell(const std::string& text) {
  std::string cell;
  for (const char c : printable(text)) {
    if (c == '|' || c == '\\') cell += '\\';
    cell += c;
  }
  return cell;
}

}  // namespace tb::table
