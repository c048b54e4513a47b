// Keeps one QCPGraph per (run, chart, series) in step with the RunCollection. Collection signals
// only mark runs dirty; a single-shot timer then refreshes their data and redraws each chart once.
#include "charts/chart_panel.h"

#include "charts/chart_text.h"
#include "charts/chart_zoom.h"
#include "charts/plot_hover.h"
#include "charts/plot_style.h"
#include "charts/roomy_ticks.h"
#include "charts/run_legend.h"
#include "charts/run_markers.h"
#include "common/qcustomplot_include.h"
#include "export/file_export.h"
#include "model/run_collection.h"

#include <QEvent>
#include <QGridLayout>
#include <QPainter>
#include <QPixmap>
#include <QScrollArea>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace tb::ui {

namespace {

constexpr int kColumns = 3;  // three across keeps each chart readable on a 1280x800 screen
// More than six charts (a GPU run adds two) go four across, narrower, rather than into a third
// row that would not fit a 1280x800 screen.
constexpr int kWideColumns = 4;
constexpr int kPlotMinWidth = 260;
constexpr int kNarrowPlotMinWidth = 215;
// ...or this many average characters where the font is larger (a desktop's larger text, 144 dpi
// fonts on a 96 dpi screen): at fixed pixels the axis titles and captions were cut off.
constexpr int kPlotMinChars = 37;
constexpr int kNarrowPlotMinChars = 31;
constexpr int kPlotMinLines = 9;
constexpr int kMaxRows = 8;  // rows whose stretch is reset on relayout

void styleGraph(QCPGraph* graph, const QColor& color, int marker, SeriesLook look, bool epochAxis) {
  switch (look) {
    case SeriesLook::Line:
      graph->setPen(QPen(color, 2.0));
      graph->setLineStyle(QCPGraph::lsLine);
      // Per-epoch charts have few points: mark them, each run with its shape. A timeline has
      // hundreds: a plain line.
      graph->setScatterStyle(epochAxis ? runMarkerStyle(marker, color, 7) : QCPScatterStyle());
      break;
    case SeriesLook::DashedLine:
      graph->setPen(QPen(color, 1.6, Qt::DashLine));
      graph->setLineStyle(QCPGraph::lsLine);
      graph->setScatterStyle(QCPScatterStyle());
      break;
    case SeriesLook::Marker:
      graph->setPen(QPen(color, 1.5));
      graph->setLineStyle(QCPGraph::lsNone);
      graph->setScatterStyle(
          QCPScatterStyle(QCPScatterStyle::ssDiamond, QPen(color, 1.5), QBrush(color), 11));
      break;
  }
}

// Whether some value has no value beside it to draw a line to (its neighbours missing, NaN).
bool hasLonePoint(const QVector<double>& values) {
  const auto present = [&values](qsizetype i) {
    return i >= 0 && i < values.size() && std::isfinite(values[i]);
  };
  for (qsizetype i = 0; i < values.size(); ++i) {
    if (present(i) && !present(i - 1) && !present(i + 1)) return true;
  }
  return false;
}

}  // namespace

