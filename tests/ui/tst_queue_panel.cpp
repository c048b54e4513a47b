// QueuePanel: one row per queued run with its state, progress text and error message.
#include "panels/queue_panel.h"

#include "../support/absent_device.h"
#include "../support/synthetic_run.h"

#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTreeWidget>
#include <QtTest>

using namespace tb;
using namespace tb::ui;

namespace {

constexpr int kRunTimeoutMs = 120000;

using tbtest::syntheticRun;

QTreeWidget* treeOf(QueuePanel& panel) {
  return panel.findChild<QTreeWidget*>(QStringLiteral("queueTree"));
}

QProgressBar* barOf(QTreeWidget* tree, int row) {
  return qobject_cast<QProgressBar*>(
      tree->itemWidget(tree->topLevelItem(row), QueuePanel::kProgressColumn));
}

// A run's state without the mark of a disturbed run: a run trained while the machine is loaded
// (other tests in parallel) is marked so, honestly; the mark has a test of its own.
QString stateOf(QTreeWidget* tree, int row) {
  QString state = tree->topLevelItem(row)->text(QueuePanel::kStateColumn);
  state.remove(QStringLiteral(" \u26a0"));
  return state;
}

}  // namespace

class QueuePanelTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // The ETA and the durations must read like a clock, including runs of more than an hour.
  void formatsDurations() {
    QCOMPARE(QueuePanel::formatDuration(12.4), QStringLiteral("0:12"));
    QCOMPARE(QueuePanel::formatDuration(723), QStringLiteral("12:03"));
    QCOMPARE(QueuePanel::formatDuration(3723), QStringLiteral("1:02:03"));
    QCOMPARE(QueuePanel::formatDuration(-1), QStringLiteral("0:00"));
  }

  // Users watch the queue to see which run is training, how far it is and what comes next.
  void rowsShowStatesAndProgress() {
    RunController controller;
    QueuePanel panel(&controller);
    panel.resize(900, 200);
    panel.show();
    QTreeWidget* tree = treeOf(panel);
    QVERIFY(tree);
    auto* clear = panel.findChild<QPushButton*>(QStringLiteral("clearFinishedButton"));
    QVERIFY(clear);
    QVERIFY(!clear->isEnabled());

    RunConfig second = syntheticRun(1, 256);
    second.device = "cpu";
    controller.enqueue({syntheticRun(2, 60000), second});
    QCOMPARE(tree->topLevelItemCount(), 2);
    QCOMPARE(tree->topLevelItem(0)->text(QueuePanel::kDeviceColumn), QStringLiteral("cpu"));
    QVERIFY(tree->topLevelItem(0)
                ->text(QueuePanel::kWorkloadColumn)
                .startsWith(QStringLiteral("fashion-mlp")));
    QCOMPARE(tree->topLevelItem(0)->text(QueuePanel::kStateColumn), QStringLiteral("Running"));
    QCOMPARE(tree->topLevelItem(1)->text(QueuePanel::kStateColumn), QStringLiteral("Waiting"));
    QCOMPARE(barOf(tree, 1)->text(), QStringLiteral("Waiting"));

    // Progress is coalesced, so wait until the bar shows a step count.
    const QRegularExpression progress(
        QStringLiteral(u"^Epoch 1/2 \u00b7 step \\d+/1875 \u00b7 ETA (\\d+:\\d\\d|n/a)$"));
    QTRY_VERIFY_WITH_TIMEOUT(progress.match(barOf(tree, 0)->text()).hasMatch(), kRunTimeoutMs);
    // The bar fills as steps are trained (step 0 shows while the run normalises its images).
    QTRY_VERIFY_WITH_TIMEOUT(barOf(tree, 0)->value() > 0, kRunTimeoutMs);

    QSignalSpy idle(&controller, &RunController::idle);
    controller.stop();
    QVERIFY(idle.wait(kRunTimeoutMs));
    QCOMPARE(stateOf(tree, 0), QStringLiteral("Cancelled"));
    QCOMPARE(stateOf(tree, 1), QStringLiteral("Cancelled"));
    QVERIFY(clear->isEnabled());

    clear->click();
    QCOMPARE(tree->topLevelItemCount(), 0);
    QVERIFY(!clear->isEnabled());
  }

  // A finished run shows a full bar and its duration.
  void completedRunShowsFullBar() {
    RunController controller;
    QueuePanel panel(&controller);
    QSignalSpy idle(&controller, &RunController::idle);
    controller.enqueue({syntheticRun(1, 256)});
    QVERIFY(idle.wait(kRunTimeoutMs));
    QTreeWidget* tree = treeOf(panel);
    QCOMPARE(stateOf(tree, 0), QStringLiteral("Completed"));
    QCOMPARE(barOf(tree, 0)->value(), barOf(tree, 0)->maximum());
    QVERIFY(barOf(tree, 0)->text().startsWith(QStringLiteral("Done in ")));
  }

  // A disturbed run keeps its result but carries a mark, with the reasons on hover.
  void disturbedRunIsMarked() {
    RunController controller;
    QueuePanel panel(&controller);
    QSignalSpy idle(&controller, &RunController::idle);
    const int id = controller.enqueue({syntheticRun(1, 256)}).front();
    QVERIFY(idle.wait(kRunTimeoutMs));
    QTreeWidgetItem* item = treeOf(panel)->topLevelItem(0);
    // Whether this machine was busy is its own affair: the mark follows the run's verdict.
    const bool disturbed = !controller.queue().value(0).disturbance.isEmpty();
    QCOMPARE(item->text(QueuePanel::kStateColumn).endsWith(QChar(0x26a0)), disturbed);
    // A verdict arriving with the result shows at once.
    QueuedRun run = controller.queue().value(0);
    QCOMPARE(run.queueId, id);
    run.disturbance = QStringLiteral("Other processes used 1.9 of 2 cores during the run.");
    panel.updateItem(item, run);
    QCOMPARE(item->text(QueuePanel::kStateColumn), QStringLiteral("Completed \u26a0"));
    QVERIFY(item->toolTip(QueuePanel::kStateColumn).contains(QLatin1String("1.9 of 2 cores")));
  }

  // A failed run must say why, in the row and in full in its tooltip.
  void failedRunShowsItsMessage() {
    RunController controller;
    QueuePanel panel(&controller);
    RunConfig badDevice = syntheticRun(1, 256);
    badDevice.device = tbtest::absentCudaDevice();
    QSignalSpy idle(&controller, &RunController::idle);
    controller.enqueue({badDevice});
    QVERIFY(idle.wait(kRunTimeoutMs));

    const QString message = controller.queue().value(0).message;
    QVERIFY(!message.isEmpty());
    QTreeWidgetItem* item = treeOf(panel)->topLevelItem(0);
    QCOMPARE(item->text(QueuePanel::kStateColumn), QStringLiteral("Failed"));
    QCOMPARE(item->toolTip(QueuePanel::kStateColumn), message);
    QCOMPARE(item->text(QueuePanel::kProgressColumn), message);
    QCOMPARE(item->toolTip(QueuePanel::kProgressColumn), message);
    for (const int column : {QueuePanel::kStateColumn, QueuePanel::kProgressColumn}) {
      const QColor color = item->foreground(column).color();
      QVERIFY(color.red() > 150 && color.green() < 100 && color.blue() < 100);  // red
    }
    QVERIFY(!barOf(treeOf(panel), 0));  // the message takes the bar's place
  }
};

QTEST_MAIN(QueuePanelTest)
#include "tst_queue_panel.moc"
