// The trainbench-cli process behind the app's data-parallel runs (ui/run/cli_run.h): it runs in
// a process group of its own, so the terminal's Ctrl-C reaches the app alone (which then stops
// the run with one signal), and a command that ends without saving leaves the run as far as it
// got, not an empty one. Stand-in CLIs (shell scripts) play the command.
#include "engine/run_config.h"
#include "results/result_file.h"
#include "run/run_controller.h"
#include "run/run_folder.h"

#include "../support/fake_cli.h"
#include "../support/run_result_builder.h"
#include "../support/synthetic_run.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/time.h>
#include <unistd.h>

#include <ctime>

using namespace tb;
using namespace tb::ui;

namespace {

constexpr int kRunTimeoutMs = 60000;

}  // namespace

class CliRunProcessTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // Ctrl-C in the app's terminal went to the command too, and the app's own Stop after it made
  // two signals: the command ended at once, unsaved, and the trained epochs were lost.
  void theCommandHasAProcessGroupOfItsOwn() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString ids = dir.filePath(QStringLiteral("ids"));
    // Its pid, then its process group (the 5th field of /proc/PID/stat).
    const tbtest::FakeCli cli(
        dir.path(), QStringLiteral("#!/bin/sh\necho $$ $(cut -d' ' -f5 /proc/$$/stat) > \"%1\"\n"
                                   "echo 'trainbench-cli: error: stand-in' >&2\nexit 5\n")
                        .arg(ids)
                        .toUtf8());
    QVERIFY(cli.ok());
    RunController controller;
    QSignalSpy finished(&controller, &RunController::runFinished);
    controller.enqueueDataParallel(tbtest::syntheticRun(1, 256, 64), 2, QString());
    QVERIFY(finished.wait(kRunTimeoutMs));
    QFile file(ids);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> fields = file.readAll().trimmed().split(' ');
    QCOMPARE(fields.size(), 2);
    QCOMPARE(fields[1], fields[0]);  // it leads a group of its own
    QVERIFY(fields[1].toLongLong() != static_cast<qlonglong>(getpgrp()));
  }

  // A command that fails (or is killed) after some epochs saved nothing: the run keeps the
  // epochs and the test it reported, so its charts and its failed result in History are not
  // emptied.
  void aCommandEndingUnsavedKeepsWhatItReported() {
    tbtest::RunResultBuilder header;
    header.workload("fashion-mlp", "fashion-mnist").dataSource("synthetic").samples(256, 64);
    header.plannedEpochs(3).batchSize(32).device("cpu", "Test CPU").host("bench-1");
    const std::string headerJson = toJson(header, -1);
    QVERIFY(headerJson.find('\'') == std::string::npos);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QByteArray script =
        "#!/bin/sh\n"
        "echo '{\"event\":\"started\",\"steps_per_epoch\":8,\"header\":" +
        QByteArray::fromStdString(headerJson) +
        "}'\n"
        "echo '{\"event\":\"epoch\",\"epoch\":1,\"train_loss\":0.9,\"train_accuracy\":0.6,"
        "\"seconds\":1.5,\"samples_per_second\":170}'\n"
        "echo '{\"event\":\"epoch\",\"epoch\":2,\"train_loss\":0.7,\"train_accuracy\":0.7,"
        "\"seconds\":1.4,\"samples_per_second\":180}'\n"
        "echo 'trainbench-cli: error: rank 1 on node7 stopped answering' >&2\nexit 5\n";
    const tbtest::FakeCli cli(dir.path(), script);
    QVERIFY(cli.ok());
    RunController controller;
    QSignalSpy finished(&controller, &RunController::runFinished);
    controller.enqueueDataParallel(tbtest::syntheticRun(3, 256, 64), 2, QString());
    QVERIFY(finished.wait(kRunTimeoutMs));
    const auto result = finished.first().at(1).value<RunResult>();
    QCOMPARE(result.status, RunStatus::Failed);
    QVERIFY2(result.error.find("stopped answering") != std::string::npos, result.error.c_str());
    QCOMPARE(result.epochs.size(), std::size_t{2});
    QCOMPARE(result.epochs[1].trainLoss, 0.7);
    QCOMPARE(result.system.hostname, std::string("bench-1"));
  }

  // One that fails before it says what it trains is still listed as the data-parallel run it
  // was asked for (it read as a plain "cpu" run with no data source, machine or batch).
  void aCommandFailingAtOnceIsStillADataParallelRun() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const tbtest::FakeCli cli(dir.path(), "#!/bin/sh\necho 'trainbench-cli: error: no' >&2\nexit 5\n");
    QVERIFY(cli.ok());
    RunController controller;
    QSignalSpy finished(&controller, &RunController::runFinished);
    RunConfig config = tbtest::syntheticRun(1, 256, 64);
    config.batchSize = 32;
    config.strongScaling = true;
    controller.enqueueDataParallel(config, 2, QString());
    QVERIFY(finished.wait(kRunTimeoutMs));
    const auto result = finished.first().at(1).value<RunResult>();
    QCOMPARE(result.status, RunStatus::Failed);
    QVERIFY(result.distributed);
    QCOMPARE(result.distributed->worldSize, 2);
    QCOMPARE(result.distributed->scaling, std::string("strong"));
    QCOMPARE(result.distributed->globalBatch, 32);
    QCOMPARE(result.config.batchSize, 16);
    QCOMPARE(result.workload.dataSource, std::string("synthetic"));
    QVERIFY(!result.system.hostname.empty());
  }

  // The app started inside a launched job (torchrun's RANK and WORLD_SIZE set) does not pass
  // its place in that job on: every data-parallel run failed asking for MASTER_ADDR.
  void aLaunchersVariablesStayWithTheApp() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString seen = dir.filePath(QStringLiteral("env"));
    const tbtest::FakeCli cli(dir.path(), QStringLiteral("#!/bin/sh\nenv > \"%1\"\nexit 5\n")
                                              .arg(seen)
                                              .toUtf8());
    QVERIFY(cli.ok());
    qputenv("RANK", "1");
    qputenv("WORLD_SIZE", "2");
    RunController controller;
    QSignalSpy finished(&controller, &RunController::runFinished);
    controller.enqueueDataParallel(tbtest::syntheticRun(1, 256, 64), 2, QString());
    const bool ended = finished.wait(kRunTimeoutMs);
    qunsetenv("RANK");
    qunsetenv("WORLD_SIZE");
    QVERIFY(ended);
    QFile file(seen);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray env = file.readAll();
    QVERIFY2(!env.contains("\nRANK=") && !env.startsWith("RANK=") && !env.contains("WORLD_SIZE="),
             env.constData());
  }

  // Threads that do not divide between the ranks: the command warns before its ranks start,
  // so no rank's result holds it; the app's copy keeps it, once, beside the run's own warnings
  // (which rank 0 repeats on stderr, and which must not be kept twice).
  void threadsThatDoNotDivideAreSaid() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    tbtest::RunResultBuilder saved;
    saved.workload("fashion-mlp", "fashion-mnist").dataSource("synthetic").samples(256, 64);
    saved.device("cpu", "Test CPU").host("bench-1").epoch(1.0, 1000.0).totalSeconds(1.5);
    saved.distributed("weak", 64, {{"bench-1", "cpu"}, {"bench-1", "cpu"}});
    const std::string leftOut = "each epoch left out 10 images";
    saved.validity(false, {leftOut});
    const QString path = dir.filePath(QStringLiteral("saved.json"));
    writeResultFile(saved, path.toStdString());
    const tbtest::FakeCli cli(
        dir.path(), "#!/bin/sh\necho 'trainbench-cli: warning: --threads 3 does not divide' >&2\n"
                    "echo 'trainbench-cli: warning: cpu: " + QByteArray::fromStdString(leftOut) +
                        "' >&2\necho 'Result saved to " + path.toUtf8() + "'\nexit 0\n");
    QVERIFY(cli.ok());
    RunController controller;
    QSignalSpy finished(&controller, &RunController::runFinished);
    RunConfig config = tbtest::syntheticRun(1, 256, 64);
    config.threads = 3;
    controller.enqueueDataParallel(config, 2, QString());
    QVERIFY(finished.wait(kRunTimeoutMs));
    const auto result = finished.first().at(1).value<RunResult>();
    QCOMPARE(result.status, RunStatus::Completed);
    QVERIFY(result.validity);
    QVERIFY(!result.validity->disturbed);
    QCOMPARE(result.validity->warnings,
             (std::vector<std::string>{leftOut, threadSplitWarning(3, 2)}));
  }

  // An app killed with SIGKILL leaves its run folder behind (a cancelled rank 0 may even save
  // into it later): the next app removes the folders no app holds, and only those: never a
  // live app's, never through a link a user of a shared /tmp planted, never a folder of
  // another program's.
  void foldersNoAppHoldsAreRemoved() {
    QTemporaryDir root;
    QTemporaryDir elsewhere;
    QVERIFY(root.isValid() && elsewhere.isValid());
    const QDir dir(root.path());
    const RunFolder live(root.path());  // an app that runs: its owner file stays locked
    QVERIFY2(live.isValid(), qPrintable(live.errorString()));
    QVERIFY(QFileInfo(live.path()).fileName().startsWith(QLatin1String("trainbench-run-")));
    // Its owner file is there, under its own name, from the start (a sweep skips a folder
    // without one, so a live folder without it would be kept by chance, not by its lock).
    QCOMPARE(QDir(live.path()).entryList(QDir::Files | QDir::Hidden), QStringList{QStringLiteral(".owner")});
    // What a killed app leaves: the folder and its owner file, which no process locks.
    const QString abandoned = dir.filePath(QStringLiteral("trainbench-run-a1B2c3"));
    QVERIFY(dir.mkpath(abandoned + QStringLiteral("/nested")));
    for (const QString& name : {QStringLiteral("/.owner"), QStringLiteral("/nested/result.json")}) {
      QFile file(abandoned + name);
      QVERIFY(file.open(QIODevice::WriteOnly));
    }
    // A link to someone's folder, planted in a shared /tmp, and folders of other programs.
    QFile precious(elsewhere.filePath(QStringLiteral(".owner")));
    QVERIFY(precious.open(QIODevice::WriteOnly));
    precious.close();
    QVERIFY(QFile::link(elsewhere.path(), dir.filePath(QStringLiteral("trainbench-run-link42"))));
    const QStringList others = {QStringLiteral("trainbench-run-notes"), QStringLiteral("trainbench-ABC123")};
    for (const QString& name : others) QVERIFY(dir.mkdir(name));

    QCOMPARE(removeAbandonedRunFolders(root.path()), 1);
    QVERIFY(!dir.exists(abandoned));
    QVERIFY(QFileInfo(live.path()).isDir());
    QVERIFY(QFileInfo::exists(precious.fileName()));
    QVERIFY(QFileInfo(dir.filePath(QStringLiteral("trainbench-run-link42"))).isSymLink());
    for (const QString& name : others) QVERIFY2(dir.exists(name), qPrintable(name));
    QCOMPARE(removeAbandonedRunFolders(root.path()), 0);
  }

  // An app killed between making its folder and naming its locked owner file left a folder no
  // sweep would ever take: without an owner file it read as one still being made. An hour on it
  // cannot be; a folder that young, or holding anything else, stays.
  void foldersLeftHalfMadeAreRemovedOnceOld() {
    QTemporaryDir root;
    QVERIFY(root.isValid());
    const QDir dir(root.path());
    const auto makeFolder = [&](const QString& name, const QStringList& files, qint64 ageSeconds) {
      const QString path = dir.filePath(name);
      QVERIFY(dir.mkdir(name));
      for (const QString& file : files) {
        QFile made(path + u'/' + file);
        QVERIFY(made.open(QIODevice::WriteOnly));
      }
      const struct timeval then[2] = {{::time(nullptr) - ageSeconds, 0}, {::time(nullptr) - ageSeconds, 0}};
      QVERIFY(::utimes(QFile::encodeName(path).constData(), then) == 0);
    };
    constexpr qint64 kTwoHours = 2 * 3600;
    makeFolder(QStringLiteral("trainbench-run-Aa11Bb"), {QStringLiteral(".owner.locking")}, kTwoHours);
    makeFolder(QStringLiteral("trainbench-run-Cc22Dd"), {}, kTwoHours);
    makeFolder(QStringLiteral("trainbench-run-Ee33Ff"), {QStringLiteral(".owner.locking")}, 5);
    makeFolder(QStringLiteral("trainbench-run-Gg44Hh"), {QStringLiteral("result.json")}, kTwoHours);
    makeFolder(QStringLiteral("trainbench-run-archive"), {}, kTwoHours);

    QCOMPARE(removeAbandonedRunFolders(root.path()), 2);
    QVERIFY(!dir.exists(QStringLiteral("trainbench-run-Aa11Bb")));
    QVERIFY(!dir.exists(QStringLiteral("trainbench-run-Cc22Dd")));
    for (const char* kept : {"trainbench-run-Ee33Ff", "trainbench-run-Gg44Hh", "trainbench-run-archive"}) {
      QVERIFY2(dir.exists(QLatin1String(kept)), kept);
    }
  }
};

QTEST_MAIN(CliRunProcessTest)
#include "tst_cli_run_process.moc"
