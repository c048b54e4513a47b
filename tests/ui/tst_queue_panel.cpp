// QueuePanel: one row per queued run with its state, progress text and error message.
#include "panels/queue_panel.h"

#include "common/status_colors.h"

#include "../support/absent_device.h"
#include "../support/answer_dialogs.h"
#include "../support/synthetic_run.h"

#include <QAction>
#include <QHeaderView>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest>

#include <cmath>
#include <cstdlib>
#include <tuple>

using namespace tb;
using namespace tb::ui;

namespace {

constexpr int kRunTimeoutMs = 120000;
constexpr int kEndlessEpochs = 100000;  // a run that ends only when cancelled

using tbtest::syntheticRun;

QTreeWidget* treeOf(QueuePanel& panel) {
  return panel.findChild<QTreeWidget*>(QStringLiteral("queueTree"));
}

QProgressBar* barOf(QTreeWidget* tree, int row) {
  return qobject_cast<QProgressBar*>(
      tree->itemWidget(tree->topLevelItem(row), QueuePanel::kProgressColumn));
}

// What a finished or waiting run's bar says, without the mark of a disturbed run: a run trained
// while the machine is loaded (other tests in parallel) is marked so, honestly; the mark has a
// test of its own.
QString barTextOf(QTreeWidget* tree, int row) {
  QString text = barOf(tree, row)->text();
  text.remove(QStringLiteral(" \u26a0"));
  return text;
}

}  // namespace

class QueuePanelTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // Auto repeats queue each next repeat right after the last one, ahead of runs queued
  // earlier: the table shows the order the runs take, the other workload last.
  void autoRepeatRowsStayInQueueOrder() {
    RunController controller;
    QueuePanel panel(&controller);
    QTreeWidget* tree = treeOf(panel);
    RunConfig repeat = syntheticRun(2, 640);
    repeat.group = "group-auto";
    RunConfig other = syntheticRun(1, 256);
    other.workload = "mnist-mlp";
    QSignalSpy idle(&controller, &RunController::idle);
    controller.enqueue({repeat}, /*autoRepeat=*/true);
    controller.enqueue({other});
    QVERIFY(idle.wait(kRunTimeoutMs * 3));
    const int rows = tree->topLevelItemCount();
    QCOMPARE(rows, static_cast<int>(controller.queue().size()));
    QVERIFY(rows >= 4);
    for (int row = 0; row < rows; ++row) {
      const QString workload = tree->topLevelItem(row)->text(QueuePanel::kWorkloadColumn);
      QVERIFY2(workload.startsWith(row == rows - 1 ? QLatin1String("mnist-mlp")
                                                   : QLatin1String("fashion-mlp")),
               qPrintable(QStringLiteral("row %1: %2").arg(row).arg(workload)));
    }
  }

  // A queued run is dropped from its row (Delete, or the row's context menu) while the others
  // go on; the running one after a question; a finished row offers nothing to cancel.
  void deleteCancelsTheSelectedRunOnly() {
    RunController controller;
    QueuePanel panel(&controller);
    QTreeWidget* tree = treeOf(panel);
    QAction* cancel = panel.findChild<QAction*>(QStringLiteral("cancelQueuedRunAction"));
    QVERIFY(cancel != nullptr && tree->actions().contains(cancel));
    QSignalSpy idle(&controller, &RunController::idle);
    QSignalSpy started(&controller, &RunController::runStarted);
    const QVector<int> ids =
        controller.enqueue({syntheticRun(kEndlessEpochs, 60000), syntheticRun(1, 256)});
    QVERIFY(started.wait(kRunTimeoutMs));
    QVERIFY(!cancel->isEnabled());  // nothing selected
    tree->setCurrentItem(tree->topLevelItem(1));
    QVERIFY(cancel->isEnabled());
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    tree->setFocus();
    QTest::keyClick(tree, Qt::Key_Delete);
    QCOMPARE(controller.queue()[1].state, QueuedRun::State::Cancelled);
    QCOMPARE(barTextOf(tree, 1), QStringLiteral("Cancelled"));
    QVERIFY(!cancel->isEnabled());  // the selected row is finished now
    QCOMPARE(controller.queue()[0].state, QueuedRun::State::Running);
    // The running run is asked about first: Keep Training keeps it, Cancel Run cancels it.
    tree->setCurrentItem(tree->topLevelItem(0));
    for (const auto answer : {QMessageBox::No, QMessageBox::Yes}) {
      bool asked = false;
      const auto answers = tbtest::answerDialogs(QString(), answer, &asked);
      cancel->trigger();
      QVERIFY(asked);
      if (answer == QMessageBox::No) QCOMPARE(controller.queue()[0].state, QueuedRun::State::Running);
    }
    QVERIFY(idle.wait(kRunTimeoutMs));
    QCOMPARE(controller.queue()[0].state, QueuedRun::State::Cancelled);
    QCOMPARE(started.count(), 1);
    QCOMPARE(ids.size(), 2);
  }

  // A group whose first repeat failed: its row holds the error as text (lower than a bar), and
  // the cancelled repeats below keep their bars on their own rows (with uniform row heights the
  // first row's set them all, and each bar stood a row below its text). An empty queue is no
  // Tab stop; one with runs is.
  void barsStayOnTheirRowsBelowAFailedRun() {
    QTemporaryDir emptyDataDir;
    RunController controller;
    QueuePanel panel(&controller);
    QTreeWidget* tree = treeOf(panel);
    QCOMPARE(tree->focusPolicy(), Qt::NoFocus);
    RunConfig missingData = syntheticRun(1, 256);
    missingData.synthetic = false;
    missingData.dataDir = emptyDataDir.path().toStdString();
    missingData.group = "group-failing";
    QSignalSpy idle(&controller, &RunController::idle);
    controller.enqueue({missingData, missingData, missingData});
    QVERIFY(idle.wait(kRunTimeoutMs));
    QCOMPARE(tree->focusPolicy(), Qt::StrongFocus);
    panel.resize(500, 300);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QCOMPARE(controller.queue()[0].state, QueuedRun::State::Failed);
    for (int row = 1; row < 3; ++row) {
      QTreeWidgetItem* item = tree->topLevelItem(row);
      const QRect rect = tree->visualItemRect(item);
      QProgressBar* bar = barOf(tree, row);
      QVERIFY(bar != nullptr);
      QTRY_VERIFY2(std::abs(bar->geometry().center().y() - rect.center().y()) <= 2,
                   qPrintable(QStringLiteral("row %1: bar at %2, row at %3")
                                  .arg(row).arg(bar->geometry().center().y()).arg(rect.center().y())));
    }
  }

  // The ETA and the durations must read like a clock, including runs of more than an hour.
  void formatsDurations() {
    QCOMPARE(QueuePanel::formatDuration(12.4), QStringLiteral("0:12"));
    QCOMPARE(QueuePanel::formatDuration(723), QStringLiteral("12:03"));
    QCOMPARE(QueuePanel::formatDuration(3723), QStringLiteral("1:02:03"));
    QCOMPARE(QueuePanel::formatDuration(-1), QStringLiteral("0:00"));
    QCOMPARE(QueuePanel::formatDuration(59.6), QStringLiteral("1:00"));
    QCOMPARE(QueuePanel::formatDuration(90000), QStringLiteral("25:00:00"));
    // An estimate from a stalled first step must not overflow into a negative or garbage clock.
    QCOMPARE(QueuePanel::formatDuration(1e30), QStringLiteral("1000000:00:00"));
    QCOMPARE(QueuePanel::formatDuration(std::nan("")), QStringLiteral("0:00"));
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
    QCOMPARE(barOf(tree, 1)->text(), QStringLiteral("Waiting"));
    // A wide panel shows the workload whole; a narrow one elides it, whole in the tooltip.
    const QString workload = tree->topLevelItem(0)->text(QueuePanel::kWorkloadColumn);
    QCOMPARE(tree->topLevelItem(0)->toolTip(QueuePanel::kWorkloadColumn), workload);
    QVERIFY(tree->header()->sectionSize(QueuePanel::kWorkloadColumn) >
            tree->fontMetrics().horizontalAdvance(workload));

    // Progress is coalesced, so wait until the bar shows the epoch, and its tooltip the step.
    const QRegularExpression progress(QStringLiteral(u"^Epoch 1/2 \u00b7 ETA (\\d+:\\d\\d|n/a)$"));
    QTRY_VERIFY_WITH_TIMEOUT(progress.match(barOf(tree, 0)->text()).hasMatch(), kRunTimeoutMs);
    const QRegularExpression detail(
        QStringLiteral(u"^Epoch 1/2 \u00b7 step \\d+/1875 \u00b7 ETA (\\d+:\\d\\d|n/a)$"));
    QTRY_VERIFY_WITH_TIMEOUT(detail.match(barOf(tree, 0)->toolTip()).hasMatch(), kRunTimeoutMs);
    // The bar fills as steps are trained (step 0 shows while the run normalises its images).
    QTRY_VERIFY_WITH_TIMEOUT(barOf(tree, 0)->value() > 0, kRunTimeoutMs);

    QSignalSpy idle(&controller, &RunController::idle);
    controller.stop();
    QVERIFY(idle.wait(kRunTimeoutMs));
    QCOMPARE(barTextOf(tree, 0), QStringLiteral("Cancelled"));
    QVERIFY(barOf(tree, 0)->toolTip().startsWith(QStringLiteral("Cancelled in epoch 1/2")));
    // The keyboard reaches the queue, and a screen reader hears each row's state.
    QVERIFY(tree->focusPolicy() & Qt::TabFocus);
    QVERIFY(tree->topLevelItem(0)
                ->data(QueuePanel::kProgressColumn, Qt::AccessibleTextRole)
                .toString()
                .startsWith(QStringLiteral("Cancelled in epoch 1/2")));
    QCOMPARE(barTextOf(tree, 1), QStringLiteral("Cancelled"));
    QVERIFY(clear->isEnabled());

    clear->click();
    QCOMPARE(tree->topLevelItemCount(), 0);
    QVERIFY(!clear->isEnabled());
  }

  // A finished run's duration: seconds for a short run (never "0:00"), a clock for a long one.
  void completedRunsSayHowLongTheyTook() {
    QueuedRun run;
    run.state = QueuedRun::State::Completed;
    run.elapsedSeconds = 0.052;
    QCOMPARE(QueuePanel::progressText(run), QStringLiteral("Done in 0.05 s"));
    run.elapsedSeconds = 12.34;
    QCOMPARE(QueuePanel::progressText(run), QStringLiteral("Done in 12.3 s"));
    run.elapsedSeconds = 75.0;
    QCOMPARE(QueuePanel::progressText(run), QStringLiteral("Done in 1:15"));
  }

  // Evaluating after the epochs trained: a quick run whose time budget ended the training after
  // 3 of 10 epochs says 3/10, not 10/10.
  void evaluatingSaysTheEpochsTrained() {
    QueuedRun run;
    run.state = QueuedRun::State::Running;
    run.epochs = 10;
    run.stepsPerEpoch = 100;
    run.epoch = 3;
    run.evaluating = true;
    QCOMPARE(QueuePanel::progressText(run), QStringLiteral("Epoch 3/10 \u00b7 evaluating"));
    run.epoch = 10;
    QCOMPARE(QueuePanel::progressText(run), QStringLiteral("Epoch 10/10 \u00b7 evaluating"));
  }

  // A finished run shows a full bar and its duration.
  void completedRunShowsFullBar() {
    RunController controller;
    QueuePanel panel(&controller);
    QSignalSpy idle(&controller, &RunController::idle);
    controller.enqueue({syntheticRun(1, 256)});
    QVERIFY(idle.wait(kRunTimeoutMs));
    QTreeWidget* tree = treeOf(panel);
    QCOMPARE(barOf(tree, 0)->value(), barOf(tree, 0)->maximum());
    QVERIFY(barTextOf(tree, 0).startsWith(QStringLiteral("Done in ")));
  }

  // A disturbed run keeps its result but carries a mark, with the reasons on hover.
  void disturbedRunIsMarked() {
    RunController controller;
    QueuePanel panel(&controller);
    QSignalSpy idle(&controller, &RunController::idle);
    const int id = controller.enqueue({syntheticRun(1, 256)}).front();
    QVERIFY(idle.wait(kRunTimeoutMs));
    QTreeWidgetItem* item = treeOf(panel)->topLevelItem(0);
    QProgressBar* bar = barOf(treeOf(panel), 0);
    // Whether this machine was busy is its own affair: the mark follows the run's verdict.
    const bool disturbed = !controller.queue().value(0).disturbance.isEmpty();
    QCOMPARE(bar->text().endsWith(QChar(0x26a0)), disturbed);
    // A verdict arriving with the result shows at once.
    QueuedRun run = controller.queue().value(0);
    QCOMPARE(run.queueId, id);
    run.disturbance = QStringLiteral("Other processes used 1.9 of 2 cores during the run.");
    panel.updateItem(item, run);
    QVERIFY(bar->text().startsWith(QStringLiteral("Done in ")));
    QVERIFY(bar->text().endsWith(QStringLiteral(" \u26a0")));
    QVERIFY(bar->toolTip().contains(QLatin1String("1.9 of 2 cores")));
  }

  // The bar's words are read whole in the main window's side panel (330 px wide at 1280x768),
  // for a long run's longest texts.
  void barTextsFitTheSidePanel() {
    RunController controller;
    QueuePanel panel(&controller);
    panel.resize(330, 200);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QSignalSpy idle(&controller, &RunController::idle);
    controller.enqueue({syntheticRun(1, 256)});
    QVERIFY(idle.wait(kRunTimeoutMs));
    QTreeWidget* tree = treeOf(panel);

    QueuedRun run = controller.queue().value(0);
    run.epochs = 100;
    run.stepsPerEpoch = 1563;
    for (const auto& [state, epoch, seconds] :
         {std::tuple{QueuedRun::State::Running, 98, 9 * 3600.0},
          std::tuple{QueuedRun::State::Completed, 100, 59 * 60.0},
          std::tuple{QueuedRun::State::Cancelled, 98, 60.0}}) {
      run.state = state;
      run.epoch = epoch;
      run.step = 1500;
      run.etaSeconds = seconds;
      run.elapsedSeconds = seconds;
      // Only a finished run knows whether it was disturbed.
      run.disturbance = state == QueuedRun::State::Running
                            ? QString()
                            : QStringLiteral("Other processes used 1.9 of 2 cores during the run.");
      panel.updateItem(tree->topLevelItem(0), run);
      QCoreApplication::processEvents();  // the view places the bar on a zero-time timer
      QProgressBar* bar = barOf(tree, 0);
      const int needed = bar->fontMetrics().horizontalAdvance(bar->text());
      QVERIFY2(needed < bar->width(),
               qPrintable(QStringLiteral("'%1' needs %2 px, the bar has %3 px")
                              .arg(bar->text())
                              .arg(needed)
                              .arg(bar->width())));
    }
  }

  // A data-parallel run is one row, named with its ranks.
  void dataParallelRowNamesItsRanks() {
    RunController controller;
    QueuePanel panel(&controller);
    QSignalSpy idle(&controller, &RunController::idle);
    controller.enqueue({syntheticRun(1, 256)});
    QVERIFY(idle.wait(kRunTimeoutMs));
    QTreeWidgetItem* item = treeOf(panel)->topLevelItem(0);
    QueuedRun run = controller.queue().value(0);
    run.ranks = 2;
    panel.updateItem(item, run);
    QCOMPARE(item->text(QueuePanel::kDeviceColumn), QStringLiteral("cpu \u00d7 2 ranks"));
    run.ranks = 1;
    panel.updateItem(item, run);
    QCOMPARE(item->text(QueuePanel::kDeviceColumn), QStringLiteral("cpu \u00d7 1 rank"));
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
    QCOMPARE(item->text(QueuePanel::kProgressColumn), QStringLiteral("Failed: ") + message);
    QCOMPARE(item->toolTip(QueuePanel::kProgressColumn), message);
    QCOMPARE(item->data(QueuePanel::kProgressColumn, Qt::AccessibleTextRole).toString(),
             item->text(QueuePanel::kProgressColumn));
    const QColor color = item->foreground(QueuePanel::kProgressColumn).color();
    QVERIFY(color.red() > 150 && color.green() < 100 && color.blue() < 100);  // red
    QCOMPARE(color, errorTextColor(panel.palette()));
    QVERIFY(!barOf(treeOf(panel), 0));  // the message takes the bar's place

    // A switch to a dark theme redraws it in the red that reads there (it kept the light one).
    QPalette dark(QColor(0x3d, 0x3d, 0x3d));
    dark.setColor(QPalette::Base, QColor(0x2b, 0x2b, 0x2b));
    panel.setPalette(dark);
    QVERIFY(isDarkPalette(dark) && errorTextColor(dark) != color);
    QCOMPARE(item->foreground(QueuePanel::kProgressColumn).color(), errorTextColor(dark));
  }
};

QTEST_MAIN(QueuePanelTest)
#include "tst_queue_panel.moc"
