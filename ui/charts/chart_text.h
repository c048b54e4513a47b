// A chart's text alternative: what its lines show, in words, for a screen reader (the plot is a
// picture to it) and for anyone who wants the figures without hovering point by point.
#pragma once

#include <QString>

class QCustomPlot;

namespace tb::ui {

// "Train loss 0.52 to 0.31 (Epoch 1 to 10); Test loss 0.35 (Epoch 10)" per visible run, named
// as the legend names it: each series' first and last measured values over the x range they
// span, and how many of its values were not measured. Runs past `maxRuns` are counted.
QString chartDescription(const QCustomPlot* plot, const QString& xLabel, bool integerX,
                         int maxRuns = 8);

}  // namespace tb::ui
