// Axis ticks whose labels never run into each other: as many as the chart's size has room for,
// recounted before every replot, so a narrow chart (four across, a small screen) gets fewer.
#pragma once

class QCustomPlot;

namespace tb::ui {

// Gives both axes of `plot` such ticks: steps of 1, 2, 2.5 or 5 times a power of ten (1, 2 or
// 5 on a whole-number axis such as epochs), the smallest with room between their labels.
void keepTickLabelsApart(QCustomPlot* plot, bool integerX);

// The same for the x axis alone, where the y axis has ticks of its own (a bar chart's names).
void keepValueTickLabelsApart(QCustomPlot* plot);

}  // namespace tb::ui