ChartPanel::ChartPanel(RunCollection* runs, QWidget* parent)
    : QWidget(parent), m_runs(runs), m_legend(new RunLegend(runs, this)), m_grid(new QGridLayout) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(4);
  // Thirty runs make a tall legend: it scrolls within a few lines so the charts keep their room.
  m_legendScroll = new QScrollArea(this);
  m_legendScroll->setWidget(m_legend);
  m_legendScroll->setWidgetResizable(true);
  m_legendScroll->setFrameShape(QFrame::NoFrame);
  m_legendScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  m_legendScroll->setMaximumHeight(kLegendMaxHeight);
  m_legendScroll->setFocusPolicy(Qt::NoFocus);  // a Tab stop that shows nothing; its entries take focus
  m_legendScroll->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);
  layout->addWidget(m_legendScroll);
  m_grid->setSpacing(6);
  layout->addLayout(m_grid, 1);

  m_replotTimer.setSingleShot(true);
  m_replotTimer.setInterval(kReplotDelayMs);
  connect(&m_replotTimer, &QTimer::timeout, this, &ChartPanel::replotNow);

  connect(m_runs, &RunCollection::runAdded, this, [this](const QString& runId) {
    m_dirty.insert(runId);
    // A run added (one that starts, files opened, an undo) must be in view: a zoom kept it off
    // the charts with nothing to say so.
    fitChartsToData(/*now=*/false);
    scheduleReplot();  // a run that starts shows at once
  });
  connect(m_runs, &RunCollection::runChanged, this, &ChartPanel::markDirty);
  connect(m_runs, &RunCollection::visibilityChanged, this, [this] { scheduleReplot(); });
  connect(m_runs, &RunCollection::runRemoved, this, [this] { scheduleReplot(); });

  for (const ChartSpec& spec : defaultChartSpecs()) addChart(spec);
  // Runs already in the collection (reopened results) are drawn on the first refresh.
  for (int i = 0; i < m_runs->count(); ++i) m_dirty.insert(m_runs->at(i).id);
  replotNow();
}

ChartPanel::~ChartPanel() = default;

void ChartPanel::addChart(const ChartSpec& spec) {
  auto* plot = new QCustomPlot(this);
  plot->setMinimumSize(plotMinWidth(false), plotMinHeight());
  plot->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
  plot->setMouseTracking(true);
  // The run legend (run_legend.h) names the runs; QCustomPlot's own, hidden, would still hold an
  // entry per graph, and removing a thousand runs' graphs from it froze the window for seconds.
  plot->setAutoAddPlottableToLegend(false);
  plot->setAccessibleName(spec.title);
  // Its accessible description, set on every redraw, says in words what the lines show.
  addPlotTitle(plot, spec.title, spec.caption);
  plot->xAxis->setLabel(spec.xLabel);
  plot->yAxis->setLabel(spec.yLabel);
  keepTickLabelsApart(plot, spec.integerX);
  applyPlotPalette(plot, palette());
  fitAxesToData(plot, {spec.nonNegative, spec.integerX, spec.percent});

  const int index = static_cast<int>(m_charts.size());
  connect(plot, &QCustomPlot::mouseMove, this,
          [this, index](QMouseEvent* event) { showHover(index, event); });
  auto* zoom = new ChartZoom(plot);
  connect(zoom, &ChartZoom::fitRequested, this, [this] { replotNow(); });
  QCPItemText* note = nullptr;
  if (!spec.emptyNote.isEmpty()) {
    note = new QCPItemText(plot);
    note->position->setType(QCPItemPosition::ptAxisRectRatio);
    note->position->setCoords(0.5, 0.5);
    note->setText(spec.emptyNote);
    note->setTextAlignment(Qt::AlignCenter);
    note->setColor(palette().color(QPalette::PlaceholderText));
    note->setVisible(false);
  }
  m_charts.push_back(Chart{spec, plot, spec.showWhenEmpty, note, zoom});
  layoutCharts();
  // Existing runs need graphs on the new chart.
  for (auto it = m_graphs.cbegin(); it != m_graphs.cend(); ++it) m_dirty.insert(it.key());
  scheduleReplot();
}

void ChartPanel::fitChartsToData(bool now) {
  for (Chart& chart : m_charts) chart.zoom->setZoomed(false);
  if (now) replotNow();
}

QVector<QCustomPlot*> ChartPanel::plots() const {
  QVector<QCustomPlot*> shown;
  for (const Chart& chart : m_charts) {
    if (chart.shown) shown.push_back(chart.plot);
  }
  return shown;
}

QStringList ChartPanel::plotTitles() const {
  QStringList titles;
  for (const Chart& chart : m_charts) {
    if (chart.shown) titles.push_back(chart.spec.title);
  }
  return titles;
}

