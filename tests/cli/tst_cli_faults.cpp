// Fault injection with proof that nothing is lost: results folders that are full, read-only or
// in the way, kill -9 at random moments of a run and of its save, concurrent savers, and the
// signals a CLI run meets (SIGTERM, SIGHUP, a second Ctrl-C during the save, a closed pipe).
// File-system faults come from a preload library (tests/fault_inject, $TRAINBENCH_FAULT_INJECT).
#include "cli_fixture.h"

#include <QCryptographicHash>

#include <sys/resource.h>
#include <sys/stat.h>

#include <csignal>

using namespace clitest;

namespace {

// A trainbench-cli process the test steers: it waits for output or files (states, never
// durations) and sends signals.
class CliProcess {
 public:
  CliProcess(const QString& cli, const QStringList& args, const QProcessEnvironment& env) {
    m_process.setProcessEnvironment(env);
    m_process.start(cli, args);
    m_process.waitForStarted();
  }
  ~CliProcess() {
    if (m_process.state() != QProcess::NotRunning) {
      m_process.kill();
      m_process.waitForFinished();
    }
  }

  // Waits until stdout contains `text`; false if the process ended first.
  bool waitForOutput(const QString& text) {
    while (!m_out.contains(text)) {
      if (m_process.state() == QProcess::NotRunning) return false;
      m_process.waitForReadyRead(200);
      m_out += QString::fromUtf8(m_process.readAllStandardOutput());
    }
    return true;
  }
  bool running() const { return m_process.state() == QProcess::Running; }
  void signal(int number) { ::kill(static_cast<pid_t>(m_process.processId()), number); }

  // Waits for the end (a generous limit only against a hang); returns the exit code, or -signal
  // when a signal ended it.
  int finish() {
    if (!m_process.waitForFinished(120000)) return -1000;
    m_out += QString::fromUtf8(m_process.readAllStandardOutput());
    m_err = QString::fromUtf8(m_process.readAllStandardError());
    return m_process.exitStatus() == QProcess::CrashExit ? -1 : m_process.exitCode();
  }
  const QString& out() const { return m_out; }
  const QString& err() const { return m_err; }
  QString report() const { return QStringLiteral("stdout:\n%1\nstderr:\n%2").arg(m_out, m_err); }

 private:
  QProcess m_process;
  QString m_out;
  QString m_err;
};

QByteArray sha256(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) return {};
  return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256);
}

QStringList resultFiles(const QString& folder) {
  return QDir(folder).entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
}

QStringList tempFiles(const QString& folder) {
  return filesIn(folder).filter(QStringLiteral(".tmp-"));
}

// A run long enough to be interrupted while training: many short epochs on tiny data.
QStringList longRun() {
  return {"run", "--synthetic", "--train-limit", "64",        "--test-limit",
          "32",  "--epochs",    "100000",        "--threads", "1"};
}

}  // namespace

class TestCliFaults : public CliTestBase {
  Q_OBJECT

  QString m_faultLibrary;

  QProcessEnvironment faultyEnvironment(const QString& variable, const QString& value) const {
    QProcessEnvironment env = environment();
    env.insert(QStringLiteral("LD_PRELOAD"), m_faultLibrary);
    env.insert(variable, value);
    return env;
  }

  // The one result file in the results folder, read back: its status, or what is wrong.
  QString statusOfTheOnlyResult() const {
    const QStringList saved = resultFiles(m_results);
    if (saved.size() != 1) return QStringLiteral("%1 result files").arg(saved.size());
    QString error;
    const tb::RunResult result = tbtest::readResult(QDir(m_results).filePath(saved.first()), error);
    return error.isEmpty() ? statusOf(result) : error;
  }

  // Saves one ordinary result and returns its path (a result that must survive what follows).
  QString earlierResult() {
    const CliRun run = runCli(smallSyntheticRun());
    if (run.exitCode != 0 || run.savedPath().isEmpty()) return {};
    return run.savedPath();
  }

