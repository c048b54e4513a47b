// The Scaling chart: data-parallel runs' throughput against their number of ranks, one line per
// configuration (results/scaling.h), with the ideal line (N times the one-rank throughput) and
// each point's scaling efficiency. The comparison shows its tab while an open run is
// data-parallel.
#pragma once

#include "results/run_result.h"

#include <QWidget>

#include <vector>

class QCustomPlot;

namespace tb::ui {

class ScalingChart final : public QWidget {
  Q_OBJECT

 public:
  explicit ScalingChart(QWidget* parent = nullptr);

  // Redraws from `results` (the open runs); empty when they hold no scaling series.
  void setResults(const std::vector<RunResult>& results);
  int seriesCount() const { return m_seriesCount; }
  QCustomPlot* plot() const { return m_plot; }

 protected:
  void changeEvent(QEvent* event) override;

 private:
  void showLegend(bool show);  // under the plot, or out of the layout
  QCustomPlot* m_plot;
  std::vector<RunResult> m_results;
  int m_seriesCount = 0;
};

}  // namespace tb::ui
