// End-to-end tests of trainbench-cli's failures as a user meets them: bad flags (exit 2),
// broken or missing data (3), unavailable devices (4), a damaged result file, and Ctrl-C (130,
// with a complete "cancelled" result saved).
#include "devices/device_id.h"

#include "../support/absent_device.h"
#include "../support/run_result_builder.h"
#include "../support/signal_state.h"
#include "cli_fixture.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QRegularExpression>

#include <fcntl.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

using namespace clitest;

namespace {

// Reads the process's stdout into `out` until it holds `marker`, the process ends, or a minute
// passes (a state to wait for, not a time); true when the marker came.
bool readUntil(QProcess& process, QByteArray& out, const char* marker) {
  QElapsedTimer timer;
  timer.start();
  while (!out.contains(marker) && process.state() == QProcess::Running &&
         timer.elapsed() < 60000) {
    process.waitForReadyRead(100);
    out += process.readAllStandardOutput();
  }
  return out.contains(marker);
}

}  // namespace

class TestCliErrors : public CliTestBase {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { setUpFixture(); }
  void init() { startTest(); }

  void badFlagExitsTwo_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("named");
    QTest::newRow("epochs0") << (QStringList{"run", "--synthetic", "--epochs", "0"}) << "--epochs";
    QTest::newRow("bogus") << (QStringList{"run", "--synthetic", "--bogus"}) << "--bogus";
    QTest::newRow("workload") << (QStringList{"run", "--workload", "nope"}) << "--workload";
    QTest::newRow("interval") << (QStringList{"run", "--telemetry-interval", "0"})
                              << "--telemetry-interval";
    // An empty name (a script's unset "$DIR") is no default: --out "" saved to the default folder.
    const QString emptyName = QStringLiteral(": expects a file or folder name, not an empty one");
    QTest::newRow("out empty") << (QStringList{"run", "--synthetic", "--out", ""}) << "--out" + emptyName;
    QTest::newRow("data-dir empty") << (QStringList{"run", "--data-dir", ""}) << "--data-dir" + emptyName;
    QTest::newRow("from empty") << (QStringList{"run", "--synthetic", "--from", ""}) << "--from" + emptyName;
    QTest::newRow("show empty") << (QStringList{"show", ""}) << emptyName;
    QTest::newRow("compare empty") << (QStringList{"compare", "a.json", ""}) << emptyName;
    QTest::newRow("scaling empty") << (QStringList{"scaling", ""}) << emptyName;
    QTest::newRow("data empty") << (QStringList{"data", "status", "--data-dir", ""}) << "--data-dir" + emptyName;
    QTest::newRow("profile empty") << (QStringList{"profile", "--data-dir", ""}) << "--data-dir" + emptyName;
    // `--out= --synthetic` took the next option as the folder's name and saved there.
    QTest::newRow("out option") << (QStringList{"run", "--out=", "--synthetic"})
                                << "--out: expects a file or folder name, not the option '--synthetic'";
    // Float32's limits in words, not "from 1.17549e-38 to 3.40282e+38".
    QTest::newRow("learning rate")
        << (QStringList{"run", "--learning-rate", "0"})
        << "--learning-rate: expects a number above 0 that float32 holds";
    QTest::newRow("no-command") << QStringList{} << "subcommand";
    QTest::newRow("mistyped command") << QStringList{"runn", "--epochs", "1"}
                                      << "unknown command 'runn'; the commands are devices,";
  }
  // Usage errors must exit 2 before any training and say which flag is wrong.
  void badFlagExitsTwo() {
    QFETCH(QStringList, args);
    QFETCH(QString, named);
    const CliRun run = runCli(args);
    QVERIFY2(run.exitCode == 2, run.why());
    QVERIFY2(run.err.contains(named), run.why());
    QVERIFY(filesIn(m_results).isEmpty());
  }

  // A download cut short by one byte must fail as a data error naming the file, not train on junk.
  void truncatedImageFileExitsThree() {
    const QString folder = path(QStringLiteral("truncated"));
    Bytes images;
    QVERIFY(writeDataset(folder, &images));
    images.pop_back();
    const QString broken = folder + "/t10k-images-idx3-ubyte.gz";
    QVERIFY(writeFile(broken, images));
    const CliRun run = runCli({"run", "--data-dir", folder, "--epochs", "1", "--threads", "1"});
    QVERIFY2(run.exitCode == 3, run.why());
    QVERIFY2(run.err.contains(broken) && run.err.contains(QLatin1String("truncated")), run.why());
  }

  // A label of 10 would index past the 10 outputs; it must be a data error naming the file.
  void labelOutOfRangeExitsThree() {
    const QString folder = path(QStringLiteral("label10"));
    Bytes labels;
    QVERIFY(writeDataset(folder, nullptr, &labels));
    labels[8 + 17] = 10;
    const QString broken = folder + "/train-labels-idx1-ubyte.gz";
    QVERIFY(writeFile(broken, labels));
    const CliRun run = runCli({"run", "--data-dir", folder, "--epochs", "1", "--threads", "1"});
    QVERIFY2(run.exitCode == 3, run.why());
    QVERIFY2(run.err.contains(broken) && run.err.contains(QLatin1String("label 10")), run.why());
  }

  // A first run without data is the most common mistake; the message must point to --synthetic
  // and to the command that downloads the data.
  void missingDataExitsThreeSuggestingSynthetic() {
    const CliRun run = runCli({"run", "--epochs", "1", "--threads", "1"});
    QVERIFY2(run.exitCode == 3, run.why());
    QVERIFY2(run.err.contains(QLatin1String("--synthetic")) && run.err.contains(m_dataRoot),
             run.why());
    QVERIFY2(run.err.contains(QLatin1String("trainbench-cli data fetch fashion-mnist\n")),
             run.why());
    const CliRun profile = runCli({"profile", "--workload", "cifar10-cnn", "--steps", "2"});
    QVERIFY2(profile.exitCode == 3, profile.why());
    QVERIFY2(profile.err.contains(QLatin1String("trainbench-cli data fetch cifar10\n")),
             profile.why());
    // The failed run's file still says which data it asked for.
    QVERIFY2(run.savedPaths().size() == 1, run.why());
    QString readError;
    QCOMPARE(readResult(run.savedPaths()[0], readError).workload.dataSource, std::string("files"));
    const CliRun empty =
        runCli({"run", "--data-dir", path(QStringLiteral("xdg")), "--epochs", "1"});
    QVERIFY2(empty.exitCode == 3 && empty.err.contains(QLatin1String("--synthetic")), empty.why());
    // The download goes where the run looked.
    QVERIFY2(empty.err.contains("trainbench-cli data fetch fashion-mnist --data-dir " +
                                path(QStringLiteral("xdg")) + "\n"),
             empty.why());
  }

  void unavailableDeviceExitsFour_data() {
    QTest::addColumn<QString>("device");
    QTest::newRow("a GPU this machine lacks") << QString::fromStdString(tbtest::absentCudaDevice());
    QTest::newRow("tpu") << "tpu";
  }
  // A device typo or missing GPU must fail at once (exit 4), saying which devices exist.
  void unavailableDeviceExitsFour() {
    QFETCH(QString, device);
    const auto available = tb::availableDevices();
    if (std::find(available.begin(), available.end(), device.toStdString()) != available.end()) {
      QSKIP("this machine really has that device");
    }
    const CliRun run =
        runCli(smallSyntheticRun() + QStringList{"--device", "cpu", "--device", device});
    QVERIFY2(run.exitCode == 4, run.why());
    QVERIFY2(run.err.contains(QLatin1String("--device")) && run.err.contains(device), run.why());
    QVERIFY2(
        QRegularExpression(QStringLiteral("available[^\\n]*\\bcpu\\b")).match(run.err).hasMatch(),
        run.why());
    // Every device is checked before the first (cpu) one trains, so nothing was saved.
    QVERIFY2(run.savedPaths().isEmpty() && filesIn(m_results).isEmpty(), run.why());
  }

  // `show` is how a saved run is read back on a headless machine.
  void showPrintsSavedResult() {
    const CliRun run = runCli(smallSyntheticRun(QStringLiteral("2")));
    QVERIFY2(run.exitCode == 0 && run.savedPaths().size() == 1, run.why());
    const CliRun show = runCli({"show", run.savedPaths()[0]});
    QVERIFY2(show.exitCode == 0, show.why());
    QVERIFY2(show.out.startsWith(QLatin1String("fashion-mlp on cpu (")), show.why());
    QVERIFY2(show.out.contains(QLatin1String("completed")) &&
                 show.out.contains(QLatin1String("2 epochs")),
             show.why());
    QVERIFY2(show.out.contains(QLatin1String("synthetic (256 train / 64 test)")), show.why());
    static const QRegularExpression epochRow(QStringLiteral("^\\s+[12]\\s+\\d+\\.\\d{4}\\s"),
                                             QRegularExpression::MultilineOption);
    int rows = 0;
    for (auto it = epochRow.globalMatch(show.out); it.hasNext(); it.next()) ++rows;
    QVERIFY2(rows == 2, show.why());
  }

  // A script reading `show --json` or `workloads` must not take a cut-short document for a whole
  // one: standard output on a full disk (/dev/full) is a file error, exit 3, and says so.
  void fullStandardOutputExitsThree_data() {
    QTest::addColumn<QStringList>("args");
    QTest::newRow("workloads") << QStringList{"workloads", "--json"};
    QTest::newRow("devices") << QStringList{"devices"};
  }
  void fullStandardOutputExitsThree() {
    QFETCH(QStringList, args);
    if (!QFileInfo::exists(QStringLiteral("/dev/full"))) QSKIP("no /dev/full on this system");
    QProcess process;
    process.setProcessEnvironment(environment());
    process.setStandardOutputFile(QStringLiteral("/dev/full"));
    process.start(m_cli, args);
    QVERIFY(process.waitForFinished(60000));
    const QString err = QString::fromUtf8(process.readAllStandardError());
    QCOMPARE(process.exitCode(), 3);
    QVERIFY2(err.contains(QLatin1String("standard output: the output was not written in full")),
             qPrintable(err));
  }

  // `trainbench-cli show run.json | head -1`: the reader took what it wanted and closed the
  // pipe. Like any tool ended by SIGPIPE, the command stops quietly with 141, whatever was
  // still to write; no "error", and no exit 3 that a `set -o pipefail` script would take for a
  // broken file. (The pipe's reading end is closed before the command starts: every write fails.)
  void closedPipeEndsQuietly() {
    int ends[2];
    QCOMPARE(::pipe(ends), 0);
    ::close(ends[0]);
    const QString errPath = path(QStringLiteral("pipe-stderr.txt"));
    const QByteArray program = QFile::encodeName(m_cli);
    const QByteArray errName = QFile::encodeName(errPath);
    std::vector<char*> argv{const_cast<char*>(program.constData()), const_cast<char*>("workloads"),
                            const_cast<char*>("--json"), nullptr};
    const pid_t child = ::fork();
    QVERIFY(child >= 0);
    if (child == 0) {
      const int err = ::open(errName.constData(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (err < 0 || ::dup2(ends[1], STDOUT_FILENO) < 0 || ::dup2(err, STDERR_FILENO) < 0) {
        ::_exit(126);
      }
      ::execv(program.constData(), argv.data());
      ::_exit(127);
    }
    ::close(ends[1]);
    int status = 0;
    QCOMPARE(::waitpid(child, &status, 0), child);
    QFile err(errPath);
    QVERIFY(err.open(QIODevice::ReadOnly));
    const QByteArray said = err.readAll();
    QVERIFY2(WIFEXITED(status) && WEXITSTATUS(status) == 141,
             qPrintable(
                 QStringLiteral("status %1, stderr: %2").arg(status).arg(QString::fromUtf8(said))));
    QVERIFY2(said.isEmpty(), said.constData());
  }

  // `scaling` on data-parallel runs that were all cancelled lists none, and says why rather than
  // leaving "no data-parallel runs" to stand for a folder that holds them.
  void scalingSaysItsRunsDidNotComplete() {
    const QString folder = path(QStringLiteral("cancelled-ranks"));
    QVERIFY(QDir().mkpath(folder));
    tb::RunResult cancelled = tbtest::RunResultBuilder()
                                  .status(tb::RunStatus::Cancelled)
                                  .workload("fashion-mlp", "fashion-mnist")
                                  .plannedEpochs(2)
                                  .batchSize(32)
                                  .device("cpu", "Test CPU")
                                  .epoch(1.0, 3000.0)
                                  .distributed("weak", 64, {{"a", "cpu"}, {"a", "cpu"}});
    tb::writeResultFile(cancelled, (folder + "/two.json").toStdString());
    const CliRun scaling = runCli({"scaling", folder});
    QVERIFY2(scaling.exitCode == 0 &&
                 scaling.out.contains(QLatin1String("No completed data-parallel runs")) &&
                 scaling.err.contains(
                     QLatin1String("1 data-parallel run did not complete (cancelled or failed)")),
             scaling.why());
  }

  // Synthetic sets are as large as asked, but one that cannot fit in memory is a data error
  // naming the flags, not an "out of memory ... a smaller batch size may fit" device error.
  void syntheticSetLargerThanMemoryExitsThree() {
    const CliRun run = runCli({"run", "--synthetic", "--train-limit", "1099511627776",
                               "--test-limit", "64", "--epochs", "1", "--threads", "1"});
    QVERIFY2(run.exitCode == 3, run.why());
    QVERIFY2(run.err.contains(QLatin1String("--train-limit/--test-limit: 1099511627776 + 64 "
                                            "synthetic images need about")),
             run.why());
    QVERIFY2(!run.err.contains(QLatin1String("batch size")), run.why());
  }

  // A damaged result file must be a clean data error naming it, never a crash.
  void showMalformedFileExitsThree() {
    const QString file = path(QStringLiteral("malformed.json"));
    QFile broken(file);
    QVERIFY(broken.open(QIODevice::WriteOnly));
    broken.write("{\"schema\": \"trainbench-result/1\", \"status\": ");
    broken.close();
    const CliRun run = runCli({"show", file});
    QVERIFY2(run.exitCode == 3, run.why());
    QVERIFY2(run.err.contains(file), run.why());
  }

  // Ctrl-C must stop within a batch, exit 130 and still save a complete, valid "cancelled" file.
  // Under `nohup` SIGHUP is ignored, and stays so: closing the SSH session that started the
  // run must not cancel it (it did, with exit 130 and a cancelled result).
  void ignoredHangupDoesNotCancel() {
    QProcess process;
    process.setProcessEnvironment(environment());
    process.start(QStringLiteral("nohup"),
                  {m_cli, "run", "--synthetic", "--epochs", "20", "--train-limit", "20000",
                   "--test-limit", "64", "--threads", "1", "--out", path("nohup/")});
    QVERIFY(process.waitForStarted());
    QByteArray out;
    QVERIFY2(readUntil(process, out, "Epoch 1/20"), out.constData());
    // Still ignored while it trains (nohup execs the CLI: the same pid), and the hangup lands
    // mid-run: a signal after the last epoch would prove nothing.
    QVERIFY(tbtest::ignoresSignal(process.processId(), SIGHUP));
    QCOMPARE(process.state(), QProcess::Running);
    QVERIFY2(!out.contains("Epoch 20/20"), out.constData());
    QCOMPARE(::kill(static_cast<pid_t>(process.processId()), SIGHUP), 0);
    QVERIFY(process.waitForFinished(60000));
    out += process.readAllStandardOutput();
    const QByteArray err = process.readAllStandardError();
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QVERIFY2(process.exitCode() == 0, (out + err).constData());
    QVERIFY2(out.contains("Epoch 20/20"), out.constData());
  }

  void sigintCancelsAndSavesCancelledResult() {
    const QString folder = path(QStringLiteral("cancelled/"));
    QProcess process;
    process.setProcessEnvironment(environment());
    process.start(m_cli,
                  {"run", "--synthetic", "--epochs", "50", "--train-limit", "60000", "--test-limit",
                   "64", "--threads", "1", "--telemetry-interval", "0.1", "--out", folder});
    QVERIFY(process.waitForStarted());
    // The header line is printed once training starts, long after the SIGINT handler is set.
    QByteArray out;
    QVERIFY2(readUntil(process, out, "training /"), out.constData());
    // Interrupt mid-run: once the first epoch is reported, 49 are left to cancel.
    QVERIFY2(readUntil(process, out, "Epoch 1/50"), out.constData());
    QCOMPARE(process.state(), QProcess::Running);
    QCOMPARE(::kill(static_cast<pid_t>(process.processId()), SIGINT), 0);
    QVERIFY(process.waitForFinished(30000));
    out += process.readAllStandardOutput();
    const QByteArray err = process.readAllStandardError();
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QVERIFY2(process.exitCode() == 130, (out + err).constData());
    QVERIFY2(err.contains("cancelled on cpu"), err.constData());

    // Exactly one file: the result, and no temporary file left behind by the write.
    const QStringList files = filesIn(folder);
    QCOMPARE(files.size(), 1);
    QVERIFY2(out.contains("Result saved to " + (folder + files[0]).toUtf8()), out.constData());
    QFile file(folder + files[0]);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    QCOMPARE(doc[QLatin1String("status")].toString(), QStringLiteral("cancelled"));
    QString readError;
    const tb::RunResult result = readResult(file.fileName(), readError);
    QVERIFY2(readError.isEmpty(), qPrintable(readError));
    QCOMPARE(statusOf(result), QStringLiteral("cancelled"));
    QCOMPARE(result.config.epochs, 50);
    QVERIFY(result.epochs.size() < 50);
    QVERIFY(!result.totalSeconds.has_value());
    QVERIFY(!result.timeline.empty());
  }
};

QTEST_GUILESS_MAIN(TestCliErrors)
#include "tst_cli_errors.moc"
