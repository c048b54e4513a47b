// Runs taken off the charts and the comparison come back with Run › Undo Remove: Clear charts
// and a legend entry's Remove from View were for good, an evening's overlay lost to a misclick.
#include "charts/chart_panel.h"
#include "charts/run_legend.h"
#include "comparison/comparison_panel.h"
#include "model/removed_runs.h"
#include "model/run_collection.h"
#include "results/result_file.h"
#include "window/main_window.h"

#include "../support/run_result_builder.h"

#include <QAction>
#include <QCheckBox>
#include <QLayout>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

using namespace tb::ui;

namespace {

tb::RunResult runAt(const char* created) {
  return tbtest::RunResultBuilder()
      .device("cpu", "CPU")
      .created(created)
      .epoch(1.0, 100.0)
      .totalSeconds(1.5);
}

}  // namespace

class RemovedRunsTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // A training run stays; the others come back as they were, a hidden one hidden, and one undo
  // brings back one removal.
  void undoShowsTheLastRemovalAgain() {
    RunCollection runs;
    RemovedRuns removed(&runs);
    QSignalSpy available(&removed, &RemovedRuns::undoAvailable);
    const QString first = runs.add(runAt("2026-12-07T08:00:00Z"));
    const QString hidden =
        runs.add(runAt("2026-12-07T09:00:00Z"), false, QStringLiteral("/r/b.json"));
    runs.setVisible(hidden, false);
    const QString live = runs.add(runAt("2026-12-07T10:00:00Z"), /*live=*/true);
    QCOMPARE(removed.remove({first}), 1);
    QCOMPARE(removed.remove({hidden, live}), 1);
    QCOMPARE(runs.count(), 1);
    QCOMPARE(runs.at(0).id, live);
    QCOMPARE(available.count(), 2);

    QCOMPARE(removed.undo(), 1);  // the last removal: the hidden run
    QCOMPARE(runs.count(), 2);
    QCOMPARE(runs.at(0).id, hidden);
    QCOMPARE(runs.at(0).filePath, QStringLiteral("/r/b.json"));
    QVERIFY(!runs.at(0).visible);
    QVERIFY(removed.canUndo());
    QCOMPARE(removed.undo(), 1);
    QCOMPARE(runs.count(), 3);
    QCOMPARE((QStringList{runs.at(0).id, runs.at(1).id, runs.at(2).id}),
             (QStringList{first, hidden, live}));
    QVERIFY(!removed.canUndo());
    QCOMPARE(removed.undo(), 0);
  }

  // Undo puts a run back as it was: in its colour and marker shape (it was repainted in the next
  // free ones), at its place in the legend and the table (it went to the end), and as the
  // comparison's baseline where the user had chosen it (the default stayed).
  void undoPutsRunsBackAsTheyWere() {
    RunCollection runs;
    RemovedRuns removed(&runs);
    ChartPanel charts(&runs);
    ComparisonPanel comparison(&runs);
    const auto run = [](const char* device, double total) {
      return tbtest::RunResultBuilder()
          .device(device, device)
          .epoch(total, 60000.0 / total)
          .totalSeconds(total)
          .build();
    };
    const QString cpu = runs.add(run("cpu", 8.0));
    const QString gpu = runs.add(run("cuda:0", 2.0));
    const QString other = runs.add(run("cuda:1", 4.0));
    const DisplayedRun before = *runs.find(gpu);
    comparison.refreshNow();
    comparison.setBaselineRow(1);
    const auto speedup = [&comparison](int row) {
      comparison.refreshNow();
      return comparison.table()->item(row, ComparisonPanel::SpeedupColumn)->text();
    };
    QCOMPARE(speedup(0), QStringLiteral("0.25x"));

    QCOMPARE(removed.remove({cpu, gpu}), 2);
    QCOMPARE(speedup(0), QStringLiteral("1.00x"));  // the one left, by default
    QCOMPARE(removed.undo(), 2);
    QCOMPARE((QStringList{runs.at(0).id, runs.at(1).id, runs.at(2).id}),
             (QStringList{cpu, gpu, other}));
    QCOMPARE(runs.find(gpu)->color, before.color);
    QCOMPARE(runs.find(gpu)->marker, before.marker);
    QCOMPARE(speedup(0), QStringLiteral("0.25x"));  // the chosen baseline again
    charts.replotNow();
    const QLayout* legend = charts.legend()->layout();
    QVERIFY(legend->indexOf(charts.legend()->entry(cpu)) <
            legend->indexOf(charts.legend()->entry(gpu)));
    QVERIFY(legend->indexOf(charts.legend()->entry(gpu)) <
            legend->indexOf(charts.legend()->entry(other)));

    // A colour taken meanwhile by a run opened since stays with that run.
    QCOMPARE(removed.remove({gpu}), 1);
    const QString opened = runs.add(run("cuda:2", 3.0));
    QCOMPARE(runs.find(opened)->color, before.color);
    QCOMPARE(removed.undo(), 1);
    QVERIFY(runs.find(gpu)->color != before.color);
    QCOMPARE(runs.at(1).id, gpu);
  }

  // One removal's runs come back together: only a run whose colour a run opened since has
  // taken is repainted (it took the next run's colour, which was repainted in turn), and a run
  // opened again meanwhile leaves the others their places.
  void undoRepaintsOnlyWhatItMust() {
    RunCollection runs;
    RemovedRuns removed(&runs);
    QStringList ids;
    for (const char* created : {"2026-12-07T08:00:00Z", "2026-12-07T09:00:00Z",
                                "2026-12-07T10:00:00Z", "2026-12-07T11:00:00Z"}) {
      ids << runs.add(runAt(created), false, QStringLiteral("/r/%1.json").arg(ids.size()));
    }
    const QColor second = runs.find(ids[1])->color;
    QCOMPARE(removed.remove({ids[0], ids[1], ids[2]}), 3);
    const QString opened = runs.add(runAt("2026-12-07T12:00:00Z"));  // takes the first's colour
    QCOMPARE(removed.undo(), 3);
    QCOMPARE(runs.find(ids[1])->color, second);
    QVERIFY(runs.find(ids[0])->color != runs.find(opened)->color);
    QVERIFY(runs.find(ids[0])->color != second);
    QCOMPARE(
        (QStringList{runs.at(0).id, runs.at(1).id, runs.at(2).id, runs.at(3).id, runs.at(4).id}),
        (QStringList{ids[0], ids[1], ids[2], ids[3], opened}));

    QCOMPARE(removed.remove({ids[0], ids[1], ids[2]}), 3);
    const QString reopened = runs.add(runAt("2026-12-07T09:00:00Z"), false,
                                      QStringLiteral("/r/1.json"));  // History opens it again
    QCOMPARE(removed.undo(), 2);
    QCOMPARE(
        (QStringList{runs.at(0).id, runs.at(1).id, runs.at(2).id, runs.at(3).id, runs.at(4).id}),
        (QStringList{ids[0], ids[2], ids[3], opened, reopened}));
  }

  // A removed run whose file History then deleted comes back without that file, as a shown
  // run of it stays on screen without one.
  void undoForgetsDeletedFiles() {
    RunCollection runs;
    RemovedRuns removed(&runs);
    const QString id = runs.add(runAt("2026-12-07T08:00:00Z"), false, QStringLiteral("/r/a.json"));
    QCOMPARE(removed.remove({id}), 1);
    removed.forgetFiles({QStringLiteral("/r/a.json")});
    QCOMPARE(removed.undo(), 1);
    QVERIFY(runs.at(0).filePath.isEmpty());
  }

  // The comparison's selection follows its row when rows move (a run joining an earlier
  // workload's group): Delete took the runs of the row that moved into its place.
  void comparisonSelectionFollowsItsRow() {
    RunCollection runs;
    ComparisonPanel panel(&runs);
    const auto run = [](const char* workload, int threads) {
      return tbtest::RunResultBuilder()
          .workload(workload)
          .device("cpu", "CPU")
          .threads(threads)
          .epoch(1.0, 100.0)
          .totalSeconds(1.5)
          .build();
    };
    runs.add(run("fashion-mlp", 1));
    const QString mnist = runs.add(run("mnist-mlp", 1));
    panel.refreshNow();
    panel.table()->selectRow(1);
    QCOMPARE(panel.selectedRunIds(), QStringList{mnist});
    runs.add(run("fashion-mlp", 2));  // its row goes before mnist's
    panel.refreshNow();
    QCOMPARE(panel.table()->rowCount(), 3);
    QCOMPARE(panel.selectedRunIds(), QStringList{mnist});
  }

  // In the window: a legend entry's Remove from View, then Clear charts; Run › Undo Remove
  // brings back each in turn, and its files are never touched.
  void windowRemovesAndUndoes() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString results = dir.filePath(QStringLiteral("results"));
    QStringList files;
    for (const char* created : {"2026-12-07T08:00:00Z", "2026-12-07T09:00:00Z"}) {
      files << dir.filePath(QStringLiteral("run-%1.json").arg(files.size()));
      tb::writeResultFile(runAt(created), files.last().toStdString());
    }
    MainWindow window(dir.filePath(QStringLiteral("settings.ini")), results);
    QVERIFY(window.openResultFiles(files).isEmpty());
    window.chartPanel()->replotNow();
    auto* undo = window.findChild<QAction*>(QStringLiteral("undoRemove"));
    QVERIFY(undo && !undo->isEnabled());

    const QString first = window.collection()->at(0).id;
    QCheckBox* entry = window.chartPanel()->legend()->entry(first);
    QVERIFY(entry);
    entry->actions().constFirst()->trigger();  // Remove from View
    QCOMPARE(window.collection()->count(), 1);
    QVERIFY(undo->isEnabled());
    window.findChild<QAction*>(QStringLiteral("clearCharts"))->trigger();
    QCOMPARE(window.collection()->count(), 0);

    undo->trigger();
    QCOMPARE(window.collection()->count(), 1);
    QCOMPARE(window.collection()->at(0).filePath, files[1]);
    undo->trigger();
    QCOMPARE(window.collection()->count(), 2);
    QVERIFY(!undo->isEnabled());
    QVERIFY(QFileInfo::exists(files[0]) && QFileInfo::exists(files[1]));

    // The comparison's row folds both repeats: its Remove from View takes both.
    ComparisonPanel* comparison = window.comparisonPanel();
    comparison->refreshNow();
    QCOMPARE(comparison->table()->rowCount(), 1);
    QAction* remove = nullptr;
    for (QAction* action : comparison->table()->actions()) {
      if (action->shortcut() == QKeySequence(QKeySequence::Delete)) remove = action;
    }
    QVERIFY(remove && !remove->isEnabled());
    comparison->table()->selectRow(0);
    QVERIFY(remove->isEnabled());
    remove->trigger();
    QCOMPARE(window.collection()->count(), 0);
    undo->trigger();
    QCOMPARE(window.collection()->count(), 2);
  }
};

QTEST_MAIN(RemovedRunsTest)
#include "tst_removed_runs.moc"
