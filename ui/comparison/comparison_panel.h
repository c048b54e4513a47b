// The comparison table, like the seed article's: one row per configuration (repeats folded, with
// n and a 95% interval), grouped by workload and size so speed-ups compare only comparable runs,
// the article's published figures on request, and a bar chart of the baseline's group.
#pragma once

#include "results/comparison.h"
#include "results/comparison_groups.h"

#include <QColor>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <QVector>
#include <QWidget>

#include <vector>

class QCheckBox;
class QComboBox;
class QCustomPlot;
class QBoxLayout;
class QLabel;
class QSplitter;
class QTabWidget;
class QTableWidget;

namespace tb::ui {

class CappedNote;

class ScalingChart;

class RunCollection;

class ComparisonPanel final : public QWidget {
  Q_OBJECT

 public:
  enum Column {
    DeviceColumn,
    CountColumn,       // n: runs folded into the row
    ThroughputColumn,  // steady-state samples/s (median over repeats)
    IntervalColumn,    // its 95% interval
    TotalColumn,
    SpeedupColumn,
    MeanEpochColumn,
    AccuracyColumn,
    AchievedColumn,    // achieved TFLOPS
    EfficiencyColumn,  // achieved / measured peak
    PeakRatioColumn,   // measured peak over the baseline's, read next to the speed-up
    MachineColumn,
    WorkloadColumn,
    StatusColumn,
    ColumnCount
  };
  // Collection changes within this window are shown together; a training run's new data once a
  // second at most (a full rebuild per epoch took CPU from training: chart_panel.h).
  static constexpr int kRefreshDelayMs = 40;
  static constexpr int kLiveRefreshDelayMs = 1000;
  bool refreshPending() const { return m_refreshTimer.isActive(); }
  int refreshDelayMs() const { return m_refreshTimer.interval(); }  // of the pending refresh

  // `runs` must outlive the panel.
  explicit ComparisonPanel(RunCollection* runs, QWidget* parent = nullptr);

  // The rows on screen, in table order, with speed-ups against the baseline.
  std::vector<ComparisonRow> rows() const;

  void setShowPublished(bool show);
  bool showPublished() const { return m_showPublished; }
  // Makes table row `row` the baseline of the speed-ups; it stays the baseline while it is shown.
  void setBaselineRow(int row);

  // Where the table and the chart beside it part, kept across restarts (QSplitter's state).
  QByteArray splitterState() const;
  void restoreSplitterState(const QByteArray& state);

  QTableWidget* table() const { return m_table; }
  QCustomPlot* barChart() const { return m_chart; }
  ScalingChart* scalingChart() const { return m_scaling; }
  QTabWidget* chartTabs() const { return m_chartTabs; }
  // The note shown above the table when the rows trained different amounts, or when projected
  // totals sit next to measured ones (empty: hidden).
  QString sizeNote() const;
  // The groups the rows belong to (workload and size), in table order.
  const std::vector<ComparisonGroup>& groups() const { return m_groups; }
  // The group the Total time chart shows (the baseline's): its size, else its workload; empty
  // without rows.
  QString chartGroup() const;

  // Rebuilds the rows at once instead of waiting for the timer.
  void refreshNow();

  // The shown runs folded into the selected rows (a published row has none).
  QStringList selectedRunIds() const;

 Q_SIGNALS:
  void rowsChanged();  // the displayed rows or speed-ups changed
  // The table's Remove from View (its context menu, or Delete): the owner removes these runs.
  void removeRequested(const QStringList& runIds);
  void showPublishedChanged(bool show);  // from its own checkbox or setShowPublished()

 protected:
  void changeEvent(QEvent* event) override;
  // The table's width caps its columns (fitColumnCap).
  bool eventFilter(QObject* watched, QEvent* event) override;
  // Narrow, the chart goes under the table (arrangeTableAndChart).
  void resizeEvent(QResizeEvent* event) override;

 private:
  // No column wider than a share of the table: a long device label (up to kMaxColumnWidth) left
  // the figures out of view in a window of common size.
  void fitColumnCap();
  // Side by side where there is room for both; in a narrow window (a tiled one, 700 pixels
  // across) the chart beside the table squeezed it to one column of device names.
  void arrangeTableAndChart();
  struct Entry {
    QString key;  // ComparisonRow::key: the folded configuration, or "published:..."
    QColor color;  // the first folded run's
    ComparisonRow row;
    int group = 0;    // index into m_groups
    int marker = -1;  // the first folded run's marker shape; -1 for a published row
    QStringList runIds;  // the collection's runs folded into it; none for a published row
  };

  // The constructor's parts: the baseline and published controls, the table's columns and
  // behaviour, and the total-time and scaling charts beside the table (returned with it).
  QBoxLayout* buildControls();
  void setUpTable();
  // The table's Remove from View, enabled while a selected row holds runs
  // (comparison_removal.cpp).
  void addRemoveAction();
  QWidget* buildCharts();
  // Builds the grouped comparison of the collection's runs into `groups` and flattens it.
  QVector<Entry> collectEntries(std::vector<ComparisonGroup>& groups) const;
  void fillTable();
  void fillBaselineChooser();
  void drawChart();
  // Refreshes soon, or within `delayMs` where that is sooner than already due.
  void scheduleRefresh(int delayMs = kRefreshDelayMs);

  RunCollection* m_runs;
  QComboBox* m_baselineChooser;
  QCheckBox* m_publishedCheck;
  CappedNote* m_sizeNote;
  QTableWidget* m_table;
  QCustomPlot* m_chart;
  ScalingChart* m_scaling;
  QTabWidget* m_chartTabs;  // the total-time bars, and the scaling chart when there is one
  QSplitter* m_tableAndChart = nullptr;
  QBoxLayout* m_controls = nullptr;     // the row of the baseline and the published figures' box
  QBoxLayout* m_controlRows = nullptr;  // that row, and the box under it in a narrow panel
  static constexpr int kScalingTab = 1;
  std::vector<ComparisonGroup> m_groups;
  QTimer m_refreshTimer;
  QVector<Entry> m_entries;
  QString m_baselineKey;  // the baseline row's, shown
  // The user's choice (setBaselineRow), by its runs (ids are never reused: the choice returns
  // with them on Run › Undo Remove, not with a new run of the same setup), or by its key for a
  // published row; both empty for the comparison's default.
  QStringList m_chosenRunIds;
  QString m_chosenPublishedKey;
  int m_baseline = 0;
  bool m_showPublished = false;
  bool m_filled = false;  // the table and chart show m_entries
};

}  // namespace tb::ui