 private Q_SLOTS:
  void initTestCase() {
    setUpFixture();
    m_faultLibrary = qEnvironmentVariable("TRAINBENCH_FAULT_INJECT");
    QVERIFY2(QFileInfo::exists(m_faultLibrary), "TRAINBENCH_FAULT_INJECT must name the library");
  }
  void init() { startTest(); }

  // A file where the results folder should be: refused before any training, exit 3.
  void resultsFolderIsAFile() {
    QVERIFY(QDir().mkpath(QFileInfo(m_results).path()));
    QVERIFY(QFile(m_results).open(QIODevice::WriteOnly));
    const CliRun run = runCli(smallSyntheticRun());
    QCOMPARE(run.exitCode, 3);
    QVERIFY2(run.err.contains(m_results) && run.err.contains(QLatin1String("not a folder")),
             run.why());
    // No --out was given: the default folder is named as such, not as "--out".
    QVERIFY2(run.err.contains(QLatin1String("error: results folder: ")), run.why());
    QVERIFY2(!run.out.contains(QLatin1String("Epoch")), run.why());  // nothing trained
  }

  // A read-only results folder (EROFS, as a read-only mount gives even root): refused up front.
  void resultsFolderReadOnly() {
    QVERIFY(QDir().mkpath(m_results));
    const QString earlier = earlierResult();
    QVERIFY(!earlier.isEmpty());
    const QByteArray before = sha256(earlier);
    const CliRun run =
        tbtest::runCli(m_cli, smallSyntheticRun(),
                       faultyEnvironment(QStringLiteral("TB_FAULT_EROFS_DIR"), m_results));
    QCOMPARE(run.exitCode, 3);
    QVERIFY2(run.err.contains(m_results) && run.err.contains(QLatin1String("Read-only")),
             run.why());
    QVERIFY2(!run.out.contains(QLatin1String("Epoch")), run.why());
    QCOMPARE(sha256(earlier), before);
    QCOMPARE(resultFiles(m_results).size(), 1);
  }

  // A refused --out folder is left as it was: the folders the save would have needed are not
  // made (an empty folder left behind on a full disk reads as a run that saved nothing there).
  void refusedFolderIsNotMade() {
    QVERIFY(QDir().mkpath(m_results));
    const QString wanted = m_results + QStringLiteral("/new/deeper/");
    const CliRun refused =
        tbtest::runCli(m_cli, smallSyntheticRun() << QStringLiteral("--out") << wanted,
                       faultyEnvironment(QStringLiteral("TB_FAULT_NOSPACE_DIR"), m_results));
    QCOMPARE(refused.exitCode, 3);
    QVERIFY2(refused.err.contains(QLatin1String("free")), refused.why());
    QVERIFY2(!QFileInfo::exists(m_results + QStringLiteral("/new")), refused.why());
  }

  // Repeats stop at the first result the folder refuses: each further one would train in full
  // and be lost the same way.
  void repeatsStopWhenASaveFails() {
    QVERIFY(QDir().mkpath(m_results));
    const CliRun run =
        tbtest::runCli(m_cli, smallSyntheticRun() << QStringLiteral("--repeat") << QStringLiteral("3"),
                       faultyEnvironment(QStringLiteral("TB_FAULT_ENOSPC_DIR"), m_results));
    QCOMPARE(run.exitCode, 3);
    QVERIFY2(run.out.contains(QLatin1String("Repeat 1 on cpu")) &&
                 !run.out.contains(QLatin1String("Repeat 2")),
             run.why());
    QVERIFY2(run.err.contains(QLatin1String("no further run started")), run.why());
  }

