// How often the charts and the comparison redraw while a run trains (ui/charts/chart_panel.h):
// redrawn on every epoch (25 times a second for short epochs), the GUI thread took a core from
// a two-thread run, whose epochs read 13-22% longer in the app than in the CLI.
#include "charts/chart_panel.h"
#include "common/metatypes.h"
#include "common/qcustomplot_include.h"
#include "comparison/comparison_panel.h"
#include "model/run_collection.h"
#include "window/export_actions.h"
#include "window/main_window.h"

#include "../support/run_result_builder.h"

#include <QTemporaryDir>
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

  // A training run's new data: twice a second at most for the charts, once for the
  // comparison. Its end, and the user's own changes, are drawn at once.
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

    // The user's own change (another run hidden, opened or removed) shows soon, run or not.
    const QString other = runs.add(epochs(3));
    QCOMPARE(comparison.refreshDelayMs(), ComparisonPanel::kRefreshDelayMs);
    charts.replotNow();
    runs.appendEpoch(id, {2, 0.5, 0.9, 0.03, 100000.0});
    QCOMPARE(charts.replotDelayMs(), ChartPanel::kLiveReplotDelayMs);
    runs.setVisible(other, false);
    QCOMPARE(charts.replotDelayMs(), ChartPanel::kReplotDelayMs);

    runs.setResult(id, epochs(2), /*live=*/false);
    QVERIFY(charts.replotPending() && comparison.refreshPending());
    QCOMPARE(charts.replotDelayMs(), ChartPanel::kReplotDelayMs);
    QCOMPARE(comparison.refreshDelayMs(), ComparisonPanel::kRefreshDelayMs);
    QTRY_VERIFY(!charts.replotPending() && !comparison.refreshPending());
    QCOMPARE(charts.graphs(id).first()->dataCount(), 2);
  }

  // An export while a run trains writes the views as they are now, not as last drawn.
  void exportsDrawWhatIsPending() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    MainWindow window(dir.filePath(QStringLiteral("settings.ini")), dir.filePath(QStringLiteral("results")));
    RunCollection* runs = window.collection();
    const QString id = runs->add(epochs(1), /*live=*/true);
    window.comparisonPanel()->refreshNow();
    runs->appendEpoch(id, {2, 0.5, 0.9, 0.03, 100000.0});
    QVERIFY(window.comparisonPanel()->refreshPending());
    QString error;
    QVERIFY2(window.exportActions()->saveComparisonMarkdown(dir.filePath(QStringLiteral("c.md")), &error),
             qPrintable(error));
    QVERIFY(!window.comparisonPanel()->refreshPending());
    runs->appendEpoch(id, {3, 0.4, 0.9, 0.03, 100000.0});
    QVERIFY2(window.exportActions()->saveWindowPng(dir.filePath(QStringLiteral("w.png")), &error),
             qPrintable(error));
    QVERIFY(!window.comparisonPanel()->refreshPending() && !window.chartPanel()->replotPending());
  }
};

QTEST_MAIN(LiveRedrawsTest)
#include "tst_live_redraws.moc"
