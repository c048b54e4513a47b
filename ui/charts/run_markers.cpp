// Run marker shapes (run_markers.h).
#include "charts/run_markers.h"

#include "model/run_collection.h"

#include <array>

namespace tb::ui {

namespace {

constexpr std::array<QCPScatterStyle::ScatterShape, 6> kShapes = {
    QCPScatterStyle::ssDisc,       QCPScatterStyle::ssSquare,      QCPScatterStyle::ssTriangle,
    QCPScatterStyle::ssTriangleInverted, QCPScatterStyle::ssCross, QCPScatterStyle::ssStar};
static_assert(kShapes.size() == kRunMarkerCount);

}  // namespace

QCPScatterStyle::ScatterShape runMarkerShape(int index) {
  const int wrapped = ((index % kRunMarkerCount) + kRunMarkerCount) % kRunMarkerCount;
  return kShapes[static_cast<std::size_t>(wrapped)];
}

QCPScatterStyle runMarkerStyle(int index, const QColor& color, double size) {
  return QCPScatterStyle(runMarkerShape(index), QPen(color, 1.5), QBrush(color), size);
}

}  // namespace tb::ui
