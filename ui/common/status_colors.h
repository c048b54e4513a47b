// Text colours that say "warning" and "error", readable on the palette they are drawn on: the
// dark amber and red that read on a light theme were about 1.8:1 on a dark one.
#pragma once

#include <QColor>
#include <QPalette>

class QWidget;

namespace tb::ui {

// Whether `palette` draws text on a dark background (a dark theme).
bool isDarkPalette(const QPalette& palette);

// Amber for warnings (a disturbed run, runs of different sizes), red for errors (a failed run).
QColor warningTextColor(const QPalette& palette);
QColor errorTextColor(const QPalette& palette);

// Gives `label`'s text the warning or error colour of its palette, or of `background`: in a
// parent's PaletteChange, the parent's palette is the new one and the label's still the old.
void useWarningText(QWidget* label);
void useWarningText(QWidget* label, const QPalette& background);
void useErrorText(QWidget* label);

}  // namespace tb::ui
