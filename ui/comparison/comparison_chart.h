// The comparison's horizontal bar chart: total time per row, in the rows' colours.
#pragma once

#include "results/comparison.h"

#include <QColor>
#include <QPalette>
#include <QVector>

#include <vector>

class QCustomPlot;

namespace tb::ui {

// Title and axis labels; call once on a fresh plot.
void setUpTotalTimeChart(QCustomPlot* plot);

// One bar per row with a total, top to bottom in row order, labelled with its seconds; rows
// without a total keep their place and read "n/a". `colors` is parallel to `rows`.
void drawTotalTimeBars(QCustomPlot* plot, const std::vector<ComparisonRow>& rows,
                       const QVector<QColor>& colors, const QPalette& palette);

}  // namespace tb::ui