QVector<QCPGraph*> ChartPanel::graphs(const QString& runId) const {
  QVector<QCPGraph*> all;
  const auto it = m_graphs.constFind(runId);
  if (it == m_graphs.cend()) return all;
  for (const auto& chartGraphs : *it) all += chartGraphs;
  return all;
}

void ChartPanel::scheduleReplot(int delayMs) {
  if (!m_replotTimer.isActive() || m_replotTimer.remainingTime() > delayMs) m_replotTimer.start(delayMs);
}

void ChartPanel::markDirty(const QString& runId) {
  m_dirty.insert(runId);
  const DisplayedRun* run = m_runs->find(runId);
  scheduleReplot(run != nullptr && run->live ? kLiveReplotDelayMs : kReplotDelayMs);
}

QPixmap ChartPanel::imageWithWholeLegend(qreal devicePixelRatio) {
  const QPixmap whole = widgetToPixmap(this, devicePixelRatio);
  if (whole.isNull() || m_legend->height() <= m_legendScroll->height()) return whole;
  const qreal ratio = whole.devicePixelRatio();
  const QPixmap legend = widgetToPixmap(m_legend, ratio);
  // Below the scrolling legend: the charts, as the window shows them.
  const int chartsTop = m_legendScroll->geometry().bottom() + 1;
  const QSize size(width(), m_legend->height() + height() - chartsTop);
  QPixmap image((QSizeF(size) * ratio).toSize());
  image.setDevicePixelRatio(ratio);
  image.fill(palette().color(QPalette::Window));
  QPainter painter(&image);
  painter.drawPixmap(QPointF(0, 0), legend);
  painter.drawPixmap(QPointF(0, m_legend->height()), whole,
                     QRectF(0, chartsTop * ratio, whole.width(), whole.height() - chartsTop * ratio));
  return image;
}

void ChartPanel::fitLegend() {
  const int width = m_legendScroll->viewport()->width();
  if (width <= 0) return;
  const int height = m_legend->heightForWidth(width);
  if (height <= 0) return;
  if (height != m_legend->height()) m_legend->setFixedHeight(height);
  // The scroll area as tall as the legend, up to its few lines: left to its size hint (which
  // QScrollArea works out once and keeps) it stayed at the most, and a legend of one line, or
  // none (no runs yet, or all closed), left an empty band above the charts.
  const int shown = std::min(height, kLegendMaxHeight);
  if (m_legendScroll->height() != shown || m_legendScroll->minimumHeight() != shown) {
    m_legendScroll->setFixedHeight(shown);
  }
}

void ChartPanel::resizeEvent(QResizeEvent* event) {
  QWidget::resizeEvent(event);
  fitLegend();
}

void ChartPanel::replotNow() {
  m_replotTimer.stop();
  syncGraphs();
  m_legend->sync();
  fitLegend();
  if (updateChartVisibility()) layoutCharts();
  for (Chart& chart : m_charts) {
    // A chart gone (a GPU's, its runs removed) comes back fitted, as all do once cleared.
    if (!chart.shown || m_runs->count() == 0) chart.zoom->setZoomed(false);
    if (!chart.shown) continue;
    if (!chart.zoom->zoomed()) {
      fitAxesToData(chart.plot, {chart.spec.nonNegative, chart.spec.integerX, chart.spec.percent});
    }
    updateEmptyNote(chart);
    chart.plot->replot();
    chart.plot->setAccessibleDescription(
        chartDescription(chart.plot, chart.spec.xLabel, chart.spec.integerX));
  }
  ++m_replotCount;
}

