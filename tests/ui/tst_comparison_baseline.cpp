// Which row the comparison measures speed-ups against in the app: the one the user chose,
// following its run; otherwise the one `trainbench-cli compare` picks, the first quiet
// completed run, however the runs arrived.
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

QString speedup(const ComparisonPanel& panel, int row) {
  const QTableWidgetItem* item = panel.table()->item(row, ComparisonPanel::SpeedupColumn);
  return item ? item->text() : QString();
}

}  // namespace

class ComparisonBaselineTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
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
};

QTEST_MAIN(ComparisonBaselineTest)
#include "tst_comparison_baseline.moc"
