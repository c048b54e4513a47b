// Secondary text (chart captions, notes, hidden runs, the workload's description) is drawn in
// the palette's PlaceholderText. Some desktop themes leave that role at its light-theme default
// (half-transparent black) under a dark palette, where such text all but vanished.
#pragma once

#include <QColor>
#include <QPalette>

namespace tb::ui {

// WCAG 2 contrast between two opaque colours (1 to 21).
double contrastRatio(const QColor& a, const QColor& b);

// `palette` with PlaceholderText made readable on the window wherever it is not (under 3:1,
// the least for secondary text): then a blend of the text and window colours. A theme whose
// placeholder text reads already keeps it.
QPalette withReadableMutedText(QPalette palette);

}  // namespace tb::ui