  // A folder that is already full is refused up front; one that fills up during the run fails
  // the save with a message naming the folder, and nothing earlier is damaged or left behind.
  void resultsFolderFull() {
    QVERIFY(QDir().mkpath(m_results));
    const QString earlier = earlierResult();
    QVERIFY(!earlier.isEmpty());
    const QByteArray before = sha256(earlier);

    const CliRun refused =
        tbtest::runCli(m_cli, smallSyntheticRun(),
                       faultyEnvironment(QStringLiteral("TB_FAULT_NOSPACE_DIR"), m_results));
    QCOMPARE(refused.exitCode, 3);
    QVERIFY2(refused.err.contains(m_results) && refused.err.contains(QLatin1String("free")),
             refused.why());
    QVERIFY2(!refused.out.contains(QLatin1String("Epoch")), refused.why());

    const CliRun full =
        tbtest::runCli(m_cli, smallSyntheticRun(),
                       faultyEnvironment(QStringLiteral("TB_FAULT_ENOSPC_DIR"), m_results));
    QCOMPARE(full.exitCode, 3);
    QVERIFY2(full.err.contains(m_results) && full.err.contains(QLatin1String("No space left")),
             full.why());
    QVERIFY2(full.savedPaths().isEmpty(), full.why());
    QCOMPARE(sha256(earlier), before);
    QCOMPARE(resultFiles(m_results), QStringList{QFileInfo(earlier).fileName()});
    QVERIFY2(tempFiles(m_results).isEmpty(), qPrintable(filesIn(m_results).join(' ')));

    // A file size limit (ulimit -f) too small for a result is refused before training.
    QProcess limited;
    limited.setProcessEnvironment(environment());
    limited.start(QStringLiteral("bash"),
                  QStringList{QStringLiteral("-c"),
                              QStringLiteral("ulimit -f 1; exec \"$0\" \"$@\""), m_cli} +
                      smallSyntheticRun());
    QVERIFY(limited.waitForFinished(120000));
    const QString limitedErr = QString::fromUtf8(limited.readAllStandardError());
    QCOMPARE(limited.exitStatus(), QProcess::NormalExit);
    QCOMPARE(limited.exitCode(), 3);
    QVERIFY2(limitedErr.contains(m_results) && limitedErr.contains(QLatin1String("ulimit -f")),
             qPrintable(limitedErr));
    QVERIFY(!limited.readAllStandardOutput().contains("Epoch"));

    // One lowered while the run trains (prlimit) once killed the CLI with SIGXFSZ mid-save,
    // leaving its temporary file behind: now the save fails with a message and cleans up.
    QProcess lowered;
    lowered.setProcessEnvironment(environment());
    lowered.start(m_cli, smallSyntheticRun(QStringLiteral("400")));
    QVERIFY(lowered.waitForStarted());
    QByteArray shown;
    while (!shown.contains("Epoch 1/") && lowered.waitForReadyRead(120000)) {
      shown += lowered.readAllStandardOutput();
    }
    QVERIFY2(shown.contains("Epoch 1/"), shown.constData());
    const struct rlimit oneKiB = {1024, RLIM_INFINITY};
    QVERIFY(::prlimit(static_cast<pid_t>(lowered.processId()), RLIMIT_FSIZE, &oneKiB, nullptr) == 0);
    QVERIFY(lowered.waitForFinished(120000));
    const QString loweredErr = QString::fromUtf8(lowered.readAllStandardError());
    QCOMPARE(lowered.exitStatus(), QProcess::NormalExit);
    QCOMPARE(lowered.exitCode(), 3);
    QVERIFY2(loweredErr.contains(QLatin1String("File too large")), qPrintable(loweredErr));
    QCOMPARE(sha256(earlier), before);
    QCOMPARE(resultFiles(m_results), QStringList{QFileInfo(earlier).fileName()});
    QVERIFY2(tempFiles(m_results).isEmpty(), qPrintable(filesIn(m_results).join(' ')));
  }

