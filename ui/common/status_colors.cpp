#include "common/status_colors.h"

#include <QWidget>

namespace tb::ui {

namespace {

void setTextColor(QWidget* widget, const QColor& color) {
  QPalette palette = widget->palette();
  palette.setColor(QPalette::WindowText, color);
  palette.setColor(QPalette::Text, color);
  widget->setPalette(palette);
}

}  // namespace

bool isDarkPalette(const QPalette& palette) {
  return palette.color(QPalette::Base).lightness() < 128;
}

// Each pair is at least 4.5:1 against the usual backgrounds of its theme.
QColor warningTextColor(const QPalette& palette) {
  return isDarkPalette(palette) ? QColor(0xf0, 0xb4, 0x29) : QColor(0x8a, 0x5a, 0x00);
}

QColor errorTextColor(const QPalette& palette) {
  return isDarkPalette(palette) ? QColor(0xff, 0x9a, 0x92) : QColor(0xb3, 0x26, 0x1e);
}

void useWarningText(QWidget* label) { useWarningText(label, label->palette()); }

void useWarningText(QWidget* label, const QPalette& background) {
  setTextColor(label, warningTextColor(background));
}

void useErrorText(QWidget* label) { setTextColor(label, errorTextColor(label->palette())); }

}  // namespace tb::ui