void ChartPanel::syncGraphs() {
  // Runs that left the collection take their graphs with them.
  for (auto it = m_graphs.begin(); it != m_graphs.end();) {
    if (m_runs->indexOf(it.key()) >= 0) {
      ++it;
      continue;
    }
    for (int c = 0; c < it->size(); ++c) {
      for (QCPGraph* graph : it->at(c)) m_charts[c].plot->removeGraph(graph);
    }
    it = m_graphs.erase(it);
  }

  for (int i = 0; i < m_runs->count(); ++i) {
    const DisplayedRun& run = m_runs->at(i);
    RunGraphs& graphs = m_graphs[run.id];
    if (graphs.size() < m_charts.size()) {
      addMissingGraphs(graphs);
      m_dirty.insert(run.id);
    }
    if (m_dirty.contains(run.id)) updateGraphs(run, graphs);
    // Named as the legend names it (hover tooltips read it): a run added later can make an
    // unchanged run's label need its date to stand apart.
    const QString name = m_runs->distinctLabel(i);
    for (const auto& chartGraphs : graphs) {
      for (QCPGraph* graph : chartGraphs) {
        graph->setVisible(run.visible);
        graph->setName(name);
      }
    }
  }
  m_dirty.clear();
}

void ChartPanel::addMissingGraphs(RunGraphs& graphs) {
  for (int c = static_cast<int>(graphs.size()); c < m_charts.size(); ++c) {
    const Chart& chart = m_charts[c];
    QVector<QCPGraph*> chartGraphs;
    for (const SeriesSpec& series : chart.spec.series) {
      QCPGraph* graph = chart.plot->addGraph();
      graph->setProperty(kSeriesProperty, series.name);
      chartGraphs.push_back(graph);
    }
    graphs.push_back(chartGraphs);
  }
}

void ChartPanel::updateGraphs(const DisplayedRun& run, const RunGraphs& graphs) const {
  for (int c = 0; c < graphs.size(); ++c) {
    const ChartSpec& spec = m_charts[c].spec;
    for (int s = 0; s < graphs[c].size(); ++s) {
      QCPGraph* graph = graphs[c][s];
      const SeriesSpec& series = spec.series[s];
      const SeriesData data = series.extract(run.result);
      // Epochs and telemetry arrive in time order: sorted keys skip QCustomPlot's sort.
      graph->setData(data.keys, data.values, /*alreadySorted=*/true);
      styleGraph(graph, run.color, run.marker, series.look, spec.integerX);
      // A line needs two points in a row: a timeline with one sample so far, or a sample alone
      // between readings that failed (every other one, say), drew nothing; they show as dots.
      if (graph->scatterStyle().isNone() && hasLonePoint(data.values)) {
        graph->setScatterStyle(
            QCPScatterStyle(QCPScatterStyle::ssDisc, data.values.size() == 1 ? 6 : 4));
      }
    }
  }
}

bool ChartPanel::updateChartVisibility() {
  bool changed = false;
  for (Chart& chart : m_charts) {
    bool shown = chart.spec.showWhenEmpty;
    for (int g = 0; !shown && g < chart.plot->graphCount(); ++g) {
      shown = !chart.plot->graph(g)->data()->isEmpty();
    }
    changed = changed || shown != chart.shown;
    chart.shown = shown;
  }
  return changed;
}

void ChartPanel::updateEmptyNote(const Chart& chart) const {
  if (chart.emptyNote == nullptr) return;
  bool anyPoint = false;
  for (int g = 0; !anyPoint && g < chart.plot->graphCount(); ++g) {
    anyPoint = chart.plot->graph(g)->visible() && !chart.plot->graph(g)->data()->isEmpty();
  }
  bool anyEpoch = false;
  for (int i = 0; !anyEpoch && i < m_runs->count(); ++i) {
    anyEpoch = m_runs->at(i).visible && !m_runs->at(i).result.epochs.empty();
  }
  chart.emptyNote->setColor(palette().color(QPalette::PlaceholderText));
  chart.emptyNote->setVisible(anyEpoch && !anyPoint);
}

int ChartPanel::plotMinWidth(bool narrow) const {
  const int chars = fontMetrics().averageCharWidth() * (narrow ? kNarrowPlotMinChars : kPlotMinChars);
  return std::max(narrow ? kNarrowPlotMinWidth : kPlotMinWidth, chars);
}

