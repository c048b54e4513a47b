#include "export/paper_palette.h"

#include "common/status_colors.h"

namespace tb::ui {

QPalette PaperPalette::paper() {
  // Braces: clang reads "palette(QColor(Qt::white))" as a function's declaration.
  QPalette palette{QColor(Qt::white)};  // derived from a white button: light throughout
  palette.setColor(QPalette::Window, Qt::white);
  palette.setColor(QPalette::Base, Qt::white);
  palette.setColor(QPalette::WindowText, Qt::black);
  palette.setColor(QPalette::Text, Qt::black);
  palette.setColor(QPalette::PlaceholderText, QColor(0x60, 0x60, 0x60));
  return palette;
}

PaperPalette::PaperPalette(const QList<QWidget*>& widgets) {
  for (QWidget* widget : widgets) {
    // A light theme prints as it is.
    if (widget == nullptr || !isDarkPalette(widget->palette())) continue;
    m_saved.append({widget, widget->palette(), widget->testAttribute(Qt::WA_SetPalette)});
    widget->setPalette(paper());
  }
}

PaperPalette::~PaperPalette() {
  for (const Saved& saved : m_saved) {
    if (saved.widget.isNull()) continue;
    // An inherited palette is inherited again, so later theme changes still reach the widget.
    saved.widget->setPalette(saved.own ? saved.palette : QPalette());
  }
}

}  // namespace tb::ui
