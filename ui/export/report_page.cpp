// Report layout on paged output. All measuring uses the device's font metrics, so the measuring
// pass and the painting pass break pages at exactly the same places.
#include "export/report_page.h"

#include <QFontMetricsF>
#include <QGuiApplication>
#include <QPagedPaintDevice>
#include <QPainter>
#include <QPen>
#include <QPixmap>
#include <QTextLayout>

#include <algorithm>
#include <numeric>

namespace tb::ui {

namespace {

constexpr double kCellPoints = 8.5;
constexpr double kFooterPoints = 7.5;
constexpr QRgb kHeaderFill = 0xe3e9f0;
constexpr QRgb kZebraFill = 0xf5f7f9;
constexpr QRgb kRuleColor = 0xc5ccd3;
// Room to leave for content under a heading, so a heading never ends a page.
constexpr double kHeadingKeepPoints = 60.0;
// Names and labels always keep at least this share of a table's width.
constexpr double kMinFlexibleShare = 0.3;
constexpr double kLongWordTolerance = 1.25;
// Real host and device names are far shorter (a host name at most 253 characters); a shared
// file's made-up 6000-character name would make a row taller than a page, its figures drawn
// off the paper. Longer cell text is cut, with an ellipsis; a paragraph likewise.
constexpr qsizetype kMaxCellChars = 300;
constexpr qsizetype kMaxParagraphChars = 3000;

QString clipped(const QString& text, qsizetype maxChars) {
  return text.size() <= maxChars ? text : text.left(maxChars - 1) + QChar(0x2026);
}

// Lays `text` out in lines of `width`: at word boundaries, and inside a word only where that word
// (a kernel version, a long host name) is wider than the line, so the text never spills into the
// next column and short words never break. Returns the lines' height.
double layOut(QTextLayout& layout, double width, Qt::Alignment alignment) {
  QTextOption option(alignment & Qt::AlignHorizontal_Mask);
  option.setWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
  layout.setTextOption(option);
  double height = 0.0;
  layout.beginLayout();
  for (QTextLine line = layout.createLine(); line.isValid(); line = layout.createLine()) {
    line.setLineWidth(width);
    line.setPosition(QPointF(0.0, height));
    height += line.height();
  }
  layout.endLayout();
  return height;
}

// Fits the columns that keep one line (`needs` that do not wrap; the others get 0) into `room`:
// first each wraps at its spaces ("116577 (113361-119794)" on two lines), down to a common cap
// and never below its longest word; only when their longest words alone do not fit are they
// scaled down, words breaking.
QVector<double> fitOneLineColumns(const QVector<ColumnNeed>& needs, double room) {
  const int count = static_cast<int>(needs.size());
  QVector<double> oneLine(count, 0.0);
  QVector<double> word(count, 0.0);
  for (int c = 0; c < count; ++c) {
    if (needs[c].wraps) continue;
    oneLine[c] = needs[c].minimum;
    word[c] = needs[c].word > 0.0 ? std::min(needs[c].word, oneLine[c]) : oneLine[c];
  }
  const double oneLineSum = std::accumulate(oneLine.begin(), oneLine.end(), 0.0);
  const double wordSum = std::accumulate(word.begin(), word.end(), 0.0);
  QVector<double> widths(count, 0.0);
  if (oneLineSum <= room) return oneLine;
  if (wordSum >= room) {
    for (int c = 0; c < count; ++c) widths[c] = wordSum > 0.0 ? word[c] * room / wordSum : 0.0;
    return widths;
  }
  auto capped = [&](int c, double cap) { return std::clamp(cap, word[c], oneLine[c]); };
  double low = 0.0;
  double high = *std::max_element(oneLine.begin(), oneLine.end());
  for (int step = 0; step < 50; ++step) {
    const double cap = (low + high) / 2;
    double sum = 0.0;
    for (int c = 0; c < count; ++c) sum += capped(c, cap);
    (sum > room ? high : low) = cap;
  }
  for (int c = 0; c < count; ++c) widths[c] = needs[c].wraps ? 0.0 : capped(c, low);
  return widths;
}

}  // namespace

QVector<double> distributeColumnWidths(const QVector<ColumnNeed>& needs, double width) {
  const int count = static_cast<int>(needs.size());
  QVector<double> natural(count);
  QVector<double> minimum(count);
  QVector<double> widths(count);
  double fixedSum = 0.0;
  int flexibleCount = 0;
  for (int c = 0; c < count; ++c) {
    natural[c] = needs[c].natural;
    minimum[c] = needs[c].minimum;
    if (needs[c].wraps) {
      ++flexibleCount;
    } else {
      fixedSum += minimum[c];
    }
  }

  const double naturalSum = std::accumulate(natural.begin(), natural.end(), 0.0);
  if (naturalSum <= width) {
    // Room to spare: spread it in proportion.
    for (int c = 0; c < count; ++c) widths[c] = natural[c] * width / naturalSum;
    return widths;
  }
  if (flexibleCount == 0) return fitOneLineColumns(needs, width);
  // If the numbers alone nearly fill the line, they give up some room too.
  double rest = width - fixedSum;
  QVector<double> fixedWidths = minimum;
  if (rest < width * kMinFlexibleShare) {
    rest = width * kMinFlexibleShare;
    fixedWidths = fitOneLineColumns(needs, width - rest);
  }
  // A word much longer than an even share (a fully qualified host name) may break rather than
  // starve the other columns; one just a little longer keeps its width, breaking it would look odd.
  const double fairShare = rest / flexibleCount;
  double minimumSum = 0.0;
  double widest = 0.0;
  for (int c = 0; c < count; ++c) {
    if (!needs[c].wraps) continue;
    if (minimum[c] > fairShare * kLongWordTolerance) minimum[c] = fairShare;
    minimumSum += minimum[c];
    widest = std::max(widest, natural[c]);
  }
  // Water-filling: every flexible column grows to a common level (within its minimum and
  // natural width) chosen so that they fill the line, so no name column starves.
  auto flexibleWidth = [&](int c, double level) {
    return std::clamp(level, minimum[c], std::max(minimum[c], natural[c]));
  };
  double low = 0.0;
  double high = widest;
  for (int step = 0; step < 50; ++step) {
    const double level = (low + high) / 2;
    double sum = 0.0;
    for (int c = 0; c < count; ++c) sum += needs[c].wraps ? flexibleWidth(c, level) : 0.0;
    (sum > rest ? high : low) = level;
  }
  for (int c = 0; c < count; ++c) {
    if (!needs[c].wraps) {
      widths[c] = fixedWidths[c];
    } else if (minimumSum <= rest) {
      widths[c] = flexibleWidth(c, low);
    } else {
      widths[c] = minimum[c] * rest / minimumSum;  // squeezed: words break anywhere
    }
  }
  return widths;
}

ReportPage::ReportPage(QPagedPaintDevice* device, QPainter* painter, const QString& footerText,
                       int pageCount)
    : m_device(device),
      m_painter(painter),
      m_footerText(footerText),
      m_pageCount(pageCount),
      m_width(device->width()) {
  const double footerHeight = QFontMetricsF(font(kFooterPoints), m_device).height();
  m_footerTop = m_device->height() - footerHeight;
  m_bottom = m_footerTop - pt(14);
}

double ReportPage::pt(double points) const { return points * m_device->logicalDpiY() / 72.0; }

QFont ReportPage::font(double points, bool bold, bool italic) const {
  QFont result = QGuiApplication::font();
  result.setPointSizeF(points);
  result.setBold(bold);
  result.setItalic(italic);
  return result;
}

void ReportPage::keepTogether(double height) {
  if (m_y > 0.0 && m_y + height > m_bottom) newPage();
}

double ReportPage::textHeight(const QFont& font, const QString& text) const {
  return cellHeight(font, text, m_width);
}

void ReportPage::text(const QFont& font, QRgb color, const QString& fullText,
                      Qt::Alignment alignment, double indent) {
  const QString text = clipped(fullText, kMaxParagraphChars);
  const double height = cellHeight(font, text, m_width - indent);
  keepTogether(height);
  drawCell(font, color, text, QRectF(indent, m_y, m_width - indent, height),
           alignment | Qt::AlignTop);
  m_y += height;
}

void ReportPage::heading(const QString& text) {
  const QFont headingFont = font(13, true);
  const double height = textHeight(headingFont, text);
  keepTogether(height + pt(kHeadingKeepPoints));
  drawCell(headingFont, kAccentColor, text, QRectF(0.0, m_y, m_width, height),
           Qt::AlignLeft | Qt::AlignTop);
  m_y += height + pt(6);
}

void ReportPage::rule(QRgb color, double thickness) {
  if (m_painter) m_painter->fillRect(QRectF(0.0, m_y, m_width, thickness), QColor(color));
  m_y += thickness;
}

void ReportPage::image(const QPixmap& pixmap, const QRectF& target) {
  if (!m_painter) return;
  m_painter->drawPixmap(target, pixmap, QRectF(pixmap.rect()));
  m_painter->setPen(QPen(QColor(kRuleColor), pt(0.5)));
  m_painter->setBrush(Qt::NoBrush);
  m_painter->drawRect(target);
}

double ReportPage::cellHeight(const QFont& font, const QString& text, double width) const {
  if (text.isEmpty()) return QFontMetricsF(font, m_device).height();
  QTextLayout layout(text, font, m_device);
  return layOut(layout, width, Qt::AlignLeft);
}

void ReportPage::drawCell(const QFont& font, QRgb color, const QString& text, const QRectF& cell,
                          Qt::Alignment alignment) const {
  if (!m_painter) return;
  QTextLayout layout(text, font, m_device);
  const double height = layOut(layout, cell.width(), alignment);
  double top = cell.top();
  if (alignment & Qt::AlignBottom) top = cell.bottom() - height;
  if (alignment & Qt::AlignVCenter) top = cell.top() + (cell.height() - height) / 2;
  m_painter->setPen(QColor(color));
  layout.draw(m_painter, QPointF(cell.left(), top));
}

QStringList wrappedLines(const QFont& font, QPaintDevice* device, const QString& text,
                         double width) {
  QTextLayout layout(text, font, device);
  layOut(layout, width, Qt::AlignLeft);
  QStringList lines;
  for (int i = 0; i < layout.lineCount(); ++i) {
    const QTextLine line = layout.lineAt(i);
    lines << text.mid(line.textStart(), line.textLength()).trimmed();
  }
  return lines;
}

QVector<double> ReportPage::columnWidths(const QVector<ReportColumn>& columns,
                                         const QVector<ReportRow>& rows) const {
  const QFontMetricsF body(font(kCellPoints), m_device);
  const QFontMetricsF head(font(kCellPoints, true), m_device);
  // A hair of slack: a cell exactly as wide as its text may still wrap after rounding.
  const double padding = 2 * pt(4) + pt(1.5);
  auto longestWord = [](const QFontMetricsF& metrics, const QString& text) {
    double longest = 0.0;
    for (const QString& word : text.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
      longest = std::max(longest, metrics.horizontalAdvance(word));
    }
    return longest;
  };

  // Fixed columns (numbers) get their widest cell on one line, the header may wrap at words.
  // Flexible columns (names) share the rest: natural = one line, minimum = their longest word.
  const int count = static_cast<int>(columns.size());
  QVector<ColumnNeed> needs(count);
  for (int c = 0; c < count; ++c) {
    double widest = 0.0;
    double widestWord = 0.0;
    for (const ReportRow& row : rows) {
      const QString cell = row.cells.value(c);
      widest = std::max(widest, body.horizontalAdvance(cell));
      widestWord = std::max(widestWord, longestWord(body, cell));
    }
    const double headerWord = longestWord(head, columns[c].header);
    needs[c].natural = std::max(widest, head.horizontalAdvance(columns[c].header)) + padding;
    needs[c].minimum = std::max(columns[c].wraps ? widestWord : widest, headerWord) + padding;
    needs[c].wraps = columns[c].wraps;
    needs[c].word = std::max(widestWord, headerWord) + padding;
  }
  return distributeColumnWidths(needs, m_width);
}

double ReportPage::tableHeader(const QVector<ReportColumn>& columns,
                               const QVector<double>& widths) {
  const QFont headFont = font(kCellPoints, true);
  const double padX = pt(4);
  const double padY = pt(3.5);
  double height = 0.0;
  for (int c = 0; c < columns.size(); ++c) {
    height = std::max(height, cellHeight(headFont, columns[c].header, widths[c] - 2 * padX));
  }
  height += 2 * padY;
  if (m_painter) m_painter->fillRect(QRectF(0.0, m_y, m_width, height), QColor(kHeaderFill));
  double x = 0.0;
  for (int c = 0; c < columns.size(); ++c) {
    const QRectF cell(x + padX, m_y + padY, widths[c] - 2 * padX, height - 2 * padY);
    drawCell(headFont, kTextColor, columns[c].header, cell, columns[c].alignment | Qt::AlignBottom);
    x += widths[c];
  }
  m_y += height;
  rule(kAccentColor, pt(0.75));
  return height;
}

void ReportPage::table(const QVector<ReportColumn>& columns, const QVector<ReportRow>& fullRows) {
  QVector<ReportRow> rows = fullRows;
  for (ReportRow& row : rows) {
    for (QString& cell : row.cells) cell = clipped(cell, kMaxCellChars);
  }
  const QVector<double> widths = columnWidths(columns, rows);
  const double padX = pt(4);
  const double padY = pt(3);
  auto rowHeight = [&](const ReportRow& row, const QFont& rowFont) {
    double height = 0.0;
    for (int c = 0; c < columns.size(); ++c) {
      height = std::max(height, cellHeight(rowFont, row.cells.value(c), widths[c] - 2 * padX));
    }
    return height + 2 * padY;
  };

  // The header plus the first row, so a header never sits alone at the foot of a page.
  const QFont first = font(kCellPoints, false, !rows.isEmpty() && rows.front().muted);
  keepTogether(pt(30) + (rows.isEmpty() ? 0.0 : rowHeight(rows.front(), first)));
  tableHeader(columns, widths);
  for (int r = 0; r < rows.size(); ++r) {
    const ReportRow& row = rows[r];
    const QFont rowFont = font(kCellPoints, false, row.muted);
    const double height = rowHeight(row, rowFont);
    if (m_y + height > m_bottom) {
      newPage();
      tableHeader(columns, widths);
    }
    if (m_painter && r % 2 == 1) {
      m_painter->fillRect(QRectF(0.0, m_y, m_width, height), QColor(kZebraFill));
    }
    double x = 0.0;
    for (int c = 0; c < columns.size(); ++c) {
      const QRectF cell(x + padX, m_y + padY, widths[c] - 2 * padX, height - 2 * padY);
      drawCell(rowFont, row.muted ? kMutedColor : kTextColor, row.cells.value(c), cell,
               columns[c].alignment | Qt::AlignVCenter);
      x += widths[c];
    }
    m_y += height;
  }
  rule(kRuleColor, pt(0.75));
}

void ReportPage::legend(const QVector<QPair<QColor, QString>>& entries) {
  const QFont entryFont = font(kCellPoints);
  const double swatch = pt(7);
  const double indent = swatch + pt(5);
  const double firstLine = QFontMetricsF(entryFont, m_device).height();
  for (const auto& [color, label] : entries) {
    const QString shown = clipped(label, kMaxCellChars);
    const double height = cellHeight(entryFont, shown, m_width - indent) + pt(2);
    keepTogether(height);
    if (m_painter) {
      m_painter->fillRect(QRectF(0.0, m_y + (firstLine - swatch) / 2, swatch, swatch), color);
    }
    drawCell(entryFont, kTextColor, shown, QRectF(indent, m_y, m_width - indent, height),
             Qt::AlignLeft | Qt::AlignTop);
    m_y += height;
  }
}

void ReportPage::footer() {
  if (!m_painter) return;
  const QFont footerFont = font(kFooterPoints);
  const double height = m_device->height() - m_footerTop;
  m_painter->fillRect(QRectF(0.0, m_footerTop - pt(4), m_width, pt(0.5)), QColor(kRuleColor));
  const QRectF area(0.0, m_footerTop, m_width, height);
  m_painter->setFont(footerFont);
  m_painter->setPen(QColor(kMutedColor));
  m_painter->drawText(area, Qt::AlignLeft | Qt::AlignVCenter, m_footerText);
  m_painter->drawText(area, Qt::AlignRight | Qt::AlignVCenter,
                      QGuiApplication::translate("tb::ui::ReportPage", "Page %1 of %2")
                          .arg(m_pageNumber)
                          .arg(m_pageCount));
}

void ReportPage::newPage() {
  footer();
  if (m_painter) m_device->newPage();
  ++m_pageNumber;
  m_y = 0.0;
}

void ReportPage::finish() { footer(); }

}  // namespace tb::ui
