// Where a horizontal bar chart's value labels end, in pixels: a label that runs past the axis
// rect's right edge is cut off there when the chart is drawn.
#pragma once

#include "common/qcustomplot_include.h"

#include <QFontMetricsF>
#include <QList>
#include <QPair>
#include <QString>

namespace tbtest {

// Each value label placed beside a bar (not at the axis), and its right edge in pixels.
inline QList<QPair<QString, double>> barLabelRightEdges(const QCustomPlot& plot) {
  QList<QPair<QString, double>> edges;
  for (int i = 0; i < plot.itemCount(); ++i) {
    const auto* label = qobject_cast<QCPItemText*>(plot.item(i));
    if (label == nullptr || label->position->coords().x() <= plot.xAxis->range().lower) continue;
    edges.append({label->text(), label->position->pixelPosition().x() + label->padding().left() +
                                     QFontMetricsF(label->font()).horizontalAdvance(label->text()) +
                                     label->padding().right()});
  }
  return edges;
}

// The labels cut off at the axis rect's right edge, for a failure message ("" when none).
inline QString cutOffBarLabels(const QCustomPlot& plot) {
  QString cut;
  for (const auto& [text, edge] : barLabelRightEdges(plot)) {
    if (edge > plot.axisRect()->right()) {
      cut += QStringLiteral("'%1' ends at %2 px, the axis at %3 px; ")
                 .arg(text)
                 .arg(edge)
                 .arg(plot.axisRect()->right());
    }
  }
  return cut;
}

}  // namespace tbtest
