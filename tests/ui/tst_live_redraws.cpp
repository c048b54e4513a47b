// How often the charts and the comparison redraw while a run trains (ui/charts/chart_panel.h):
// redrawn on every epoch (25 times a second for short epochs), the GUI thread took a core from
// a two-thread run, whose epochs read 13-22% longer in the app than in the CLI.
#include "charts/chart_panel.h"
#include "common/metatypes.h"
#include "common/qcustomplot_include.h"
#include "comparison/comparison_panel.h"
#include "model/run_collection.h"

#include "../support/run_result_builder.h"

#include <QtTest>

using namespace tb;
using namespace tb::ui;

namespace {

RunResult epochs(int count) {
  tbtest::RunResultBuilder run;
  run.workload("fashion-mlp", "fashion-mnist").device("cpu", "Test CPU").host("bench");
  for (int e = 1; e <= count; ++e) run.epoch(0.03, 100000.0).loss(1.0 / e).accuracy(0.9);
  return run;
}

}  // namespace

class LiveRedrawsTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { registerMetaTypes(); }

  // While a run trains: twice a second at most for the charts, once for the comparison. The
  // run's end is drawn at once, without waiting out the live pace.
  void liveRunsRedrawAtTheirOwnPace() {
    RunCollection runs;
    ChartPanel charts(&runs);
    ComparisonPanel comparison(&runs);
    const QString id = runs.add(epochs(1), /*live=*/true);
    charts.replotNow();
    comparison.refreshNow();
    runs.appendEpoch(id, {2, 0.5, 0.9, 0.03, 100000.0});
    QVERIFY(charts.replotPending() && comparison.refreshPending());
    QCOMPARE(charts.replotDelayMs(), ChartPanel::kLiveReplotDelayMs);
    QCOMPARE(comparison.refreshDelayMs(), ComparisonPanel::kLiveRefreshDelayMs);

    runs.setResult(id, epochs(2), /*live=*/false);
    QVERIFY(charts.replotPending() && comparison.refreshPending());
    QCOMPARE(charts.replotDelayMs(), ChartPanel::kReplotDelayMs);
    QCOMPARE(comparison.refreshDelayMs(), ComparisonPanel::kRefreshDelayMs);
    QTRY_VERIFY(!charts.replotPending() && !comparison.refreshPending());
    QCOMPARE(charts.graphs(id).first()->dataCount(), 2);
  }
};

QTEST_MAIN(LiveRedrawsTest)
#include "tst_live_redraws.moc"
