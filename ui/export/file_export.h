// Exports that write files: images of widgets (PNG, clipboard) and text (CSV, Markdown). Every
// file is written atomically (QSaveFile): a failed export leaves an existing file untouched.
#pragma once

#include <QByteArray>
#include <QString>

#include <string>

class QImage;
class QCustomPlot;
class QPixmap;
class QWidget;

namespace tb::ui {

// Writes `data` to `path` through a temporary file renamed into place. On failure returns false
// and sets `error` to a message that starts with the path.
bool writeFileAtomically(const QString& path, const QByteArray& data, QString* error = nullptr);

// UTF-8 text, e.g. tb::comparisonCsv / tb::comparisonMarkdown output, byte for byte.
bool saveTextFile(const QString& path, const QString& content, QString* error = nullptr);
bool saveTextFile(const QString& path, const std::string& content, QString* error = nullptr);

// A null image is refused (and nothing is written).
bool savePng(const QImage& image, const QString& path, QString* error = nullptr);
bool savePng(const QPixmap& pixmap, const QString& path, QString* error = nullptr);

// Renders `widget` (visible or not) into a pixmap of its size × `devicePixelRatio` physical
// pixels; 0 means the widget's own ratio, so a HiDPI screen gives a sharp image. Use a ratio of
// 2 or more for print-quality images on a normal screen. Null for a null widget.
QPixmap widgetToPixmap(QWidget* widget, qreal devicePixelRatio = 0.0);

// `plot` drawn at width x height (in device-independent pixels) for a report, with ticks for
// that size: its axes' labels are spaced for the size it is drawn at (charts/roomy_ticks.h), and
// a size other than the screen's takes one drawing to learn.
QPixmap plotToPixmap(QCustomPlot* plot, int width, int height, qreal devicePixelRatio);

// Puts the widget's image on the clipboard (for pasting into slides or mail).
bool copyToClipboard(QWidget* widget, qreal devicePixelRatio = 0.0);

}  // namespace tb::ui
