// The journal of runs in progress (ui/model/run_journal.h): a run whose process is gone is found
// and read back as failed, with its epochs; a finished run the results folder refused is read
// back as it ended; a live process's run, and another host's, are left. A link in the place of
// the folder of runs a quit kept is never read.
#include "common/metatypes.h"
#include "model/run_journal.h"
#include "model/run_recorder.h"
#include "results/result_file.h"
#include "window/main_window.h"

#include "../support/run_result_builder.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>

using tb::RunResult;
using tb::ui::MainWindow;
using tb::ui::RunJournal;
using tb::ui::RunRecorder;

namespace {

RunResult trainingRun() {
  return tbtest::RunResultBuilder()
      .created("2026-12-06T02:00:00Z")
      .workload("cifar10-resnet50", "cifar10")
      .samples(2048, 32)
      .plannedEpochs(3)
      .batchSize(2048)
      .device("cpu", "Test CPU")
      .host("bench-1")
      .epoch(40.0, 51.2)
      .build();
}

// The pid of a process that has ended (reused only after the system wraps around its pids).
qint64 endedPid() {
  QProcess process;
  process.start(QStringLiteral("true"), {});
  if (!process.waitForStarted()) return 0;
  const qint64 pid = process.processId();
  process.waitForFinished();
  return pid;
}

}  // namespace

class RunJournalTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { tb::ui::registerMetaTypes(); }

  void runOfAnEndedProcessIsFoundAsFailed() {
    QTemporaryDir results;
    const qint64 gone = endedPid();
    QVERIFY(gone > 0);
    const RunJournal ended(results.path(), QStringLiteral("bench-1"), gone);
    ended.write(7, trainingRun());

    const RunJournal now(results.path(), QStringLiteral("bench-1"));
    const auto runs = now.abandoned();
    QCOMPARE(runs.size(), 1);
    const RunResult& run = runs[0].result;
    QCOMPARE(run.status, tb::RunStatus::Failed);
    QCOMPARE(run.epochs.size(), std::size_t{1});  // what it finished is kept
    QCOMPARE(run.workload.name, std::string("cifar10-resnet50"));
    QVERIFY2(run.error.find("killed (as the system does when memory runs out)") != std::string::npos &&
                 run.error.find("a batch smaller than 2048") != std::string::npos,
             run.error.c_str());
    QVERIFY(!run.totalSeconds);

    QVERIFY(!runs[0].finished);

    RunJournal::discard(runs[0].path);
    QVERIFY(now.abandoned().isEmpty());
  }

  // A finished run the results folder refused stays in the journal as it ended, failed runs
  // with their own reason included: the next start saves it as it is, not as one the app was
  // killed during.
  void finishedRunIsKeptAsItEnded() {
    QTemporaryDir results;
    const qint64 gone = endedPid();
    QVERIFY(gone > 0);
    const RunJournal ended(results.path(), QStringLiteral("bench-1"), gone);
    RunResult completed = trainingRun();
    for (int epoch = 2; epoch <= completed.config.epochs; ++epoch) {
      tb::EpochRecord next = completed.epochs.front();
      next.epoch = epoch;
      completed.epochs.push_back(next);
    }
    completed.totalSeconds = 121.5;
    RunResult diverged = trainingRun();
    diverged.status = tb::RunStatus::Failed;
    diverged.error = "the loss became NaN at epoch 1";
    ended.write(1, trainingRun());
    QVERIFY(ended.keep(1, completed));
    QVERIFY(ended.keep(2, diverged));

    auto runs = RunJournal(results.path(), QStringLiteral("bench-1")).abandoned();
    QCOMPARE(runs.size(), 2);
    std::sort(runs.begin(), runs.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    QVERIFY(runs[0].finished);
    QCOMPARE(runs[0].result.status, tb::RunStatus::Completed);
    QCOMPARE(runs[0].result.totalSeconds, std::optional<double>(121.5));
    QVERIFY(runs[1].finished);
    QCOMPARE(runs[1].result.error, diverged.error);
  }

  // A run still training (this process's, or another live app's) is no abandoned one; nor is a
  // run of another host sharing the folder, whose process cannot be looked for from here. Once
  // the other app ends, its run is.
  void liveAndOtherHostsRunsAreLeft() {
    QTemporaryDir results;
    const RunJournal mine(results.path(), QStringLiteral("bench-1"));
    mine.write(1, trainingRun());
    QProcess otherApp;  // stands for another app on this host, still training
    otherApp.start(QStringLiteral("sleep"), {QStringLiteral("300")});
    QVERIFY(otherApp.waitForStarted());
    const RunJournal other(results.path(), QStringLiteral("bench-1"), otherApp.processId());
    other.write(3, trainingRun());
    const RunJournal elsewhere(results.path(), QStringLiteral("bench-2"), endedPid());
    elsewhere.write(2, trainingRun());
    QVERIFY(RunJournal(results.path(), QStringLiteral("bench-1")).abandoned().isEmpty());
    otherApp.kill();
    QVERIFY(otherApp.waitForFinished());
    const auto ended = RunJournal(results.path(), QStringLiteral("bench-1")).abandoned();
    QCOMPARE(ended.size(), 1);
    RunJournal::discard(ended[0].path);

    // Ended: removed, and the library's own folder never holds the journal's files.
    mine.remove(1);
    QVERIFY(QDir(results.path()).entryList({QStringLiteral("*.json")}, QDir::Files).isEmpty());
    QCOMPARE(QDir(results.filePath(QStringLiteral(".running")))
                 .entryList({QStringLiteral("*.json")}, QDir::Files)
                 .size(),
             1);  // bench-2's, left alone
  }

  // The folder a quit keeps refused results in is never a link: one to the results folder
  // itself made the next start take each saved result for a copy and remove it once "saved".
  void linkedUnattendedFolderIsLeftAlone() {
    QTemporaryDir dir;
    const QString results = dir.filePath(QStringLiteral("results"));
    QVERIFY(QDir().mkpath(results));
    const QString saved = QDir(results).filePath(QStringLiteral("earlier.json"));
    tb::writeResultFile(tbtest::RunResultBuilder().workload("fashion-mlp").device("cpu", "CPU"),
                        saved.toStdString());
    const QByteArray tmpBefore = qgetenv("TMPDIR");
    const auto restoreTmp = qScopeGuard([&] { qputenv("TMPDIR", tmpBefore); });
    qputenv("TMPDIR", QFile::encodeName(dir.filePath(QStringLiteral("tmp"))));
    const QString key = RunRecorder::unattendedFolder(results);
    QVERIFY(!key.isEmpty() && QDir().mkpath(QFileInfo(key).path()));
    QVERIFY(QFile::link(results, key));
    const MainWindow window(dir.filePath(QStringLiteral("settings.ini")), results);
    QVERIFY(QFile::exists(saved));
    QCOMPARE(QDir(results).entryList({QStringLiteral("*.json")}, QDir::Files).size(), 1);
  }
};

QTEST_MAIN(RunJournalTest)
#include "tst_run_journal.moc"
