// ScalingChart: one QCPGraph per series and a dashed one for its ideal.
#include "comparison/scaling_chart.h"

#include "charts/plot_style.h"
#include "charts/roomy_ticks.h"
#include "common/qcustomplot_include.h"
#include "common/qt_convert.h"

#include "results/scaling.h"
#include "results/table_text.h"

#include <QEvent>
#include <QStringList>
#include <QVBoxLayout>

#include <algorithm>
#include <array>
#include <cmath>

namespace tb::ui {

namespace {

constexpr int kChartHeight = 160;
constexpr int kLegendRowHeight = 20;
constexpr int kLegendColumns = 2;
constexpr std::array<QRgb, 6> kSeriesColors = {0x1f77b4, 0xd62728, 0x2ca02c,
                                               0x9467bd, 0xff7f0e, 0x17becf};

}  // namespace

ScalingChart::ScalingChart(QWidget* parent) : QWidget(parent), m_plot(new QCustomPlot(this)) {
  // Two lines: on one, the subtitle's width was the chart's least, and even while its tab was
  // hidden the comparison's table got only what was left beside it.
  addPlotTitle(m_plot, tr("Scaling"),
               tr("samples/s against ranks; dashed: ideal (N \u00d7 one rank)\n"
                  "labels: efficiency (\u25c6: ranks across machines)"));
  m_plot->setAccessibleName(tr("Scaling chart"));
  m_plot->xAxis->setLabel(tr("Ranks (world size)"));
  m_plot->yAxis->setLabel(tr("Samples/s"));
  keepTickLabelsApart(m_plot, /*integerX=*/true);
  // The legend goes under the plot (setResults), where names of any length cover no point.
  m_plot->axisRect()->insetLayout()->take(m_plot->legend);
  m_plot->axisRect()->insetLayout()->simplify();
  m_plot->legend->setVisible(false);
  m_plot->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
  m_plot->legend->setWrap(kLegendColumns);
  m_plot->legend->setRowSpacing(0);
  m_plot->setMinimumHeight(kChartHeight);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(m_plot);
  applyPlotPalette(m_plot, palette());
}

void ScalingChart::setResults(const std::vector<RunResult>& results) {
  m_results = results;
  const std::vector<ScalingSeries> series = scalingSeries(results);
  m_seriesCount = static_cast<int>(series.size());
  m_plot->clearGraphs();
  m_plot->clearItems();
  // One series needs no legend: the comparison's table names the runs. A hidden legend still
  // keeps its row's height, so it leaves the layout.
  showLegend(series.size() > 1);
  const int legendRows =
      series.size() > 1 ? static_cast<int>((series.size() + kLegendColumns - 1) / kLegendColumns) : 0;
  m_plot->setMinimumHeight(kChartHeight + kLegendRowHeight * legendRows);
  const std::vector<std::string> names = shortSeriesNames(series);
  if (series.empty()) {
    m_plot->replot();
    return;
  }

  double top = 0.0;
  int widest = 1;
  int disturbedBases = 0;  // series whose only one-rank runs were disturbed
  for (const ScalingSeries& one : series) {
    for (const ScalingPoint& point : one.points) widest = std::max(widest, point.worldSize);
  }
  for (std::size_t s = 0; s < series.size(); ++s) {
    const QColor color(kSeriesColors[s % kSeriesColors.size()]);
    const auto& points = series[s].points;
    QCPGraph* measured = m_plot->addGraph();
    measured->setName(toQString(table::printable(names[s])));
    measured->setPen(QPen(color, 2));
    measured->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, color, color, 7));
    const auto one = std::find_if(points.begin(), points.end(),
                                  [](const ScalingPoint& p) { return p.worldSize == 1; });
    // Ranks across several machines are points of their own, unjoined: the line is one
    // machine's, and 8 ranks across two machines may sit beside 8 on one.
    QCPGraph* acrossMachines = nullptr;
    for (const ScalingPoint& point : points) {
      if (point.machines > 1 && !acrossMachines) {
        acrossMachines = m_plot->addGraph();
        acrossMachines->removeFromLegend();
        acrossMachines->setLineStyle(QCPGraph::lsNone);
        acrossMachines->setScatterStyle(
            QCPScatterStyle(QCPScatterStyle::ssDiamond, color, color, 9));
      }
      (point.machines > 1 ? acrossMachines : measured)
          ->addData(point.worldSize, point.samplesPerSecond);
      top = std::max(top, point.samplesPerSecond);
      if (!point.efficiency && point.machines == 1) continue;
      QStringList parts;
      if (point.efficiency) parts << QStringLiteral("%1%").arg(std::lround(*point.efficiency * 100.0));
      if (point.machines > 1) parts << tr("%1 machines").arg(point.machines);
      auto* label = new QCPItemText(m_plot);
      label->position->setCoords(point.worldSize, point.samplesPerSecond);
      // One machine's labels above their points, several machines' below theirs, so two points
      // at one rank count both read; the last column's end at their point, inside the chart.
      const Qt::Alignment across = point.worldSize == widest ? Qt::AlignRight : Qt::AlignHCenter;
      const bool below = point.machines > 1;
      label->setPositionAlignment(across | (below ? Qt::AlignTop : Qt::AlignBottom));
      label->setPadding(below ? QMargins(0, 8, 0, 0) : QMargins(0, 0, 0, 6));
      label->setText(parts.join(QStringLiteral(", ")));
      label->setColor(color);
      label->setClipToAxisRect(false);  // a point at the top keeps its label whole
    }
    if (one == points.end()) {  // no one-rank run: no ideal to draw
      if (series[s].disturbedOneRankRuns > 0) ++disturbedBases;
      continue;
    }
    QCPGraph* ideal = m_plot->addGraph();
    ideal->setName(tr("ideal"));
    ideal->removeFromLegend();  // the caption says dashed is ideal
    ideal->setPen(QPen(color, 1.5, Qt::DashLine));
    const int last = points.back().worldSize;
    ideal->addData(1, one->samplesPerSecond);
    ideal->addData(last, one->samplesPerSecond * last);
    top = std::max(top, one->samplesPerSecond * last);
  }
  if (disturbedBases > 0) {
    // Said where the efficiencies would be, as `trainbench-cli scaling` says it under its table.
    auto* note = new QCPItemText(m_plot);
    note->position->setType(QCPItemPosition::ptAxisRectRatio);
    note->position->setCoords(0.02, 0.02);
    note->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
    note->setTextAlignment(Qt::AlignLeft);
    // Short lines: the chart beside the comparison is narrow, and an item does not wrap.
    note->setText(
        tr("No efficiency: the one-rank run\nwas disturbed (run it again\non a quiet "
           "machine)"));
    note->setColor(m_plot->xAxis->labelColor());
  }
  m_plot->xAxis->setRange(0.5, widest + 0.5);
  // Headroom for the efficiency labels above the highest point.
  m_plot->yAxis->setRange(0.0, top * 1.25);
  m_plot->replot();
}

void ScalingChart::showLegend(bool show) {
  QCPLayoutGrid* layout = m_plot->plotLayout();
  const bool placed = layout->hasElement(layout->rowCount() - 1, 0) &&
                      layout->element(layout->rowCount() - 1, 0) == m_plot->legend;
  if (show && !placed) {
    layout->addElement(layout->rowCount(), 0, m_plot->legend);
    layout->setRowStretchFactor(layout->rowCount() - 1, 0.001);
  } else if (!show && placed) {
    layout->take(m_plot->legend);
    layout->simplify();
  }
  m_plot->legend->setVisible(show);
}

void ScalingChart::changeEvent(QEvent* event) {
  QWidget::changeEvent(event);
  if (event->type() == QEvent::PaletteChange) {
    applyPlotPalette(m_plot, palette());
    setResults(m_results);
  }
}

}  // namespace tb::ui
