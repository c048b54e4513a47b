// Palette, titles and axis fitting shared by every TrainBench chart.
#include "charts/plot_style.h"

#include "common/qcustomplot_include.h"

#include <QFontMetricsF>

#include <algorithm>
#include <cmath>

namespace tb::ui {

namespace {

constexpr double kPadding = 0.06;        // of the data span, each side
constexpr double kLabelGapPixels = 6.0;  // between a value label and the axis rect's right edge
constexpr double kNarrowestBars = 0.2;   // of the width, however long the labels
constexpr int kTitleRow = 0;
const char* const kCaptionProperty = "tbCaption";  // marks the caption element for restyling
// A bar's value label keeps both its texts: the chart's width picks one at each layout.
const char* const kFullTextProperty = "tbFullText";
const char* const kShortTextProperty = "tbShortText";

QColor withAlpha(QColor color, int alpha) {
  color.setAlpha(alpha);
  return color;
}

void styleAxis(QCPAxis* axis, const QPalette& palette) {
  const QColor text = palette.color(QPalette::WindowText);
  const QColor line = withAlpha(text, 140);
  axis->setBasePen(QPen(line));
  axis->setTickPen(QPen(line));
  axis->setSubTickPen(QPen(line));
  axis->setTickLabelColor(text);
  axis->setLabelColor(text);
  axis->grid()->setPen(QPen(withAlpha(text, 35), 1, Qt::SolidLine));
  axis->grid()->setZeroLinePen(Qt::NoPen);
  axis->grid()->setSubGridVisible(false);
}

QCPRange padded(QCPRange range, double minimumHalfWidth) {
  const double span = range.upper - range.lower;
  if (span < 2.0 * minimumHalfWidth) {
    // One point, a flat line, or points closer than the axis's smallest sensible range (two runs'
    // first telemetry samples a few microseconds apart): centre them in a range proportional to
    // their size, rather than ticks that differ in the fifth decimal.
    const double centre = range.center();
    const double half = std::max(std::abs(centre) * 0.1, minimumHalfWidth);
    range = QCPRange(centre - half, centre + half);
  } else {
    range = QCPRange(range.lower - span * kPadding, range.upper + span * kPadding);
  }
  return range;
}

}  // namespace

void addPlotTitle(QCustomPlot* plot, const QString& title, const QString& caption) {
  auto* layout = plot->plotLayout();
  QFont titleFont = plot->font();
  titleFont.setBold(true);
  titleFont.setPointSizeF(titleFont.pointSizeF() * 1.05);
  layout->insertRow(kTitleRow);
  layout->addElement(kTitleRow, 0, new QCPTextElement(plot, title, titleFont));
  if (!caption.isEmpty()) {
    QFont captionFont = plot->font();
    captionFont.setPointSizeF(captionFont.pointSizeF() * 0.85);
    layout->insertRow(kTitleRow + 1);
    auto* element = new QCPTextElement(plot, caption, captionFont);
    element->setProperty(kCaptionProperty, true);
    layout->addElement(kTitleRow + 1, 0, element);
  }
  layout->setRowSpacing(0);
}

void applyPlotPalette(QCustomPlot* plot, const QPalette& palette) {
  const QColor text = palette.color(QPalette::WindowText);
  plot->setBackground(palette.brush(QPalette::Base));
  for (QCPAxisRect* rect : plot->axisRects()) {
    rect->setBackground(palette.brush(QPalette::Base));
    for (QCPAxis* axis : rect->axes()) styleAxis(axis, palette);
  }
  for (int i = 0; i < plot->plotLayout()->elementCount(); ++i) {
    if (auto* element = qobject_cast<QCPTextElement*>(plot->plotLayout()->elementAt(i))) {
      const bool caption = element->property(kCaptionProperty).toBool();
      element->setTextColor(caption ? palette.color(QPalette::PlaceholderText) : text);
    }
  }
  if (plot->legend) {
    plot->legend->setBrush(palette.brush(QPalette::Base));
    plot->legend->setTextColor(text);
    plot->legend->setBorderPen(QPen(withAlpha(text, 80)));
  }
}

void fitAxesToData(QCustomPlot* plot, const AxisFit& fit) {
  bool haveKeys = false;
  bool haveValues = false;
  QCPRange keys;
  QCPRange values;
  for (int i = 0; i < plot->plottableCount(); ++i) {
    QCPAbstractPlottable* plottable = plot->plottable(i);
    if (!plottable->visible()) continue;
    bool found = false;
    const QCPRange keyRange = plottable->getKeyRange(found);
    if (found) {
      keys = haveKeys ? QCPRange(std::min(keys.lower, keyRange.lower),
                                 std::max(keys.upper, keyRange.upper))
                      : keyRange;
      haveKeys = true;
    }
    const QCPRange valueRange = plottable->getValueRange(found);
    if (found) {
      values = haveValues ? QCPRange(std::min(values.lower, valueRange.lower),
                                     std::max(values.upper, valueRange.upper))
                          : valueRange;
      haveValues = true;
    }
  }
  // A share in %: 0 to 100 always, and a little above so that points at 100 stay whole.
  const QCPRange percentRange(0.0, 100.0 * (1.0 + kPadding));
  if (!haveKeys || !haveValues) {
    // Nothing to show: a neutral frame instead of QCustomPlot's leftover range.
    plot->xAxis->setRange(fit.integerX ? QCPRange(0.5, 2.5) : QCPRange(0.0, 10.0));
    plot->yAxis->setRange(fit.percent ? percentRange : QCPRange(0.0, 1.0));
    return;
  }
  if (fit.integerX) {
    // Half an epoch each side keeps the first and last markers off the frame.
    plot->xAxis->setRange(keys.lower - 0.5, keys.upper + 0.5);
  } else if (keys.lower >= 0.0) {
    // Seconds since the run's start: from the start.
    plot->xAxis->setRange(0.0, std::max(keys.upper * (1.0 + kPadding), 1.0));
  } else {
    plot->xAxis->setRange(padded(keys, 0.5));
  }
  if (fit.percent && values.lower >= 0.0 && values.upper <= 100.0) {
    plot->yAxis->setRange(percentRange);
    return;
  }
  QCPRange y = padded(values, 1e-3);
  if (fit.nonNegative && values.lower >= 0.0 && y.lower < 0.0) y.lower = 0.0;
  plot->yAxis->setRange(y);
}

QCPItemText* addBarValueLabel(QCustomPlot* plot, double key, double at, const QString& text,
                              const QPalette& palette, const QString& shortText) {
  QFont font = plot->font();
  font.setPointSizeF(font.pointSizeF() * 0.9);
  auto* label = new QCPItemText(plot);
  label->setFont(font);
  label->setColor(palette.color(QPalette::WindowText));
  label->setPositionAlignment(Qt::AlignLeft | Qt::AlignVCenter);
  label->setPadding(QMargins(4, 0, 0, 0));
  label->position->setCoords(at, key);
  label->setText(text);
  label->setProperty(kFullTextProperty, text);
  label->setProperty(kShortTextProperty, shortText.isEmpty() ? text : shortText);
  return label;
}

void keepBarLabelsInside(QCustomPlot* plot) {
  // After the layout, before the drawing: the axis rect's width is known and the new range
  // is the one drawn.
  QObject::connect(plot, &QCustomPlot::afterLayout, plot, [plot] {
    const double width = plot->axisRect()->width();
    if (width <= 0.0) return;
    const double lower = plot->xAxis->range().lower;
    double upper = lower;
    for (int i = 0; i < plot->itemCount(); ++i) {
      auto* label = qobject_cast<QCPItemText*>(plot->item(i));
      if (label == nullptr) continue;
      const auto needed = [label](const QString& text) {
        return QFontMetricsF(label->font()).horizontalAdvance(text) + label->padding().left() +
               label->padding().right() + kLabelGapPixels;
      };
      // The full text where it fits beside a bar of the narrowest length, else the short one.
      const QString full = label->property(kFullTextProperty).toString();
      const QString brief = label->property(kShortTextProperty).toString();
      if (!full.isEmpty()) {
        label->setText(needed(full) <= width * (1.0 - kNarrowestBars) ? full : brief);
      }
      const double at = label->position->coords().x() - lower;
      if (at <= 0.0) continue;  // at the axis: no bar to make room beside
      // The bar ends at at / (upper - lower) of the width; its label needs `needed` after it.
      const double forBars = std::max(width - needed(label->text()), width * kNarrowestBars);
      upper = std::max(upper, lower + at * width / forBars);
    }
    if (upper <= lower) upper = lower + 1.0;
    plot->xAxis->setRange(lower, upper);
    // The layout placed the ticks for the old range: place them again for the new one.
    plot->axisRect()->update(QCPLayoutElement::upPreparation);
  });
}

}  // namespace tb::ui
