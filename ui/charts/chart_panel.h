// The live run charts: loss, accuracy, epoch time and throughput per epoch, CPU utilisation over
// wall-clock time; one colour per run, one shared legend that shows and hides runs, hover
// read-outs, and redraws coalesced by a short timer.
#pragma once

#include "charts/chart_spec.h"

#include <QHash>
#include <QPointer>
#include <QSet>
#include <QStringList>
#include <QTimer>
#include <QVector>
#include <QWidget>

class QCustomPlot;
class QCPGraph;
class QCPItemText;
class QGridLayout;
class QScrollArea;
class QMouseEvent;

namespace tb::ui {

class ChartZoom;
class RunCollection;
struct DisplayedRun;
class RunLegend;

class ChartPanel final : public QWidget {
  Q_OBJECT

 public:
  // Collection changes within this window are drawn together (a run streams many per second).
  static constexpr int kReplotDelayMs = 40;
  // A training run's new data, twice a second at most: redrawn 25 times a second, the GUI
  // thread took a core from a two-thread run of short epochs, whose epochs read 13-22% longer in
  // the app than in the CLI (docs/benchmarks.md).
  static constexpr int kLiveReplotDelayMs = 500;
  // A chart keeps this height at least (readable axes and a title), and the legend of many runs
  // scrolls within this much: 30 runs on a 1366x768 screen leave room for the comparison.
  static constexpr int kPlotMinHeight = 150;  // or more, with a larger font (plotMinHeight)
  static constexpr int kLegendMaxHeight = 64;

  // `runs` must outlive the panel.
  explicit ChartPanel(RunCollection* runs, QWidget* parent = nullptr);
  ~ChartPanel() override;

  // Adds a chart after the existing ones (GPU utilisation and memory are added this way, with
  // timeline series and showWhenEmpty = false so machines without them see no empty chart).
  void addChart(const ChartSpec& spec);

  // The charts on screen, in reading order, and their titles (export and PDF report use them).
  QVector<QCustomPlot*> plots() const;
  QStringList plotTitles() const;

  // Brings every chart up to date at once instead of waiting for the timer.
  void replotNow();
  // Undoes every chart's zoom (View › Fit Charts to Data; a double-click on a chart undoes its
  // own), redrawing `now` or at the next redraw.
  void fitChartsToData(bool now = true);
  // How many coalesced redraws happened (tests check that bursts of changes cost one).
  int replotCount() const { return m_replotCount; }
  // A coalesced redraw is scheduled (tests check that nothing more is pending after a burst).
  bool replotPending() const { return m_replotTimer.isActive(); }
  int replotDelayMs() const { return m_replotTimer.interval(); }  // of the pending replot

  // Every chart's graphs of one run (empty for an unknown run).
  QVector<QCPGraph*> graphs(const QString& runId) const;
  RunLegend* legend() const { return m_legend; }
  // The charts as one image with the whole legend above them: in the window the legend of many
  // runs scrolls, and an exported image would name only the runs scrolled into view.
  QPixmap imageWithWholeLegend(qreal devicePixelRatio = 0.0);

  // Lays the charts out for `width` pixels of room (the results area's visible width): three
  // across where three fit, else two, else one, so a small screen or a large font scrolls down
  // rather than sideways past charts it cannot show.
  void fitColumnsTo(int width);
  // How many charts a row holds now.
  int columns() const { return m_columns; }

 protected:
  void changeEvent(QEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;
  void showEvent(QShowEvent* event) override;
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  struct Chart {
    ChartSpec spec;
    QCustomPlot* plot = nullptr;
    bool shown = true;
    QCPItemText* emptyNote = nullptr;  // spec.emptyNote across the axis rect, when it has one
    // A rectangle dragged over it shows that part; its axes then stay put as runs add points,
    // until a double-click (or no runs left) fits them to the data again.
    ChartZoom* zoom = nullptr;
  };
  // One run's graphs, [chart][series], parallel to m_charts and their specs.
  using RunGraphs = QVector<QVector<QCPGraph*>>;

  // Draws soon (kReplotDelayMs), or within `delayMs` where that is sooner than already due.
  void scheduleReplot(int delayMs = kReplotDelayMs);
  // A run's data changed: a training run's new epochs and samples at the live pace, anything
  // else (a finished run, a toggle, a removal) soon.
  void markDirty(const QString& runId);
  void syncGraphs();
  void addMissingGraphs(RunGraphs& graphs);
  void updateGraphs(const DisplayedRun& run, const RunGraphs& graphs) const;
  bool updateChartVisibility();
  // Shows a chart's empty note where the visible runs have epochs but the chart no point.
  void updateEmptyNote(const Chart& chart) const;
  void layoutCharts();
  // A chart's least size: fixed pixels, or more where the font is larger.
  int plotMinWidth(bool narrow) const;
  int plotMinHeight() const;
  void showHover(int chartIndex, QMouseEvent* event) const;

  RunCollection* m_runs;
  RunLegend* m_legend;
  QScrollArea* m_legendScroll = nullptr;
  // Gives the legend the height its wrapped entries need at the scroll area's width: the scroll
  // area does not hear of entries added later, and would clip them instead of scrolling.
  void fitLegend();
  QGridLayout* m_grid;
  QTimer m_replotTimer;
  QVector<Chart> m_charts;
  QHash<QString, RunGraphs> m_graphs;
  QSet<QString> m_dirty;
  int m_replotCount = 0;
  QPointer<QWidget> m_viewport;  // the scrolling results area's, once shown
  int m_maxColumns = 4;          // what fitColumnsTo allows
  int m_columns = 0;             // what layoutCharts chose
};

}  // namespace tb::ui
