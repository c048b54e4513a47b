// The look shared by TrainBench's QCustomPlot charts (run charts, comparison bars): colours from
// the widget palette so light and dark themes both read, titles, and axes fitted to the data.
#pragma once

#include <QPalette>
#include <QString>

class QCustomPlot;
class QCPItemText;

namespace tb::ui {

// Adds a bold title (and, if not empty, a smaller muted caption) above the axis rect.
void addPlotTitle(QCustomPlot* plot, const QString& title, const QString& caption = QString());

// Background, text, axis and grid colours from `palette`; call again on QEvent::PaletteChange.
void applyPlotPalette(QCustomPlot* plot, const QPalette& palette);

// How fitAxesToData() frames a chart's data.
struct AxisFit {
  bool nonNegative = true;  // the padding never pushes the value axis below 0 for data >= 0
  bool integerX = false;    // epochs: half an epoch each side; else time, from 0
  bool percent = false;     // a share in %: the value axis shows 0 to 100, whatever the data
};

// Rescales both axes to the visible graphs with a little padding, so markers at the edges stay
// whole; a degenerate range (one point) gets a sensible width. A time axis starts at 0 (the
// run's start), so one sample late in a short run is not drawn as if at its beginning.
void fitAxesToData(QCustomPlot* plot, const AxisFit& fit);

// Horizontal bar charts (the key on the y axis, the value on the x axis).
// A value label just right of the point `at` on the x axis, level with `key`; `shortText`, if
// given, is shown where the chart is too narrow for `text`.
QCPItemText* addBarValueLabel(QCustomPlot* plot, double key, double at, const QString& text,
                              const QPalette& palette, const QString& shortText = QString());
// Sets the x axis's upper end at every layout so that each bar's value label fits right of its
// bar: the room a label needs is in pixels, so it depends on how wide the chart is drawn. A
// label too long for the chart's width, beside a bar of a fifth of it, shows its short text.
void keepBarLabelsInside(QCustomPlot* plot);

}  // namespace tb::ui