int ChartPanel::plotMinHeight() const {
  return std::max(kPlotMinHeight, fontMetrics().lineSpacing() * kPlotMinLines);
}

void ChartPanel::layoutCharts() {
  for (const Chart& chart : m_charts) m_grid->removeWidget(chart.plot);
  for (int row = 0; row < kMaxRows; ++row) m_grid->setRowStretch(row, 0);
  int shownCount = 0;
  for (const Chart& chart : m_charts) shownCount += chart.shown ? 1 : 0;
  const int columns =
      std::min(shownCount > 2 * kColumns ? kWideColumns : kColumns, m_maxColumns);
  m_columns = columns;
  int slot = 0;
  for (const Chart& chart : m_charts) {
    chart.plot->setVisible(chart.shown);
    if (!chart.shown) continue;
    chart.plot->setMinimumWidth(plotMinWidth(columns == kWideColumns));
    const int row = slot / columns;
    const int column = slot % columns;
    // The last chart of a short row takes the rest of it: a timeline profits from the width.
    const int span = slot == shownCount - 1 ? columns - column : 1;
    m_grid->addWidget(chart.plot, row, column, 1, span);
    m_grid->setRowStretch(row, 1);
    ++slot;
  }
  for (int column = 0; column < kWideColumns; ++column) {
    m_grid->setColumnStretch(column, column < columns ? 1 : 0);
  }
}

void ChartPanel::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  if (m_viewport) return;
  // The results area that scrolls the charts: its visible width is the room they have (this
  // panel is never narrower than its charts' minimum, so its own width cannot tell).
  for (QWidget* ancestor = parentWidget(); ancestor; ancestor = ancestor->parentWidget()) {
    if (auto* area = qobject_cast<QScrollArea*>(ancestor)) {
      m_viewport = area->viewport();
      m_viewport->installEventFilter(this);
      fitColumnsTo(m_viewport->width());
      return;
    }
  }
}

bool ChartPanel::eventFilter(QObject* watched, QEvent* event) {
  if (watched == m_viewport && event->type() == QEvent::Resize) fitColumnsTo(m_viewport->width());
  return QWidget::eventFilter(watched, event);
}

void ChartPanel::fitColumnsTo(int width) {
  // Each chart keeps its readable minimum; the grid's spacing and margins come off the width.
  const QMargins margins = contentsMargins() + m_grid->contentsMargins();
  const int room = width - margins.left() - margins.right();
  const int spacing = std::max(0, m_grid->horizontalSpacing());
  const int fit = std::max(1, (room + spacing) / (plotMinWidth(false) + spacing));
  // Four narrower charts across where four of those fit (GPU runs show eight).
  const int fitNarrow = std::max(1, (room + spacing) / (plotMinWidth(true) + spacing));
  const int allowed =
      fitNarrow >= kWideColumns && fit >= kColumns ? kWideColumns : std::min(fit, kColumns);
  if (allowed == m_maxColumns) return;
  m_maxColumns = allowed;
  layoutCharts();
}

void ChartPanel::showHover(int chartIndex, QMouseEvent* event) const {
  const Chart& chart = m_charts[chartIndex];
  const auto point = nearestPoint(chart.plot, event->position());
  if (!point) {
    QToolTip::hideText();
    return;
  }
  QToolTip::showText(event->globalPosition().toPoint(),
                     hoverText(*point, chart.spec.xLabel, chart.spec.integerX), chart.plot);
}

void ChartPanel::changeEvent(QEvent* event) {
  QWidget::changeEvent(event);
  if (event->type() == QEvent::PaletteChange) {
    // A switch between light and dark themes arrives here; restyle, then redraw.
    for (const Chart& chart : m_charts) applyPlotPalette(chart.plot, palette());
    scheduleReplot();
  }
}

}  // namespace tb::ui
