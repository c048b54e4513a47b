// `trainbench --run ... --quit-when-done` as a script meets it: the exit code says whether every
// run completed. Its own executable: the automation ends the application's event loops, which
// the tests after it in one executable would need.
#include "common/metatypes.h"
#include "history/history_panel.h"
#include "history/result_library.h"
#include "results/result_file.h"
#include "run/run_controller.h"
#include "window/automation.h"
#include "panels/setup_panel.h"
#include "window/main_window.h"

#include "../support/answer_dialogs.h"
#include "../support/run_result_builder.h"

#include <QDir>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>

using namespace tb::ui;

namespace {

// `trainbench --run fashion-mlp --synthetic --epochs N` on a few hundred images.
AutomationOptions tinyRun(int epochs) {
  AutomationOptions options;
  options.workload = QStringLiteral("fashion-mlp");
  options.synthetic = true;
  options.epochs = epochs;
  options.trainLimit = 256;
  options.testLimit = 64;
  return options;
}

}  // namespace

class AutomationTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { registerMetaTypes(); }

  // A script's data-parallel run takes the scaling its command line gives, weak by default,
  // never the one the settings kept from the last session.
  void scalingIsTheCommandLines() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    MainWindow window(dir.filePath(QStringLiteral("settings.ini")),
                      dir.filePath(QStringLiteral("results")));
    window.setupPanel()->setScaling(QStringLiteral("strong"));  // as the last session left it
    AutomationOptions options = tinyRun(1);
    options.dataParallelRanks = 2;
    auto* automation = new Automation(&window, options);
    automation->start();
    QCOMPARE(window.setupPanel()->scaling(), QStringLiteral("weak"));
    window.controller()->stop();
    QTRY_VERIFY_WITH_TIMEOUT(!window.controller()->isBusy(), 60000);
  }

  // A script's time budget is its command line's (--quick: a minute, --time-budget: any, 5 and
  // 15 minutes as Length offers), not the settings'.
  void timeBudgetIsTheCommandLines() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    MainWindow window(dir.filePath(QStringLiteral("settings.ini")),
                      dir.filePath(QStringLiteral("results")));
    AutomationOptions options = tinyRun(1);
    options.timeBudget = 300.0;
    auto* automation = new Automation(&window, options);
    automation->start();
    QCOMPARE(window.setupPanel()->timeBudget(), 300.0);
    window.controller()->stop();
    QTRY_VERIFY_WITH_TIMEOUT(!window.controller()->isBusy(), 60000);
  }

  // The window closed during the run: the run is saved as cancelled, and the command exits 1,
  // not the 0 that the event loop ends with once the last window has closed.
  void closingDuringTheRunFailsTheCommand() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    MainWindow window(dir.filePath(QStringLiteral("settings.ini")),
                      dir.filePath(QStringLiteral("results")));
    AutomationOptions options = tinyRun(1000);
    options.quitWhenDone = true;
    auto* automation = new Automation(&window, options);
    QSignalSpy epochs(window.controller(), &RunController::epochFinished);
    window.show();
    automation->start();
    QVERIFY(epochs.wait(60000));
    QCOMPARE(automation->appExitCode(0), 0);  // nothing has gone wrong yet
    bool asked = false;
    const auto stop = tbtest::answerStopQuestion(QMessageBox::Yes, &asked);
    window.close();
    QVERIFY(asked);  // a person closed it: asked, as in any run
    QTRY_VERIFY_WITH_TIMEOUT(!window.controller()->isBusy(), 60000);
    QTRY_COMPARE_WITH_TIMEOUT(automation->appExitCode(0), 1, 60000);
    const QDir results(dir.filePath(QStringLiteral("results")));
    const QStringList saved = results.entryList({QStringLiteral("*.json")}, QDir::Files);
    QCOMPARE(saved.size(), 1);
    QCOMPARE(tb::readResultFile(results.filePath(saved.first()).toStdString()).status,
             tb::RunStatus::Cancelled);
  }

  // `trainbench --tab history --screenshot shot.png`: the picture is History's, taken once the
  // results folder is read (not its "Reading the result files…" line).
  void historyTabIsShownOnceRead() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString results = dir.filePath(QStringLiteral("results"));
    QVERIFY(QDir().mkpath(results));
    // Enough files that the read outlasts the start: with 300 it had ended before the picture.
    for (int i = 0; i < 2000; ++i) {
      tbtest::RunResultBuilder run;
      run.workload("fashion-mlp", "fashion-mnist").device("cpu", "Test CPU").host("bench");
      run.epoch(1.0, 1000.0).totalSeconds(1.5 + i);
      tb::writeResultFile(run, QStringLiteral("%1/run-%2.json").arg(results).arg(i).toStdString());
    }
    MainWindow window(dir.filePath(QStringLiteral("settings.ini")), results);
    AutomationOptions options;
    options.historyTab = true;
    options.screenshot = dir.filePath(QStringLiteral("history.png"));
    QVERIFY(options.active());
    // History comes to the front right before the picture is taken: what it holds then.
    auto* tabs = window.findChild<QTabWidget*>();
    qsizetype listedWhenShown = -1;
    connect(tabs, &QTabWidget::currentChanged, this, [&] {
      if (qobject_cast<HistoryPanel*>(tabs->currentWidget()))
        listedWhenShown = window.library()->reading() ? -2 : window.library()->entries().size();
    });
    auto* automation = new Automation(&window, options);
    automation->start();
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(options.screenshot), 60000);
    QCOMPARE(listedWhenShown, qsizetype{2000});
    QVERIFY(qobject_cast<HistoryPanel*>(tabs->currentWidget()));
  }
};

QTEST_MAIN(AutomationTest)
#include "tst_automation.moc"
