// One QCPBars per phase, stacked with moveAbove, so each phase has one colour and one legend entry
// across all runs.
#include "devices/profile_chart.h"

#include "charts/plot_style.h"
#include "charts/roomy_ticks.h"
#include "common/qcustomplot_include.h"

#include <QCoreApplication>

#include <algorithm>
#include <optional>

namespace tb::ui {

namespace {

constexpr double kBarWidth = 0.6;
// The device's bar: thin, just below its run's, clear of the next run's bar.
constexpr double kDeviceBarWidth = 0.16;
constexpr double kDeviceBarOffset = 0.42;

QString text(const char* source) {
  return QCoreApplication::translate("tb::ui::ProfileDialog", source);
}

// Fixed per phase, so a phase keeps its colour from run to run and in both themes.
QColor phaseColor(StepPhase phase) {
  switch (phase) {
    case StepPhase::Data: return QColor(0x4c, 0x72, 0xb0);
    case StepPhase::Forward: return QColor(0xdd, 0x84, 0x52);
    case StepPhase::Backward: return QColor(0x55, 0xa8, 0x68);
    case StepPhase::Exchange: return QColor(0x81, 0x72, 0xb3);
    case StepPhase::Optimizer: return QColor(0xc4, 0x4e, 0x52);
  }
  return QColor(Qt::gray);
}

std::optional<double> hostMilliseconds(const PhaseTime& time) { return time.secondsPerStep * 1e3; }

std::optional<double> deviceMilliseconds(const PhaseTime& time) {
  if (!time.deviceSecondsPerStep) return std::nullopt;
  return *time.deviceSecondsPerStep * 1e3;
}

// One QCPBars per phase that some run has a value for, stacked in step order, each run's at its
// key plus `offset`; a run missing a phase just adds nothing to its stack. Bars with a
// `nameSuffix` repeat phases already in the legend and stay out of it.
void addPhaseStacks(QCustomPlot* plot, const QVector<ProfileRow>& rows, double offset,
                    double width, std::optional<double> (*valueOf)(const PhaseTime&),
                    const QString& nameSuffix) {
  const int count = static_cast<int>(rows.size());
  QCPBars* below = nullptr;
  for (const StepPhase phase : kStepPhases) {
    QCPBars* bars = nullptr;
    for (int i = 0; i < count; ++i) {
      if (!rows[i].profile) continue;
      for (const PhaseTime& time : rows[i].profile->phases) {
        const std::optional<double> value = valueOf(time);
        if (time.phase != phase || !value) continue;
        if (bars == nullptr) {
          bars = new QCPBars(plot->yAxis, plot->xAxis);  // key on y: horizontal bars
          bars->setName(QString::fromLatin1(toString(phase)) + nameSuffix);
          bars->setWidth(width);
          bars->setBrush(phaseColor(phase));
          bars->setPen(QPen(phaseColor(phase).darker(115)));
          if (!nameSuffix.isEmpty()) bars->removeFromLegend();
          if (below != nullptr) bars->moveAbove(below);
        }
        bars->addData(count - i + offset, *value);
      }
    }
    if (bars != nullptr) below = bars;
  }
}

// Shows the legend's row under the axes, or takes it out of the layout: an empty legend, even
// hidden, caps its column's width at its own few pixels, and the chart drew squeezed into the
// width of its title until the first profile.
void placeLegend(QCustomPlot* plot, bool show) {
  auto* legendRow = qobject_cast<QCPLayoutGrid*>(plot->legend->layout());
  QCPLayoutGrid* layout = plot->plotLayout();
  if (legendRow == nullptr) return;
  const int last = layout->rowCount() - 1;
  const bool placed = layout->hasElement(last, 0) && layout->element(last, 0) == legendRow;
  if (show && !placed) {
    layout->addElement(layout->rowCount(), 0, legendRow);
    layout->setRowStretchFactor(layout->rowCount() - 1, 0.001);
  } else if (!show && placed) {
    layout->take(legendRow);  // the plot keeps it (and deletes it)
    layout->simplify();
  }
  plot->legend->setVisible(show);
}

}  // namespace

void setUpProfileChart(QCustomPlot* plot) {
  addPlotTitle(plot, text("Time per training step"),
               text("by phase, the device synchronised at each phase's end"));
  plot->xAxis->setLabel(text("Milliseconds per step"));
  plot->yAxis->setTicker(QSharedPointer<QCPAxisTickerText>(new QCPAxisTickerText));
  plot->yAxis->grid()->setVisible(false);
  plot->yAxis->setTickLength(0, 0);
  plot->yAxis->setSubTicks(false);
  // The legend in a row of its own below the axes: inside them, long bars would run under it.
  auto* legendRow = new QCPLayoutGrid;
  const int row = plot->plotLayout()->rowCount();
  plot->plotLayout()->addElement(row, 0, legendRow);
  plot->plotLayout()->setRowStretchFactor(row, 0.001);
  legendRow->setMargins(QMargins(5, 0, 5, 5));
  legendRow->addElement(0, 0, plot->legend);
  plot->legend->setFillOrder(QCPLegend::foColumnsFirst);
  keepBarLabelsInside(plot);
  keepValueTickLabelsApart(plot);
}

void drawProfileBars(QCustomPlot* plot, const QVector<ProfileRow>& rows, const QPalette& palette) {
  plot->clearPlottables();
  plot->clearItems();
  auto ticker = qSharedPointerCast<QCPAxisTickerText>(plot->yAxis->ticker());
  ticker->clear();
  const int count = static_cast<int>(rows.size());

  addPhaseStacks(plot, rows, 0.0, kBarWidth, hostMilliseconds, QString());
  // On a GPU, a thin bar under each run's: the same phases on the device's own clock. The gap
  // between the two is the time the device waits for the host's launches.
  addPhaseStacks(plot, rows, -kDeviceBarOffset, kDeviceBarWidth, deviceMilliseconds,
                 text(" on the device"));

  for (int i = 0; i < count; ++i) {
    const double key = count - i;  // the first run on top
    // Numbered as in the report below: two runs may share a device and precision.
    ticker->addTick(key, QStringLiteral("#%1 %2").arg(i + 1).arg(rows[i].label));
    if (rows[i].profile) {
      const StepProfile& profile = *rows[i].profile;
      const double ms = profile.stepSeconds * 1e3;
      addBarValueLabel(plot, key, ms, QString::number(ms, 'f', 3) + QStringLiteral(" ms"), palette);
      if (const auto busy = deviceBusyShare(profile)) {
        const double deviceMs = profile.deviceStepSeconds * 1e3;
        const QString gpu = text("GPU: %1 ms").arg(QString::number(deviceMs, 'f', 3));
        addBarValueLabel(plot, key - kDeviceBarOffset, deviceMs,
                         text("GPU: %1 ms, busy %2 % of a run's step")
                             .arg(QString::number(deviceMs, 'f', 3))
                             .arg(qRound(*busy * 100.0)),
                         palette, gpu);
      }
    } else if (!rows[i].failure.isEmpty()) {
      addBarValueLabel(plot, key, 0.0, text("failed"), palette);
    }
  }
  plot->xAxis->setRange(0.0, 1.0);  // the upper end: keepBarLabelsInside
  plot->yAxis->setRange(0.4, std::max(count, 1) + 0.6);
  placeLegend(plot, plot->plottableCount() > 0);
  applyPlotPalette(plot, palette);
  plot->replot();
}

}  // namespace tb::ui