  // --out never replaces anything: not a device node or FIFO (refused up front), not an
  // earlier result (the new one takes "_2"), and "--out results" is a folder, not a file.
  void outNeverReplaces() {
    const QString fifo = path(QStringLiteral("out.fifo"));
    QVERIFY(::mkfifo(QFile::encodeName(fifo).constData(), 0600) == 0);
    const CliRun toFifo = runCli(smallSyntheticRun() << "--out" << fifo);
    QCOMPARE(toFifo.exitCode, 3);
    QVERIFY2(toFifo.err.contains(fifo) && toFifo.err.contains(QLatin1String("not a regular file")),
             toFifo.why());
    QVERIFY2(!toFifo.out.contains(QLatin1String("Epoch")), toFifo.why());

    const QString file = path(QStringLiteral("kept/run.json"));
    const CliRun first = runCli(smallSyntheticRun() << "--out" << file);
    QCOMPARE(first.savedPath(), file);
    const QByteArray before = sha256(file);
    const CliRun second = runCli(smallSyntheticRun() << "--out" << file);
    QCOMPARE(second.exitCode, 0);
    QCOMPARE(second.savedPath(), path(QStringLiteral("kept/run_2.json")));
    QCOMPARE(sha256(file), before);

    const QString bare = path(QStringLiteral("bare-results"));
    QCOMPARE(runCli(smallSyntheticRun() << "--out" << bare).exitCode, 0);
    QCOMPARE(runCli(smallSyntheticRun() << "--out" << bare).exitCode, 0);
    QVERIFY(QFileInfo(bare).isDir());
    QCOMPARE(resultFiles(bare).size(), 2);
  }

  // A long --out name: one that leaves no room for "_2" or a device is refused before training,
  // naming the file; one just short of that saves, though its temporary file's name is longer.
  void longOutNames() {
    const QString tooLong = path(QString(240, QLatin1Char('c')) + QStringLiteral(".json"));
    const CliRun refused = runCli(smallSyntheticRun() << "--out" << tooLong);
    QCOMPARE(refused.exitCode, 3);
    QVERIFY2(refused.err.contains(QLatin1String("error: --out: ")) &&
                 refused.err.contains(QLatin1String("the file name is 245 bytes long")),
             refused.why());
    QVERIFY2(!refused.out.contains(QLatin1String("Epoch")), refused.why());

    const QString longest = path(QString(234, QLatin1Char('c')) + QStringLiteral(".json"));
    const CliRun saved = runCli(smallSyntheticRun() << "--out" << longest);
    QVERIFY2(saved.exitCode == 0, saved.why());
    QCOMPARE(saved.savedPath(), longest);
    QVERIFY(tempFiles(path(QString())).isEmpty());
  }

