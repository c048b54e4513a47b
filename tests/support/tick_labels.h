// Whether a chart's tick labels can be read: on each axis, as drawn at the last replot, no label
// runs into its neighbour.
#pragma once

#include "common/qcustomplot_include.h"

#include <QFontMetricsF>
#include <QString>

namespace tbtest {

// The tick labels of `axis` that run into the next one, for a failure message ("" when none).
inline QString crowdedTickLabels(const QCPAxis* axis) {
  const QVector<double> ticks = axis->tickVector();
  const QVector<QString> labels = axis->tickVectorLabels();
  const QFontMetricsF metrics(axis->tickLabelFont());
  const bool horizontal = axis->orientation() == Qt::Horizontal;
  QString crowded;
  for (int i = 0; i + 1 < ticks.size() && i + 1 < labels.size(); ++i) {
    if (!axis->range().contains(ticks[i]) || !axis->range().contains(ticks[i + 1])) continue;
    const double distance = std::abs(axis->coordToPixel(ticks[i + 1]) - axis->coordToPixel(ticks[i]));
    // Centred on their ticks: half of each label's extent lies between the two. Stacked, the
    // digits' own height (no line spacing: tick labels have no descenders) plus a little air.
    const double needed =
        horizontal ? (metrics.horizontalAdvance(labels[i]) + metrics.horizontalAdvance(labels[i + 1])) / 2
                   : metrics.tightBoundingRect(QStringLiteral("0123456789.")).height() + 1.0;
    if (distance < needed + 2.0) {
      crowded += QStringLiteral("'%1' and '%2' %3 px apart (%4 px needed); ")
                     .arg(labels[i], labels[i + 1])
                     .arg(distance, 0, 'f', 1)
                     .arg(needed + 2.0, 0, 'f', 1);
    }
  }
  return crowded;
}

// How many of `axis`'s ticks lie in its range, as drawn at the last replot.
inline int ticksInRange(const QCPAxis* axis) {
  int count = 0;
  for (const double tick : axis->tickVector()) count += axis->range().contains(tick) ? 1 : 0;
  return count;
}

// The same for both axes of `plot`.
inline QString crowdedTickLabels(const QCustomPlot& plot) {
  return crowdedTickLabels(plot.xAxis) + crowdedTickLabels(plot.yAxis);
}

}  // namespace tbtest
