// Each run's marker shape in the charts and the legend: with its colour it tells runs apart,
// also for a reader who confuses two of the colours (red and green, most often).
#pragma once

#include "common/qcustomplot_include.h"

#include <QColor>

namespace tb::ui {

// The shape of marker `index` (DisplayedRun::marker): circle, square, triangle, inverted
// triangle, cross, star. The diamond is the test accuracy's and is not among them.
QCPScatterStyle::ScatterShape runMarkerShape(int index);

// The run's marker, filled in its colour, `size` pixels across.
QCPScatterStyle runMarkerStyle(int index, const QColor& color, double size);

}  // namespace tb::ui
