// Finding the point under the mouse in pixel space, so a dense timeline and a lone test marker
// are equally easy to hit.
#include "charts/plot_hover.h"

#include "common/qcustomplot_include.h"

#include <cmath>

namespace tb::ui {

std::optional<HoverPoint> nearestPoint(const QCustomPlot* plot, const QPointF& pos,
                                       double maxDistance) {
  std::optional<HoverPoint> best;
  for (int i = 0; i < plot->graphCount(); ++i) {
    QCPGraph* graph = plot->graph(i);
    if (!graph->visible() || graph->data()->isEmpty()) continue;
    const QCPAxis* keyAxis = graph->keyAxis();
    const QCPAxis* valueAxis = graph->valueAxis();
    // Only points within maxDistance horizontally can win; keys are sorted, so bisect.
    double lower = keyAxis->pixelToCoord(pos.x() - maxDistance);
    double upper = keyAxis->pixelToCoord(pos.x() + maxDistance);
    if (lower > upper) std::swap(lower, upper);
    const auto end = graph->data()->findEnd(upper, false);
    for (auto it = graph->data()->findBegin(lower, false); it != end; ++it) {
      if (std::isnan(it->value)) continue;  // a gap: nothing measured there
      const double dx = keyAxis->coordToPixel(it->key) - pos.x();
      const double dy = valueAxis->coordToPixel(it->value) - pos.y();
      const double distance = std::hypot(dx, dy);
      if (distance > maxDistance || (best && distance >= best->distance)) continue;
      best = HoverPoint{graph,   graph->name(), graph->property(kSeriesProperty).toString(),
                        it->key, it->value,     distance};
    }
  }
  return best;
}

namespace {

// Five significant digits, as the CLI gives a loss, but a large value whole, as the table
// writes it: 118358 samples/s read "1.1836e+05".
QString readableValue(double value) {
  const double size = std::fabs(value);
  return size >= 1e4 && size < 1e15 ? QString::number(value, 'f', 0) : QString::number(value, 'g', 5);
}

}  // namespace

QString hoverText(const HoverPoint& point, const QString& xLabel, bool integerX) {
  const QString x =
      integerX ? QString::number(std::lround(point.key)) : QString::number(point.key, 'f', 1);
  return QStringLiteral("<b>%1</b><br>%2: %3<br>%4: %5")
      .arg(point.run.toHtmlEscaped(), xLabel.toHtmlEscaped(), x, point.series.toHtmlEscaped(),
           readableValue(point.value));
}

}  // namespace tb::ui
