// What the window says as a run ends (a disturbed run's every warning, in its notice) and when
// a run cannot start.
#include "common/metatypes.h"
#include "model/run_recorder.h"
#include "panels/setup_panel.h"
#include "run/run_controller.h"
#include "window/main_window.h"
#include "window/notice_bar.h"

#include "../support/run_result_builder.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using tb::ui::MainWindow;

class RunNoticesTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { tb::ui::registerMetaTypes(); }

  // Both of a disturbed run's warnings: the notice said only the first (the machine's load),
  // not that stalls made its median-step samples/s overstate the run.
  void disturbedRunNamesEveryWarning() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    MainWindow window(dir.filePath(QStringLiteral("settings.ini")),
                      dir.filePath(QStringLiteral("results")));
    tbtest::RunResultBuilder run;
    run.device("cpu", "Test CPU").epoch(1.0, 1000.0).totalSeconds(1.2);
    run.validity(true, {"Other processes used 1.0 of 2 cores during the run.",
                        "Some steps stalled: the run trained at 1410 samples/s, not the 148746 "
                        "of its median step."});
    Q_EMIT window.recorder()->runRecorded(run.build(), dir.filePath(QStringLiteral("r.json")),
                                          QString(), true);
    const QString notice = window.noticeBar()->text();
    QVERIFY2(notice.contains(QLatin1String("Other processes used")) &&
                 notice.contains(QLatin1String("trained at 1410 samples/s")),
             qPrintable(notice));
  }

  // The core says its settings in the command line's flags and lower case; the window's notice
  // says them as the Setup panel's fields, each warning a sentence of its own.
  void noticesNameTheSetupFields() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    MainWindow window(dir.filePath(QStringLiteral("settings.ini")),
                      dir.filePath(QStringLiteral("results")));
    tbtest::RunResultBuilder warned;
    warned.device("cpu", "Test CPU").epoch(1.0, 1000.0).totalSeconds(1.2);
    warned.validity(false, {"3 CPU threads, but this process may run on only 2 CPUs.",
                            "a training step of 32 images needs about 0.4 GiB of memory, more "
                            "than the 0.3 GiB free when the run started: train a smaller "
                            "--batch-size"});
    Q_EMIT window.recorder()->runRecorded(warned.build(), dir.filePath(QStringLiteral("w.json")),
                                          QString(), true);
    QString notice = window.noticeBar()->text();
    QVERIFY2(notice.contains(QStringLiteral("only 2 CPUs. A training step of 32 images")) &&
                 notice.contains(QStringLiteral("a smaller \u201cBatch size\u201d.")),
             qPrintable(notice));

    tbtest::RunResultBuilder refused;
    refused
        .failed(tb::FailureKind::Run,
                "--batch-size: a training step of 50000 images needs about 75.3 GiB")
        .device("cpu", "Test CPU");
    Q_EMIT window.recorder()->runRecorded(refused.build(), dir.filePath(QStringLiteral("f.json")),
                                          QString(), true);
    notice = window.noticeBar()->text();
    QVERIFY2(notice.contains(QStringLiteral(
                 "Run on cpu failed: \u201cBatch size\u201d: a training step of 50000 images")),
             qPrintable(notice));
  }

  // A results folder that cannot be made: nothing runs, and the notice says how to save
  // elsewhere (the folder comes from the environment; no field in the window sets it).
  void unusableResultsFolderSaysWhereElse() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("plain"));
    QFile plain(file);
    QVERIFY(plain.open(QIODevice::WriteOnly));
    plain.close();
    MainWindow window(dir.filePath(QStringLiteral("settings.ini")), file + QStringLiteral("/results"));
    window.setupPanel()->setCheckedDevices({QStringLiteral("cpu")});
    window.setupPanel()->setSynthetic(true);
    const QString problem = window.startRuns();
    QVERIFY2(problem.contains(QLatin1String("nothing was run")) &&
                 problem.contains(QLatin1String("TRAINBENCH_RESULTS_DIR")),
             qPrintable(problem));
    QVERIFY(!window.controller()->isBusy());
  }
};

QTEST_MAIN(RunNoticesTest)
#include "tst_run_notices.moc"
