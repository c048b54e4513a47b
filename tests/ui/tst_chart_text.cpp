// The charts' text alternative: each chart's accessible description says in words what its
// lines show (a screen reader gets the plot as a picture otherwise), kept up to date as runs are
// drawn, hidden and added.
#include "charts/chart_panel.h"
#include "common/number_format.h"
#include "common/qcustomplot_include.h"
#include "model/run_collection.h"

#include "../support/run_result_builder.h"

#include <QtTest>

#include <cmath>

using namespace tb;
using namespace tb::ui;

namespace {

RunResult twoEpochRun(const std::string& host) {
  tbtest::RunResultBuilder run;
  run.device("cpu", "Test CPU").host(host).cores(0, 4);
  run.epoch(2.0, 100000.0).loss(1.0).accuracy(0.6);
  run.epoch(2.0, 120000.0).loss(0.5).accuracy(0.7);
  run.test(0.625, 0.8).totalSeconds(4.0);
  for (int i = 0; i < 4; ++i) run.sample({0.5 * i, 40.0 + i, 90.0 + i, 100.0});
  return run;
}

QString descriptionOf(const ChartPanel& panel, const QString& title) {
  for (const QCustomPlot* plot : panel.plots()) {
    if (plot->accessibleName() == title) return plot->accessibleDescription();
  }
  return QStringLiteral("(no chart %1)").arg(title);
}

}  // namespace

class ChartTextTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // The app's one number format (a comma between thousands), whatever the machine's locale.
  void initTestCase() { useOneNumberFormat(); }

  // Each run's series from their first to their last value, over the epochs (or seconds) drawn,
  // named as the legend names the run.
  void describesEachRunsLines() {
    RunCollection runs;
    const QString id = runs.add(twoEpochRun("bench-1"));
    ChartPanel panel(&runs);
    panel.replotNow();
    const QString run = runs.distinctLabel(runs.indexOf(id));
    QCOMPARE(descriptionOf(panel, QStringLiteral("Loss")),
             run + QStringLiteral(": Train loss 1 to 0.5 (Epoch 1 to 2); Test loss 0.625 (Epoch 2)."));
    // Numbers as a screen reader speaks them: never "1.2e+05".
    QCOMPARE(descriptionOf(panel, QStringLiteral("Throughput")),
             run + QStringLiteral(": Samples/s 100,000 to 120,000 (Epoch 1 to 2)."));
    QVERIFY2(descriptionOf(panel, QStringLiteral("CPU utilisation"))
                 .contains(QStringLiteral("Machine CPU (%) 40 to 43")),
             qPrintable(descriptionOf(panel, QStringLiteral("CPU utilisation"))));
  }

  // A hidden run is not described (it is not drawn); many runs are counted past the eighth.
  void followsWhatIsDrawn() {
    RunCollection runs;
    const QString id = runs.add(twoEpochRun("bench-1"));
    ChartPanel panel(&runs);
    runs.setVisible(id, false);
    panel.replotNow();
    QCOMPARE(descriptionOf(panel, QStringLiteral("Loss")), QStringLiteral("No runs drawn."));
    runs.setVisible(id, true);
    for (int i = 2; i <= 10; ++i) runs.add(twoEpochRun("bench-" + std::to_string(i)));
    panel.replotNow();
    const QString text = descriptionOf(panel, QStringLiteral("Loss"));
    QVERIFY2(text.endsWith(QStringLiteral(
                 "2 more runs; the comparison table lists every run.")),
             qPrintable(text));
    QCOMPARE(text.count(QStringLiteral("Train loss")), 8);
  }

  // A time budget cut the last epoch short: its minute is no epoch time, and the Epoch time
  // chart leaves it out (it drew a 60 s epoch beside the 200 s ones); loss still has it.
  void aCutShortEpochIsNoEpochTime() {
    tbtest::RunResultBuilder quick;
    quick.workload("cifar10-resnet50", "cifar10").samples(50000, 10000).plannedEpochs(10);
    quick.device("cpu", "Test CPU").host("bench-1");
    quick.epoch(200.0, 250.0).loss(2.0).accuracy(0.3);  // 50 000 images
    quick.epoch(60.0, 250.0).loss(1.8).accuracy(0.35);  // 15 000 of them, then the budget ended
    quick.projection(2000.0, 1990.0, 2010.0, 10, 50000, 10000, 260.0);
    RunCollection runs;
    runs.add(quick);
    ChartPanel panel(&runs);
    panel.replotNow();
    const QString time = descriptionOf(panel, QStringLiteral("Epoch time"));
    QVERIFY2(time.contains(QStringLiteral("Epoch time (s) 200 (Epoch 1)")), qPrintable(time));
    const QString loss = descriptionOf(panel, QStringLiteral("Loss"));
    QVERIFY2(loss.contains(QStringLiteral("Train loss 2 to 1.8 (Epoch 1 to 2)")), qPrintable(loss));
  }

  // A loss that went NaN after epoch 2 of 4 says so: it read as a run of two epochs.
  void saysWhatWasNotMeasured() {
    tbtest::RunResultBuilder diverged;
    diverged.device("cpu", "Test CPU").host("bench-1");
    diverged.epoch(2.0, 1000.0).loss(2.0).accuracy(0.5);
    diverged.epoch(2.0, 1000.0).loss(1.5).accuracy(0.5);
    diverged.epoch(2.0, 1000.0).loss(std::nan("")).accuracy(0.1);
    diverged.epoch(2.0, 1000.0).loss(std::nan("")).accuracy(0.1);
    RunCollection runs;
    runs.add(diverged);
    ChartPanel panel(&runs);
    panel.replotNow();
    const QString text = descriptionOf(panel, QStringLiteral("Loss"));
    QVERIFY2(text.contains(QStringLiteral("Train loss 2 to 1.5 (Epoch 1 to 2), 2 values not measured")),
             qPrintable(text));
  }
};

QTEST_MAIN(ChartTextTest)
#include "tst_chart_text.moc"
