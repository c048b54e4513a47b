// Hover read-outs for charts: the run, x and y of the visible point nearest the mouse.
#pragma once

#include <QPointF>
#include <QString>

#include <optional>

class QCustomPlot;
class QCPGraph;

namespace tb::ui {

// Graph property naming the series ("Train loss"); the graph's name() is the run's label.
inline constexpr const char* kSeriesProperty = "tbSeries";

struct HoverPoint {
  QCPGraph* graph = nullptr;
  QString run;     // the run's label
  QString series;  // e.g. "Train loss"
  double key = 0.0;
  double value = 0.0;
  double distance = 0.0;  // pixels from the mouse
};

// The point of a visible graph nearest `pos` (widget pixels), if one lies within `maxDistance`.
std::optional<HoverPoint> nearestPoint(const QCustomPlot* plot, const QPointF& pos,
                                       double maxDistance = 24.0);

// Rich text for a tooltip: the run in bold, then "x label: x" and "series: y".
QString hoverText(const HoverPoint& point, const QString& xLabel, bool integerX);

}  // namespace tb::ui
