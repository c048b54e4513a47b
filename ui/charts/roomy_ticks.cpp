// keepTickLabelsApart (roomy_ticks.h). QCustomPlot's own tickers take a tick count and round the
// step to the nearest readable one, which can give half as many ticks again as asked for; these
// take the room their labels need and round the step up.
#include "charts/roomy_ticks.h"

#include "common/qcustomplot_include.h"

#include <QFontMetricsF>

#include <algorithm>
#include <cmath>

namespace tb::ui {

namespace {

// The smallest readable step of at least `exact`.
double roundedUp(double exact, bool whole) {
  if (!std::isfinite(exact) || exact <= 0.0) return 1.0;
  if (whole && exact <= 1.0) return 1.0;
  const double magnitude = std::pow(10.0, std::floor(std::log10(exact)));
  for (const double mantissa : {1.0, 2.0, 2.5, 5.0}) {
    if (whole && mantissa == 2.5) continue;
    if (mantissa * magnitude >= exact * (1.0 - 1e-9)) return mantissa * magnitude;
  }
  return 10.0 * magnitude;
}

// Steps at least `spacing` pixels apart on an axis `pixels` long.
class RoomyTicker final : public QCPAxisTicker {
 public:
  explicit RoomyTicker(bool whole) : m_whole(whole) {}
  void setRoom(double pixels, double spacing) {
    m_pixels = pixels;
    m_spacing = spacing;
  }
  double pixels() const { return m_pixels; }
  // The axis range the labels were measured for.
  void setFittedRange(const QCPRange& range) { m_fittedRange = range; }
  const QCPRange& fittedRange() const { return m_fittedRange; }

 protected:
  double getTickStep(const QCPRange& range) override {
    // Not laid out yet: QCustomPlot's own choice, until the replot after the layout.
    if (m_pixels <= 0.0) return QCPAxisTicker::getTickStep(range);
    if (m_pixels <= m_spacing) return roundedUp(range.size(), m_whole);
    return roundedUp(range.size() * m_spacing / m_pixels, m_whole);
  }

 private:
  bool m_whole;
  double m_pixels = 0.0;
  double m_spacing = 0.0;
  QCPRange m_fittedRange;
};

// How much room the labels have: the axis rect as the last layout left it. A replot that finds
// it much changed replots again (relaidOut below), with the new size.
void fitTickRoom(QCustomPlot* plot, RoomyTicker& xTicker, RoomyTicker* yTicker) {
  const QCPAxisRect* rect = plot->axisRect();
  const double width = rect->width();
  const double height = rect->height();

  const QFontMetricsF xMetrics(plot->xAxis->tickLabelFont());
  const QCPRange range = plot->xAxis->range();
  const auto advance = [&](double value) {
    return xMetrics.horizontalAdvance(plot->locale().toString(value, 'g', 3));
  };
  // The wider end of the range, with room for a decimal between (a step of 2.5: "12.5"), and a
  // gap of two digits.
  const double label = std::max(advance(range.lower), advance(range.upper)) +
                       xMetrics.horizontalAdvance(QStringLiteral(".5"));
  xTicker.setRoom(width, label + xMetrics.horizontalAdvance(QStringLiteral("00")));
  xTicker.setFittedRange(range);

  // Stacked labels: their digits' height, and most of it again between them.
  if (yTicker == nullptr) return;
  const QFontMetricsF yMetrics(plot->yAxis->tickLabelFont());
  const double digits = yMetrics.tightBoundingRect(QStringLiteral("0123456789")).height();
  yTicker->setRoom(height, 1.7 * digits);
}

// Whether the layout just done left the axis rect far from the size its ticks were chosen for
// (a resize, a first showing): then they are chosen again.
bool relaidOut(const QCustomPlot* plot, const RoomyTicker& xTicker, const RoomyTicker* yTicker) {
  const auto far = [](double now, double before) {
    return std::abs(now - before) > std::max(4.0, 0.1 * before);
  };
  const QCPAxisRect* rect = plot->axisRect();
  // A bar chart sets its value range after the layout (keepBarLabelsInside): labels measured
  // for 0..1 ("1") are narrower than those of 0..0.37 ("0.37").
  const QCPRange fitted = xTicker.fittedRange();
  const QCPRange range = plot->xAxis->range();
  const bool rangeMoved = std::abs(range.upper - fitted.upper) > 0.01 * range.size() ||
                          std::abs(range.lower - fitted.lower) > 0.01 * range.size();
  return rangeMoved || far(rect->width(), xTicker.pixels()) ||
         (yTicker != nullptr && far(rect->height(), yTicker->pixels()));
}

// Installs the tickers and keeps them fitted; a null yTicker leaves the y axis as it is.
void installRoomyTickers(QCustomPlot* plot, const QSharedPointer<RoomyTicker>& xTicker,
                         const QSharedPointer<RoomyTicker>& yTicker) {
  plot->xAxis->setTicker(xTicker);
  if (yTicker) plot->yAxis->setTicker(yTicker);
  // The connections end with the plot; they hold the tickers too, in case an axis drops them.
  QObject::connect(plot, &QCustomPlot::beforeReplot, plot,
                   [plot, xTicker, yTicker] { fitTickRoom(plot, *xTicker, yTicker.data()); });
  // The ticks of a draw are made before its layout: ticks fitted to a new size take effect in
  // the next draw, a queued replot on screen, a second rendering in an export (plotToPixmap).
  QObject::connect(plot, &QCustomPlot::afterLayout, plot, [plot, xTicker, yTicker] {
    if (!relaidOut(plot, *xTicker, yTicker.data())) return;
    fitTickRoom(plot, *xTicker, yTicker.data());
    plot->replot(QCustomPlot::rpQueuedReplot);
  });
}

}  // namespace

void keepTickLabelsApart(QCustomPlot* plot, bool integerX) {
  installRoomyTickers(plot, QSharedPointer<RoomyTicker>(new RoomyTicker(integerX)),
                      QSharedPointer<RoomyTicker>(new RoomyTicker(false)));
  if (integerX) {
    plot->xAxis->setNumberFormat(QStringLiteral("f"));
    plot->xAxis->setNumberPrecision(0);
  }
}

void keepValueTickLabelsApart(QCustomPlot* plot) {
  installRoomyTickers(plot, QSharedPointer<RoomyTicker>(new RoomyTicker(false)), nullptr);
}

}  // namespace tb::ui
