// Lays a report out top to bottom on paged output (the PDF report): wrapped text, tables that
// continue on the next page with their header repeated, images, and a footer on every page.
// Without a painter it only measures, which is how the report learns its page count.
#pragma once

#include <QColor>
#include <QFont>
#include <QPair>
#include <QRectF>
#include <QString>
#include <QStringList>
#include <QVector>

class QPagedPaintDevice;
class QPaintDevice;
class QPainter;
class QPixmap;

namespace tb::ui {

inline constexpr QRgb kTextColor = 0x1f2328;
inline constexpr QRgb kMutedColor = 0x5f6670;
inline constexpr QRgb kWarningColor = 0x8a5a00;  // disturbed runs: amber, readable on white
inline constexpr QRgb kAccentColor = 0x2f5d8a;

struct ReportColumn {
  QString header;
  Qt::Alignment alignment = Qt::AlignLeft;
  bool wraps = true;  // long text may wrap (names); others keep one line (numbers)
};

struct ReportRow {
  QStringList cells;
  bool muted = false;  // e.g. published reference figures, set apart from measured runs
};

// What one table column needs, in device pixels (cell padding included).
struct ColumnNeed {
  double natural = 0.0;  // every cell and the header on one line
  double minimum = 0.0;  // its longest word (wrapping columns) or its widest cell (others)
  bool wraps = true;
  // A column that keeps one line: its longest word, the narrowest it gets before a word breaks
  // when the line is too full for its one-line width. 0: as `minimum`.
  double word = 0.0;
};

// Shares `width` among a table's columns (never more than `width` in all). With room to spare
// each column gets a share in proportion to its natural width. Otherwise the columns that do not
// wrap keep their minimum (wrapped at their spaces, and only then scaled down, to leave the
// wrapping ones 30% of the line), and the
// wrapping ones grow to a common level between their minimum and natural widths; a word much
// longer than an even share may break instead of starving the other columns.
QVector<double> distributeColumnWidths(const QVector<ColumnNeed>& needs, double width);

// The lines `text` takes in `width` on `device`, as the report draws it: broken at spaces, and
// inside a word only where that word alone is wider than the line.
QStringList wrappedLines(const QFont& font, QPaintDevice* device, const QString& text,
                         double width);

class ReportPage final {
 public:
  // `device` must have its page layout set; `painter` (null: measure only) is active on it.
  ReportPage(QPagedPaintDevice* device, QPainter* painter, const QString& footerText,
             int pageCount);

  // Layout units are device pixels; pt() converts from typographic points.
  double pt(double points) const;
  QFont font(double points, bool bold = false, bool italic = false) const;
  double width() const { return m_width; }
  double y() const { return m_y; }
  // Where content ends and the footer begins.
  double bottom() const { return m_bottom; }
  int pageNumber() const { return m_pageNumber; }

  void skip(double height) { m_y += height; }
  // Starts a new page unless `height` still fits on this one.
  void keepTogether(double height);
  double textHeight(const QFont& font, const QString& text) const;
  // Wrapped to the width (less `indent` on the left); moves to a new page if it does not fit.
  void text(const QFont& font, QRgb color, const QString& text, Qt::Alignment alignment,
            double indent = 0.0);
  void heading(const QString& text);
  void rule(QRgb color, double thickness);
  void table(const QVector<ReportColumn>& columns, const QVector<ReportRow>& rows);
  // The charts' runs, a line each: a colour swatch and the label, continued on the next page.
  void legend(const QVector<QPair<QColor, QString>>& entries);
  void image(const QPixmap& pixmap, const QRectF& target);

  // Footer of the current page, then a fresh page.
  void newPage();
  // Footer of the last page.
  void finish();

 private:
  QVector<double> columnWidths(const QVector<ReportColumn>& columns,
                               const QVector<ReportRow>& rows) const;
  double cellHeight(const QFont& font, const QString& text, double width) const;
  void drawCell(const QFont& font, QRgb color, const QString& text, const QRectF& cell,
                Qt::Alignment alignment) const;
  double tableHeader(const QVector<ReportColumn>& columns, const QVector<double>& widths);
  void footer();

  QPagedPaintDevice* m_device;
  QPainter* m_painter;
  QString m_footerText;
  int m_pageCount;
  int m_pageNumber = 1;
  double m_width;
  double m_bottom;
  double m_footerTop;
  double m_y = 0.0;
};

}  // namespace tb::ui
