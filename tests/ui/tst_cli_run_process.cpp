// The trainbench-cli process behind the app's data-parallel runs (ui/run/cli_run.h): it runs in
// a process group of its own, so the terminal's Ctrl-C reaches the app alone (which then stops
// the run with one signal), and a command that ends without saving leaves the run as far as it
// got, not an empty one. Stand-in CLIs (shell scripts) play the command.
#include "run/run_controller.h"
#include "results/result_file.h"

#include "../support/fake_cli.h"
#include "../support/run_result_builder.h"
#include "../support/synthetic_run.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <unistd.h>

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
};

QTEST_MAIN(CliRunProcessTest)
#include "tst_cli_run_process.moc"
