// History's "Use Settings" in the window: a run from a GPU server, opened on a computer without
// its GPU, leaves nothing to train by accident, and each use says only what is still true.
#include "history/history_panel.h"
#include "history/result_library.h"
#include "panels/setup_panel.h"
#include "results/result_file.h"
#include "window/main_window.h"
#include "window/notice_bar.h"

#include "../support/absent_device.h"
#include "../support/run_result_builder.h"

#include <QDir>
#include <QPushButton>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

using namespace tb::ui;

class UseSettingsTest : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir m_dir;

  // A run saved in the results folder, as the CLI on another machine would have made it.
  QString saveRun(const QString& name, const std::string& device, int threads) {
    tbtest::RunResultBuilder run;
    run.workload("fashion-mlp", "fashion-mnist").samples(2000, 500).plannedEpochs(2);
    run.device(device, "Far device").host("gpu-server").threads(threads);
    run.epoch(1.0, 2000.0).epoch(1.0, 2000.0).totalSeconds(2.5);
    const QString path = QDir(m_dir.filePath(QStringLiteral("results"))).filePath(name);
    QDir().mkpath(QFileInfo(path).path());
    tb::writeResultFile(run, path.toStdString());
    return path;
  }

 private Q_SLOTS:
  void serverRunLeavesNothingToTrainAndOneNotice() {
    const int threadsHere = QThread::idealThreadCount();
    // Two GPUs this computer lacks (whatever GPUs it has).
    const std::string absent = tbtest::absentCudaDevice();
    const QString gpu1 = QString::fromStdString(absent);
    const QString gpu2 = QStringLiteral("cuda:%1").arg(gpu1.mid(5).toInt() + 1);
    const QString first = saveRun(QStringLiteral("a.json"), gpu2.toStdString(), threadsHere + 30);
    const QString second = saveRun(QStringLiteral("b.json"), absent, threadsHere + 30);
    MainWindow window(m_dir.filePath(QStringLiteral("settings.ini")),
                      m_dir.filePath(QStringLiteral("results")));
    window.show();
    auto* history = window.findChild<HistoryPanel*>();
    QVERIFY(history);
    QTRY_COMPARE(window.library()->entries().size(), 2);

    window.setupPanel()->setCheckedDevices({QStringLiteral("cpu")});
    Q_EMIT history->settingsRequested(first);
    // The CPU is not what the run trained on: nothing is ticked, so Run cannot train it.
    QVERIFY(window.setupPanel()->configs().isEmpty());
    QVERIFY(!window.setupPanel()->runButton()->isEnabled());
    QString shown = window.noticeBar()->text();
    QVERIFY2(shown.contains(gpu2 + QLatin1String(" is not on this computer")), qPrintable(shown));
    QVERIFY2(shown.contains(QStringLiteral("It trained with %1 CPU threads").arg(threadsHere + 30)),
             qPrintable(shown));

    // The second run's settings replace the first's, and so does what is said of them.
    Q_EMIT history->settingsRequested(second);
    shown = window.noticeBar()->text();
    QVERIFY2(shown.contains(gpu1 + QLatin1String(" is not on this computer")), qPrintable(shown));
    QVERIFY2(!shown.contains(gpu2), qPrintable(shown));
    // Other notices stay.
    window.showNotice(QStringLiteral("Run on cpu failed: out of memory"), true);
    Q_EMIT history->settingsRequested(first);
    shown = window.noticeBar()->text();
    QVERIFY2(shown.contains(QLatin1String("out of memory")) && !shown.contains(gpu1),
             qPrintable(shown));
  }

  // A data-parallel result records each rank's batch and threads; Setup's Batch size and CPU
  // threads are the run's. Use Settings of a strong run of 32 over 2 ranks of 1 thread gave
  // Batch size 16 and 1 thread: ticking data-parallel again trained 8 images per rank.
  void dataParallelRunComesBackAsTheRun() {
    tbtest::RunResultBuilder run;
    run.workload("fashion-mlp", "fashion-mnist").samples(2000, 500).plannedEpochs(2);
    run.device("cpu", "Test CPU").host("bench-1").threads(1).batchSize(16).cores(0, 64);
    run.distributed("strong", 32, {{"bench-1", "cpu"}, {"bench-1", "cpu"}});
    run.epoch(1.0, 2000.0).epoch(1.0, 2000.0).totalSeconds(2.5);
    SetupPanel setup;
    setup.useSettingsOf(run);
    QCOMPARE(setup.scaling(), QStringLiteral("strong"));
    setup.setCheckedDevices({QStringLiteral("cpu")});
    setup.setDataParallel(true);  // the ranks as the run had them
    const auto plan = setup.dataParallelPlan();
    QVERIFY(plan);
    QCOMPARE(plan->ranks, 2);
    QCOMPARE(plan->config.batchSize, 32);
    QVERIFY(plan->config.strongScaling);
    if (QThread::idealThreadCount() >= 2) QCOMPARE(plan->config.threads, 2);
  }
};

QTEST_MAIN(UseSettingsTest)
#include "tst_use_settings.moc"
