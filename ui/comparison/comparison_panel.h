// The comparison table, like the seed article's: one row per run (and, on request, the article's
// published figures), speed-ups against a chosen baseline, and a bar chart of total time.
#pragma once

#include "results/comparison.h"

#include <QColor>
#include <QString>
#include <QTimer>
#include <QVector>
#include <QWidget>

#include <vector>

class QCheckBox;
class QComboBox;
class QCustomPlot;
class QLabel;
class QTableWidget;

namespace tb::ui {

class RunCollection;

class ComparisonPanel final : public QWidget {
  Q_OBJECT

 public:
  enum Column {
    DeviceColumn,
    MachineColumn,
    WorkloadColumn,
    TotalColumn,
    MeanEpochColumn,
    ThroughputColumn,
    AccuracyColumn,
    AchievedColumn,    // achieved TFLOPS
    EfficiencyColumn,  // achieved / measured peak
    PeakRatioColumn,   // measured peak over the baseline's, read next to the speed-up
    SpeedupColumn,
    StatusColumn,
    ColumnCount
  };
  // Collection changes within this window are shown together.
  static constexpr int kRefreshDelayMs = 40;

  // `runs` must outlive the panel.
  explicit ComparisonPanel(RunCollection* runs, QWidget* parent = nullptr);

  // The rows on screen, in table order, with speed-ups against the baseline.
  std::vector<ComparisonRow> rows() const;

  void setShowPublished(bool show);
  bool showPublished() const { return m_showPublished; }
  // Makes table row `row` the baseline of the speed-ups; it stays the baseline while it is shown.
  void setBaselineRow(int row);
  int baselineRow() const { return m_baseline; }

  QTableWidget* table() const { return m_table; }
  QCustomPlot* barChart() const { return m_chart; }
  // The warning shown above the table when the rows trained different amounts (empty: hidden).
  QString sizeNote() const;

  // Rebuilds the rows at once instead of waiting for the timer.
  void refreshNow();

 Q_SIGNALS:
  void rowsChanged();  // the displayed rows or speed-ups changed

 protected:
  void changeEvent(QEvent* event) override;

 private:
  struct Entry {
    QString key;  // the run id, or "published:<workload>:<device>"
    QColor color;
    ComparisonRow row;
  };

  QVector<Entry> collectEntries() const;
  void fillTable();
  void fillBaselineChooser();
  void drawChart();
  void scheduleRefresh();

  RunCollection* m_runs;
  QComboBox* m_baselineChooser;
  QCheckBox* m_publishedCheck;
  QLabel* m_sizeNote;
  QTableWidget* m_table;
  QCustomPlot* m_chart;
  QTimer m_refreshTimer;
  QVector<Entry> m_entries;
  QString m_baselineKey;
  int m_baseline = 0;
  bool m_showPublished = false;
  bool m_filled = false;  // the table and chart show m_entries
};

}  // namespace tb::ui