  // Two CLI processes saving under the same name at the same moment (fsync slowed to widen the
  // window in which both could pick the same name): two distinct files, two distinct paths.
  void concurrentSaversKeepEveryResult() {
    const QString target = path(QStringLiteral("shared/same.json"));
    const QProcessEnvironment slow =
        faultyEnvironment(QStringLiteral("TB_FAULT_FSYNC_DELAY_MS"), QStringLiteral("500"));
    CliProcess a(m_cli, smallSyntheticRun() << "--out" << target, slow);
    CliProcess b(m_cli, smallSyntheticRun() << "--out" << target, slow);
    QCOMPARE(a.finish(), 0);
    QCOMPARE(b.finish(), 0);
    const QRegularExpression saved(QStringLiteral("Result saved to (.+)\\n"));
    const QString pathA = saved.match(a.out()).captured(1);
    const QString pathB = saved.match(b.out()).captured(1);
    QVERIFY2(!pathA.isEmpty() && !pathB.isEmpty() && pathA != pathB,
             qPrintable(a.report() + b.report()));
    QString error;
    tbtest::readResult(pathA, error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    tbtest::readResult(pathB, error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(resultFiles(QFileInfo(target).path()).size(), 2);
  }

  // kill -9 at random moments of a run and of its save, in a loop: every earlier result stays
  // byte-identical, every listed *.json is a valid result, and the next save cleans up the
  // temporary files the killed savers left.
  void killNineLosesNothing() {
    QVERIFY(QDir().mkpath(m_results));
    QMap<QString, QByteArray> earlier;
    for (int i = 0; i < 2; ++i) {
      const QString saved = earlierResult();
      QVERIFY(!saved.isEmpty());
      earlier.insert(saved, sha256(saved));
    }
    QRandomGenerator random(20261202);
    // The save is slowed so that "during the save" is a state the test can wait for.
    const QProcessEnvironment slowSave =
        faultyEnvironment(QStringLiteral("TB_FAULT_FSYNC_DELAY_MS"), QStringLiteral("2000"));
    constexpr int kRounds = 8;
    int killedDuringSave = 0;
    for (int round = 0; round < kRounds; ++round) {
      const bool duringSave = round % 2 == 1;
      CliProcess cli(m_cli, smallSyntheticRun(QStringLiteral("5")), slowSave);
      if (duringSave) {
        // The temporary file appears once training is over and the save has begun.
        QTRY_VERIFY_WITH_TIMEOUT(!tempFiles(m_results).isEmpty() || !cli.running(), 60000);
        if (cli.running()) ++killedDuringSave;
      } else {
        // A random moment of the run: before the first epoch ends, or after epoch 1..4.
        const int epoch = static_cast<int>(random.bounded(5));
        QVERIFY2(cli.waitForOutput(epoch == 0 ? QStringLiteral("training")
                                              : QStringLiteral("Epoch %1/").arg(epoch)),
                 "the run ended before the moment chosen to kill it");
      }
      cli.signal(SIGKILL);
      cli.finish();
    }
    QVERIFY2(killedDuringSave > 0, "no kill landed during a save");
    for (auto it = earlier.cbegin(); it != earlier.cend(); ++it)
      QCOMPARE(sha256(it.key()), it.value());
    for (const QString& name : resultFiles(m_results)) {
      QString error;
      tbtest::readResult(QDir(m_results).filePath(name), error);
      QVERIFY2(error.isEmpty(), qPrintable(error));
    }
    QVERIFY(!earlierResult().isEmpty());  // the next save removes the killed savers' leftovers
    QVERIFY2(tempFiles(m_results).isEmpty(), qPrintable(filesIn(m_results).join(' ')));
  }

  // SIGTERM and SIGHUP (a dropped SSH session) cancel like Ctrl-C: the run is saved as
  // cancelled and the exit code is 130.
  void terminationSignalsSaveTheRun_data() {
    QTest::addColumn<int>("signalNumber");
    QTest::newRow("SIGTERM") << int(SIGTERM);
    QTest::newRow("SIGHUP") << int(SIGHUP);
    QTest::newRow("SIGINT") << int(SIGINT);
  }
  void terminationSignalsSaveTheRun() {
    QFETCH(int, signalNumber);
    CliProcess cli(m_cli, longRun(), environment());
    QVERIFY2(cli.waitForOutput(QStringLiteral("Epoch 1/")), qPrintable(cli.report()));
    cli.signal(signalNumber);
    QCOMPARE(cli.finish(), 130);
    QCOMPARE(statusOfTheOnlyResult(), QStringLiteral("cancelled"));
  }

  // `probe` ends on SIGTERM as a run does: exit code 130 and a message (it used to die of the
  // signal, exit 143, silently). It stops within the call being measured, not after minutes of
  // --seconds 60 per figure, and prints no figures for the device it cut short.
  void probeEndsWithCancelledOnSigterm() {
    CliProcess cli(m_cli, {"probe", "--device", "cpu", "--seconds", "60"}, environment());
    QVERIFY2(cli.waitForOutput(QStringLiteral("DEVICE")), qPrintable(cli.report()));
    cli.signal(SIGTERM);
    const int code = cli.finish();
    QVERIFY2(code == 130, qPrintable(QString::number(code) + "\n" + cli.report()));
    QVERIFY2(cli.err().contains(QLatin1String("probe cancelled")), qPrintable(cli.report()));
    QVERIFY2(!cli.out().contains(QLatin1String("\ncpu")), qPrintable(cli.report()));
  }

  // A second Ctrl-C while the result is being saved ends the program only after the save.
  void secondInterruptWaitsForTheSave() {
    const QProcessEnvironment slowSave =
        faultyEnvironment(QStringLiteral("TB_FAULT_FSYNC_DELAY_MS"), QStringLiteral("1500"));
    CliProcess cli(m_cli, smallSyntheticRun(), slowSave);
    QTRY_VERIFY_WITH_TIMEOUT(!tempFiles(m_results).isEmpty() || !cli.running(), 60000);
    QVERIFY2(cli.running(), qPrintable(cli.report()));
    cli.signal(SIGINT);
    cli.signal(SIGINT);
    // Ended by the interrupts as a command (130), not killed by them mid-save.
    const int code = cli.finish();
    QVERIFY2(code == 130, qPrintable(QString::number(code) + "\n" + cli.report()));
    const QStringList saved = resultFiles(m_results);
    QCOMPARE(saved.size(), 1);
    QString error;
    tbtest::readResult(QDir(m_results).filePath(saved.first()), error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(tempFiles(m_results).isEmpty());
  }

  // Ctrl-C between two repeats (here: while the first is being saved) ends the command like one
  // during a run: the first run stays saved as it completed, no second starts, exit code 130.
  void interruptBetweenRepeatsExitsCancelled() {
    const QProcessEnvironment slowSave =
        faultyEnvironment(QStringLiteral("TB_FAULT_FSYNC_DELAY_MS"), QStringLiteral("1500"));
    CliProcess cli(m_cli, smallSyntheticRun() << "--repeat" << "3", slowSave);
    QTRY_VERIFY_WITH_TIMEOUT(!tempFiles(m_results).isEmpty() || !cli.running(), 60000);
    QVERIFY2(cli.running(), qPrintable(cli.report()));
    cli.signal(SIGINT);
    QCOMPARE(cli.finish(), 130);
    QVERIFY2(cli.err().contains(QLatin1String("cancelled; no further run started")),
             qPrintable(cli.report()));
    QVERIFY2(!cli.out().contains(QLatin1String("Repeat 2 on cpu")), qPrintable(cli.report()));
    QCOMPARE(statusOfTheOnlyResult(), QStringLiteral("completed"));
  }

  // `trainbench-cli run ... | head -n 1`: the closed pipe drops the progress, never the run.
  void closedPipeDoesNotEndTheRun() {
    QProcess shell;
    shell.setProcessEnvironment(environment());
    shell.start(QStringLiteral("bash"),
                {QStringLiteral("-c"),
                 QStringLiteral("\"$0\" \"$@\" | head -n 1 >/dev/null; exit ${PIPESTATUS[0]}"),
                 m_cli, QStringLiteral("run"), QStringLiteral("--synthetic"),
                 QStringLiteral("--train-limit"), QStringLiteral("256"),
                 QStringLiteral("--test-limit"), QStringLiteral("64"), QStringLiteral("--epochs"),
                 QStringLiteral("20"), QStringLiteral("--threads"), QStringLiteral("1")});
    QVERIFY(shell.waitForFinished(120000));
    QCOMPARE(shell.exitCode(), 0);
    const QStringList saved = resultFiles(m_results);
    QCOMPARE(saved.size(), 1);
    QString error;
    const tb::RunResult result = tbtest::readResult(QDir(m_results).filePath(saved.first()), error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(statusOf(result), QStringLiteral("completed"));
    QCOMPARE(int(result.epochs.size()), 20);
  }
};

QTEST_GUILESS_MAIN(TestCliFaults)
#include "tst_cli_faults.moc"
