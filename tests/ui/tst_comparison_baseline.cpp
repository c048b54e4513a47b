// Which row the comparison measures speed-ups against in the app: the one the user chose from
// the combo box (never a failed run), following its run; otherwise the one `trainbench-cli
// compare` picks, the first quiet completed run, however the runs arrived.
#include "comparison/comparison_panel.h"
#include "model/run_collection.h"

#include "../support/run_result_builder.h"

#include <QComboBox>
#include <QTableWidget>
#include <QtTest>

using namespace tb;
using namespace tb::ui;

namespace {

RunResult finishedRun(const std::string& device, double totalSeconds, bool disturbed = false) {
  tbtest::RunResultBuilder run;
  run.workload("fashion-mlp").device(device, device + " name").host("host-" + device);
  run.epoch(totalSeconds / 2, 60000.0 / (totalSeconds / 2)).loss(0.5).accuracy(0.8);
  run.epoch(totalSeconds / 2, 60000.0 / (totalSeconds / 2)).loss(0.4).accuracy(0.85);
  RunResult result = run.totalSeconds(totalSeconds);
  if (disturbed) result.validity = ValidityRecord{true, {"Other processes used 1.5 of 2 cores"}};
  return result;
}

QString cell(const ComparisonPanel& panel, int row, int column) {
  const QTableWidgetItem* item = panel.table()->item(row, column);
  return item ? item->text() : QString();
}

QString speedup(const ComparisonPanel& panel, int row) {
  return cell(panel, row, ComparisonPanel::SpeedupColumn);
}

}  // namespace

class ComparisonBaselineTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // Choosing another baseline (from the combo box, as a user does) recomputes every speed-up.
  void baselineChooserChangesSpeedups() {
    RunCollection runs;
    ComparisonPanel panel(&runs);
    runs.add(finishedRun("cuda:0", 7.78));
    runs.add(finishedRun("cpu", 6.70));
    panel.refreshNow();
    auto* chooser = panel.findChild<QComboBox*>();
    QVERIFY(chooser);
    QCOMPARE(chooser->count(), 2);
    QCOMPARE(chooser->currentIndex(), 0);
    panel.setBaselineRow(1);
    QCOMPARE(chooser->currentIndex(), 1);
    QCOMPARE(cell(panel, 0, ComparisonPanel::SpeedupColumn), QStringLiteral("0.86x"));
    QCOMPARE(cell(panel, 1, ComparisonPanel::SpeedupColumn), QStringLiteral("1.00x"));
    // The baseline follows its run when a run before it goes away.
    runs.remove(runs.at(0).id);
    panel.refreshNow();
    QCOMPARE(panel.table()->rowCount(), 1);
    QCOMPARE(cell(panel, 0, ComparisonPanel::TotalColumn), QStringLiteral("6.70"));
    QCOMPARE(cell(panel, 0, ComparisonPanel::SpeedupColumn), QStringLiteral("1.00x"));
  }

  // A failed run has no total, so it cannot be the baseline: choosing it leaves the combo and the
  // bold 1.00x on the row the speed-ups (and the exports) are measured against.
  void failedRowIsNeverTheBaseline() {
    RunCollection runs;
    ComparisonPanel panel(&runs);
    runs.add(finishedRun("cuda:0", 7.78));
    RunResult failed = finishedRun("cpu", 6.70);
    failed.status = RunStatus::Failed;
    failed.error = "diverged";
    failed.totalSeconds.reset();
    runs.add(failed);
    panel.refreshNow();
    auto* chooser = panel.findChild<QComboBox*>();
    QVERIFY(chooser);
    panel.setBaselineRow(1);
    QCOMPARE(chooser->currentIndex(), 0);
    QCOMPARE(cell(panel, 0, ComparisonPanel::SpeedupColumn), QStringLiteral("1.00x"));
    QVERIFY(panel.rows()[0].baseline);
  }

  // Only failed runs: none has a total, so there is no baseline at all; no row's speed-up is
  // set in bold or called "The baseline" (a failed run's bold "n/a" read as a measured 1.00x).
  void failedRunsAloneHaveNoBaseline() {
    RunCollection runs;
    ComparisonPanel panel(&runs);
    for (const char* device : {"cpu", "cuda:0"}) {
      RunResult failed = finishedRun(device, 6.70);
      failed.status = RunStatus::Failed;
      failed.error = "diverged";
      failed.totalSeconds.reset();
      runs.add(failed);
    }
    panel.refreshNow();
    QCOMPARE(panel.table()->rowCount(), 2);
    for (int row = 0; row < 2; ++row) {
      const QTableWidgetItem* item = panel.table()->item(row, ComparisonPanel::SpeedupColumn);
      QVERIFY(item);
      QCOMPARE(item->text(), QStringLiteral("n/a"));
      QVERIFY2(!item->font().bold(), qPrintable(QString::number(row)));
      QVERIFY(item->toolTip().isEmpty());
      QVERIFY(!panel.rows()[static_cast<std::size_t>(row)].baseline);
    }
  }

  // A disturbed run shown first was kept as the baseline once a quiet run came (by its key,
  // chosen by no one), where `compare` measured against the quiet one.
  void defaultBaselineIsTheFirstQuietRun() {
    RunCollection runs;
    ComparisonPanel panel(&runs);
    runs.add(finishedRun("cpu", 8.0, true));
    panel.refreshNow();
    QCOMPARE(speedup(panel, 0), QStringLiteral("1.00x"));
    runs.add(finishedRun("cuda:0", 2.0));
    panel.refreshNow();
    QCOMPARE(speedup(panel, 1), QStringLiteral("1.00x"));
    QCOMPARE(speedup(panel, 0), QStringLiteral("0.25x"));
    QCOMPARE(panel.findChild<QComboBox*>()->currentIndex(), 1);
    // What hovering tells (the baseline, the disturbance) a screen reader reads too, as text.
    const auto spoken = [&panel](int row, int column) {
      return panel.table()->item(row, column)->data(Qt::AccessibleDescriptionRole).toString();
    };
    QCOMPARE(spoken(1, ComparisonPanel::SpeedupColumn), QStringLiteral("The baseline"));
    QCOMPARE(spoken(0, ComparisonPanel::StatusColumn),
             QStringLiteral("Disturbed run:\nOther processes used 1.5 of 2 cores"));
  }

  // A quiet run's warnings (here: its library) are there to hover and to hear, unmarked.
  void quietRunsWarningsAreSaid() {
    RunCollection runs;
    ComparisonPanel panel(&runs);
    RunResult quiet = finishedRun("cpu", 8.0);
    quiet.validity = ValidityRecord{false, {"The CPU's matrix products ran on reference BLAS."}};
    runs.add(quiet);
    panel.refreshNow();
    const QTableWidgetItem* status = panel.table()->item(0, ComparisonPanel::StatusColumn);
    QCOMPARE(status->data(Qt::AccessibleDescriptionRole).toString(),
             QStringLiteral("Warnings:\nThe CPU's matrix products ran on reference BLAS."));
    QVERIFY(panel.table()
                ->item(0, ComparisonPanel::DeviceColumn)
                ->toolTip()
                .contains(QLatin1String("reference BLAS")));
  }

  // Chosen by the user, the disturbed run stays the baseline as runs come.
  void chosenBaselineStays() {
    RunCollection runs;
    ComparisonPanel panel(&runs);
    runs.add(finishedRun("cpu", 8.0, true));
    runs.add(finishedRun("cuda:0", 2.0));
    panel.refreshNow();
    panel.setBaselineRow(0);
    runs.add(finishedRun("cuda:1", 4.0));
    panel.refreshNow();
    QCOMPARE(speedup(panel, 0), QStringLiteral("1.00x"));
    QCOMPARE(speedup(panel, 2), QStringLiteral("2.00x"));
  }

  // Once the chosen run is gone the default takes over again: the fallback was kept as if
  // chosen, so after the charts were cleared a disturbed run shown first stayed the baseline.
  void defaultReturnsWhenTheChosenRunIsGone() {
    RunCollection runs;
    ComparisonPanel panel(&runs);
    runs.add(finishedRun("cpu", 8.0));
    runs.add(finishedRun("cuda:0", 2.0));
    panel.refreshNow();
    panel.setBaselineRow(1);
    while (runs.count() > 0) runs.remove(runs.at(0).id);
    panel.refreshNow();
    runs.add(finishedRun("cuda:1", 8.0, true));
    panel.refreshNow();
    runs.add(finishedRun("cuda:2", 2.0));
    panel.refreshNow();
    QCOMPARE(speedup(panel, 1), QStringLiteral("1.00x"));
    QCOMPARE(speedup(panel, 0), QStringLiteral("0.25x"));
  }

  // The choice was of runs, not of a setup: a new run of the chosen run's setup, after that run
  // was cleared, is measured against the default like any other (the next day's GPU run took
  // the baseline from the CPU run shown first).
  void aNewRunOfTheChosenSetupIsNotChosen() {
    RunCollection runs;
    ComparisonPanel panel(&runs);
    runs.add(finishedRun("cpu", 8.0));
    runs.add(finishedRun("cuda:0", 2.0));
    panel.refreshNow();
    panel.setBaselineRow(1);
    QCOMPARE(speedup(panel, 0), QStringLiteral("0.25x"));
    while (runs.count() > 0) runs.remove(runs.at(0).id);
    panel.refreshNow();
    runs.add(finishedRun("cpu", 8.0));
    runs.add(finishedRun("cuda:0", 2.0));
    panel.refreshNow();
    QCOMPARE(speedup(panel, 0), QStringLiteral("1.00x"));
    QCOMPARE(speedup(panel, 1), QStringLiteral("4.00x"));
  }
};

QTEST_MAIN(ComparisonBaselineTest)
#include "tst_comparison_baseline.moc"
