// Faults in data-parallel runs, as they happen to users: a rank killed or frozen mid-run, Ctrl-C
// on the command, ranks started with different settings. Nothing may hang, every rank left must
// stop naming the rank that failed, rank 0 saves a failed (or cancelled) result, and no rank
// process outlives the command.
#include "cli_fixture.h"
#include "../support/free_port.h"

#include "results/result_file.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

#include <netdb.h>
#include <signal.h>

using namespace clitest;

namespace {

// A run far longer than any test waits for: it is ended by the fault under test.
QStringList longRun() {
  return smallSyntheticRun(QStringLiteral("100000")) << "--data-parallel"
                                                     << "2";
}

// The child processes of `parent` (Linux: /proc/PID/task/PID/children).
QList<qint64> childrenOf(qint64 parent) {
  QFile file(QStringLiteral("/proc/%1/task/%1/children").arg(parent));
  QList<qint64> pids;
  if (!file.open(QIODevice::ReadOnly)) return pids;
  for (const QByteArray& pid : file.readAll().split(' ')) {
    if (!pid.trimmed().isEmpty()) pids << pid.trimmed().toLongLong();
  }
  return pids;
}

// The child of `parent` whose environment says RANK=`rank`; 0 when there is none.
qint64 rankProcess(qint64 parent, int rank) {
  for (const qint64 pid : childrenOf(parent)) {
    QFile environ(QStringLiteral("/proc/%1/environ").arg(pid));
    if (!environ.open(QIODevice::ReadOnly)) continue;
    if (environ.readAll().split('\0').contains("RANK=" + QByteArray::number(rank))) return pid;
  }
  return 0;
}

// Whether `pid` is running or asleep: not gone, and not a zombie its parent has yet to reap (a
// signal to one "succeeds" and does nothing).
bool processLives(qint64 pid) {
  QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
  if (!stat.open(QIODevice::ReadOnly)) return false;
  const QByteArray text = stat.readAll();
  const qsizetype close = text.lastIndexOf(')');  // the name may hold spaces
  return close > 0 && close + 2 < text.size() && text.at(close + 2) != 'Z' &&
         text.at(close + 2) != 'X';
}

bool processExists(qint64 pid) { return pid > 0 && (kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH); }

}  // namespace

class TestCliRankFaults : public CliTestBase {
  Q_OBJECT

 private:
  QProcess m_process;
  QString m_out;
  QString m_err;
  QString m_exit;  // how finish() saw the command end
  QList<qint64> m_ranks;

  // Starts `args` and returns once rank 0 has finished its first epoch (false on timeout); the
  // rank processes are in m_ranks, rank 0 first.
  bool startTraining(const QStringList& args,
                     const QString& firstEpoch = QStringLiteral("Epoch 1/")) {
    m_process.setProcessEnvironment(environment());
    m_process.start(m_cli, args);
    if (!m_process.waitForStarted()) return false;
    QElapsedTimer waited;
    waited.start();
    while (waited.elapsed() < 120000) {
      m_process.waitForReadyRead(100);
      m_out += QString::fromUtf8(m_process.readAllStandardOutput());
      if (m_out.contains(firstEpoch)) {
        m_ranks = {rankProcess(m_process.processId(), 0), rankProcess(m_process.processId(), 1)};
        return m_ranks[0] != 0 && m_ranks[1] != 0;
      }
      if (m_process.state() == QProcess::NotRunning) return false;
    }
    return false;
  }

  // Waits for the command to end (a failed QVERIFY in the caller when it does not); its exit code.
  int finish() {
    const bool ended = m_process.waitForFinished(180000);
    if (!ended) m_process.kill();
    m_out += QString::fromUtf8(m_process.readAllStandardOutput());
    m_err += QString::fromUtf8(m_process.readAllStandardError());
    m_exit = !ended ? QStringLiteral("still running after 180 s")
             : m_process.exitStatus() == QProcess::NormalExit
                 ? QStringLiteral("exit code %1").arg(m_process.exitCode())
                 : QStringLiteral("crashed");
    return ended && m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
  }

  // Starts a one-epoch run with a large test set and returns rank 1's process once rank 0 says
  // it is evaluating (only rank 0 evaluates); 0 when rank 1 had ended by then. Rank 1 leaves
  // soon after its last step: the callers skip when they miss it rather than fail.
  qint64 startUntilRankZeroEvaluates() {
    m_process.setProcessEnvironment(environment());
    m_process.start(m_cli, {"run", "--synthetic", "--train-limit", "2048", "--test-limit",
                            "200000", "--epochs", "1", "--threads", "1", "--data-parallel", "2",
                            "--dist-timeout", "5"});
    if (!m_process.waitForStarted()) return 0;
    QElapsedTimer waited;
    waited.start();
    while (waited.elapsed() < 120000 && m_process.state() != QProcess::NotRunning) {
      m_process.waitForReadyRead(10);
      m_out += QString::fromUtf8(m_process.readAllStandardOutput());
      if (m_out.contains(QLatin1String("Evaluating"))) {
        m_ranks = {rankProcess(m_process.processId(), 0), rankProcess(m_process.processId(), 1)};
        return m_ranks[1];
      }
    }
    return 0;
  }

  // How the command ended and its stderr first: a failure's tail shows only so much.
  QByteArray why() const {
    return ("--- " + m_exit + "\n--- stderr:\n" + m_err + "--- stdout:\n" + m_out).toUtf8();
  }

  // The one result rank 0 saved. Not the hidden temporary file a save links into place and then
  // removes: a rank killed between the two leaves it, for the next save to clear away.
  tb::RunResult savedResult() {
    const QStringList files = QDir(m_results).entryList(QDir::Files, QDir::Name);
    if (files.size() != 1) return {};
    QString error;
    return readResult(m_results + '/' + files.first(), error);
  }

  bool built() {
    const CliRun probe = runCli(smallSyntheticRun() << "--data-parallel"
                                                    << "2"
                                                    << "--time-budget"
                                                    << "10");
    return !probe.err.contains(QLatin1String("built without data-parallel"));
  }

 private Q_SLOTS:
  void initTestCase() {
    setUpFixture();
    if (!built()) QSKIP("trainbench-cli was built without data-parallel runs");
  }
  void init() { startTest(); }
  void cleanup() {
    if (m_process.state() != QProcess::NotRunning) m_process.kill();
    m_process.waitForFinished();
    for (const qint64 pid : m_ranks) {
      if (processExists(pid)) kill(static_cast<pid_t>(pid), SIGKILL);
    }
    m_out.clear();
    m_err.clear();
    m_exit.clear();
    m_ranks.clear();
  }

  void killedRankStopsTheRun() {
    QVERIFY2(startTraining(longRun() << "--dist-timeout"
                                     << "60"),
             why().constData());
    QCOMPARE(kill(static_cast<pid_t>(m_ranks[1]), SIGKILL), 0);
    QCOMPARE(finish(), 5);
    QVERIFY2(m_err.contains(QLatin1String("rank 1 (pid")) && m_err.contains(QLatin1String("signal 9")),
             why().constData());
    // Rank 0 says which rank stopped, and saves the run as failed with that reason.
    QVERIFY2(m_err.contains(QLatin1String("rank 1 on ")) &&
                 m_err.contains(QLatin1String("stopped answering")),
             why().constData());
    const tb::RunResult result = savedResult();
    QCOMPARE(result.status, tb::RunStatus::Failed);
    QVERIFY2(QString::fromStdString(result.error).contains(QLatin1String("rank 1 on ")),
             result.error.c_str());
    QVERIFY(!processExists(m_ranks[0]));
  }

  // A frozen rank never closes its connections: the others give up after --dist-timeout, and
  // the command ends the frozen one.
  void frozenRankTimesOut() {
    QVERIFY2(startTraining(longRun() << "--dist-timeout"
                                     << "3"),
             why().constData());
    QCOMPARE(kill(static_cast<pid_t>(m_ranks[1]), SIGSTOP), 0);
    QCOMPARE(finish(), 5);
    QVERIFY2(m_err.contains(QLatin1String("rank 1 on ")) &&
                 m_err.contains(QLatin1String("stopped answering")),
             why().constData());
    QVERIFY2(m_err.contains(QLatin1String("rank 1 (pid")) && m_err.contains(QLatin1String("ending it")),
             why().constData());
    QCOMPARE(savedResult().status, tb::RunStatus::Failed);
    QVERIFY(!processExists(m_ranks[0]));
    QVERIFY(!processExists(m_ranks[1]));
  }

  // A rank that stops answering once rank 0 has saved the run (stopped here while rank 0
  // evaluates) held the command open for ever, a second Ctrl-C too: it is ended 10 s after, and
  // the run stands as completed (exit 0).
  void rankFrozenAfterTheRunIsEnded() {
    const qint64 rank1 = startUntilRankZeroEvaluates();
    if (rank1 == 0 || kill(static_cast<pid_t>(rank1), SIGSTOP) != 0) {
      QSKIP("rank 1 had ended before rank 0 evaluated");
    }
    // Stopped now, or it had exited just before (a zombie takes the signal and ignores it).
    if (!processLives(rank1)) QSKIP("rank 1 had ended before rank 0 evaluated");
    QVERIFY2(finish() == 0, why().constData());
    QVERIFY2(m_err.contains(QLatin1String("did not stop after the run finished; ending it")),
             why().constData());
    QCOMPARE(savedResult().status, tb::RunStatus::Completed);
    QVERIFY(!processExists(rank1));
  }

  // A rank killed while rank 0 evaluates: rank 0 saves the completed run, and the command
  // says so with exit 0 (it was 5, "run failed", beside a completed result).
  void rankKilledAfterTrainingLeavesTheRunCompleted() {
    const qint64 rank1 = startUntilRankZeroEvaluates();
    if (rank1 == 0 || !processLives(rank1) || kill(static_cast<pid_t>(rank1), SIGKILL) != 0) {
      QSKIP("rank 1 had ended before rank 0 evaluated");
    }
    QVERIFY2(finish() == 0, why().constData());
    QCOMPARE(savedResult().status, tb::RunStatus::Completed);
  }

  // Stopped while the ranks start, before they can catch it: they died of it without a word,
  // and the command exited 130 in silence. Now it waits for them and each says so.
  void interruptAsTheRanksStartIsSaid() {
    m_process.setProcessEnvironment(environment());
    m_process.start(m_cli, longRun());
    QVERIFY(m_process.waitForStarted());
    QElapsedTimer waited;
    waited.start();
    while (!m_out.contains(QLatin1String("Starting 2 ranks")) && waited.elapsed() < 60000 &&
           m_process.state() != QProcess::NotRunning) {
      m_process.waitForReadyRead(20);
      m_out += QString::fromUtf8(m_process.readAllStandardOutput());
    }
    QCOMPARE(kill(static_cast<pid_t>(m_process.processId()), SIGTERM), 0);
    QVERIFY2(finish() == 130, why().constData());
    QVERIFY2(m_err.contains(QLatin1String("trainbench-cli: cancelled")), why().constData());
    QVERIFY(childrenOf(m_process.processId()).isEmpty());
  }

  // Ctrl-C (or the app's Stop, SIGTERM) on the command reaches every rank once: the run ends as
  // cancelled, rank 0 saves it, and no rank is left.
  void interruptStopsEveryRank_data() {
    QTest::addColumn<int>("signal");
    QTest::newRow("SIGINT") << SIGINT;
    QTest::newRow("SIGTERM") << SIGTERM;
  }
  void interruptStopsEveryRank() {
    QFETCH(int, signal);
    QVERIFY2(startTraining(longRun()), why().constData());
    QCOMPARE(kill(static_cast<pid_t>(m_process.processId()), signal), 0);
    QCOMPARE(finish(), 130);
    QCOMPARE(savedResult().status, tb::RunStatus::Cancelled);
    QVERIFY(!processExists(m_ranks[0]));
    QVERIFY(!processExists(m_ranks[1]));
  }

 private:
  // Two ranks launched by hand, each with its own run flags, on one local rendezvous: both
  // refuse together (exit 2), saying `message`, and nothing is saved.
  void handLaunchedRanksRefuse(const QStringList& rank0, const QStringList& rank1,
                               const QString& port, const QString& message) {
    QList<QProcess*> ranks;
    for (const QStringList& flags : {rank0, rank1}) {
      auto* process = new QProcess(this);
      process->setProcessEnvironment(environment());
      process->start(m_cli, QStringList(flags)
                                << "--rank" << QString::number(ranks.size()) << "--master-addr"
                                << "127.0.0.1"
                                << "--master-port" << port << "--dist-timeout"
                                << "60");
      ranks << process;
    }
    for (QProcess* process : ranks) {
      QVERIFY(process->waitForFinished(120000));
      const QString err = QString::fromUtf8(process->readAllStandardError());
      QCOMPARE(process->exitCode(), 2);
      QVERIFY2(err.contains(message), qPrintable(err));
    }
    QVERIFY(filesIn(m_results).isEmpty());
  }

 private Q_SLOTS:
  // Two ranks launched by hand with different epochs refuse together, naming the setting.
  void disagreeingRanksRefuse() {
    handLaunchedRanksRefuse(smallSyntheticRun(QStringLiteral("1")) << "--world-size" << "2",
                            smallSyntheticRun(QStringLiteral("2")) << "--world-size" << "2",
                            tbtest::freeLocalPort(),
                            QStringLiteral("ranks disagree on --epochs: rank 0 has 1, rank 1 has 2"));
  }

  // Ranks told different devices refuse together, whichever devices this machine has: the
  // device was not compared (every rank sent the default, cpu), so a CPU rank and a GPU rank
  // trained together, or one failed late, blamed on the other.
  void ranksOfDifferentDevicesRefuse() {
    handLaunchedRanksRefuse(smallSyntheticRun() << "--world-size" << "2" << "--device" << "cpu",
                            smallSyntheticRun() << "--world-size" << "2" << "--device" << "cuda",
                            tbtest::freeLocalPort(),
                            QStringLiteral("ranks disagree on --device: rank 0 has cpu, rank 1 has cuda"));
  }

  // Two ranks told different world sizes refuse together, naming the flag: it was a Gloo
  // "enforce fail" about address sizes, exit 5.
  void ranksOfDifferentWorldSizesRefuse() {
    handLaunchedRanksRefuse(smallSyntheticRun() << "--world-size" << "2",
                            smallSyntheticRun() << "--world-size" << "3", tbtest::freeLocalPort(),
                            QStringLiteral("ranks disagree on the world size (--world-size"));
  }

  // A rank that cannot train (here its --out; on a machine with one GPU, its cuda:1) is named
  // by every rank at once. It failed alone, and the others waited --dist-timeout for it or,
  // when it was rank 0, said only that the rendezvous had stopped answering.
  void rankThatCannotTrainIsNamedByEveryRank_data() {
    QTest::addColumn<int>("badRank");
    QTest::newRow("rank 0") << 0;
    QTest::newRow("rank 1") << 1;
  }
  void rankThatCannotTrainIsNamedByEveryRank() {
    QFETCH(int, badRank);
    const QString port = tbtest::freeLocalPort();
    QList<QProcess*> ranks;
    for (int rank = 0; rank < 2; ++rank) {
      auto* process = new QProcess(this);
      process->setProcessEnvironment(environment());
      process->start(m_cli, smallSyntheticRun()
                                << "--world-size" << "2" << "--rank" << QString::number(rank)
                                << "--master-addr" << "127.0.0.1" << "--master-port"
                                << port << "--dist-timeout" << "300"
                                << "--out" << (rank == badRank ? "/dev/null" : m_results + '/'));
      ranks << process;
    }
    const QString named = QStringLiteral("rank %1 cannot train: --out: /dev/null").arg(badRank);
    for (QProcess* process : ranks) {
      QVERIFY(process->waitForFinished(120000));
      const QString err = QString::fromUtf8(process->readAllStandardError());
      QVERIFY2(err.contains(named), qPrintable(err));
      QCOMPARE(process->exitCode(), 3);
    }
    QVERIFY(filesIn(m_results).isEmpty());
  }

  // Rank 0 serves the rendezvous: when it dies, rank 1 says so by name, and the command reports
  // rank 0's end.
  void killedRankZeroIsNamed() {
    QVERIFY2(startTraining(longRun() << "--dist-timeout"
                                     << "60"),
             why().constData());
    QCOMPARE(kill(static_cast<pid_t>(m_ranks[0]), SIGKILL), 0);
    QCOMPARE(finish(), 5);
    QVERIFY2(m_err.contains(QLatin1String("rank 0 (pid")) && m_err.contains(QLatin1String("signal 9")),
             why().constData());
    QVERIFY2(m_err.contains(QLatin1String("which serves the rendezvous, stopped answering")),
             why().constData());
    // SIGKILL is most often the system's out-of-memory killer. Rank 0 saves the run: the
    // command saves what it had kept instead, as failed, with the epochs it finished.
    QVERIFY2(m_err.contains(QLatin1String("as the system does when memory runs out")),
             why().constData());
    QVERIFY2(m_out.contains(QLatin1String("Result saved to ")), why().constData());
    const tb::RunResult saved = savedResult();
    QCOMPARE(saved.status, tb::RunStatus::Failed);
    QVERIFY2(!saved.epochs.empty(), why().constData());
    QVERIFY2(saved.distributed && saved.distributed->worldSize == 2, why().constData());
    QVERIFY2(QString::fromStdString(saved.error)
                 .contains(QLatin1String("killed by signal 9 (Killed) before it saved the run")),
             saved.error.c_str());
    // Its journal goes with the command.
    QVERIFY(QDir(QDir::tempPath())
                .entryList({QStringLiteral("trainbench-rank0-*")}, QDir::Files)
                .isEmpty());
    // Named once: its error already starts with the rank ("rank 1: rank 1 on node7: ...").
    QVERIFY2(!m_err.contains(QLatin1String("rank 1: rank 1")), why().constData());
    QVERIFY(!processExists(m_ranks[1]));
  }

  // Rank 0 killed once it has saved the run (on its way out, as a stuck exit is ended): the
  // command saves nothing more. It saved a second, stale "failed" copy of the run.
  void rankZeroKilledAfterItsSaveSavesNothingMore() {
    QVERIFY2(startTraining({"run", "--synthetic", "--train-limit", "20000", "--test-limit", "64",
                            "--epochs", "3", "--threads", "1", "--data-parallel", "2"}),
             why().constData());
    // The result file itself, not the hidden temporary file a save writes first.
    const auto results = [this] {
      return QDir(m_results).entryList({QStringLiteral("*.json")}, QDir::Files);
    };
    QElapsedTimer waited;
    waited.start();
    while (results().isEmpty() && m_process.state() == QProcess::Running &&
           waited.elapsed() < 120000) {
      m_process.waitForFinished(5);
    }
    if (kill(static_cast<pid_t>(m_ranks[0]), SIGKILL) != 0) QSKIP("rank 0 had ended");
    finish();
    QCOMPARE(results().size(), qsizetype{1});
    // Said with the run's error and the command's output. It once read "failed" with no error:
    // the kill had left the save's temporary file beside the result, and savedResult() counted
    // it (it now reads visible files only).
    const tb::RunResult saved = savedResult();
    QVERIFY2(saved.status == tb::RunStatus::Completed,
             (saved.error + "\n" + why().toStdString()).c_str());
  }

  // A script reading --progress-json gets the run the command saved for a killed rank 0 as the
  // "finished" event rank 0 would have printed, never a line of plain text.
  void killedRankZeroEndsTheEventStream() {
    QVERIFY2(startTraining(longRun() << "--dist-timeout" << "60" << "--progress-json",
                           QStringLiteral("\"event\":\"epoch\"")),
             why().constData());
    QCOMPARE(kill(static_cast<pid_t>(m_ranks[0]), SIGKILL), 0);
    QCOMPARE(finish(), 5);
    QStringList lines = m_out.split(u'\n', Qt::SkipEmptyParts);
    QVERIFY2(!lines.isEmpty(), why().constData());
    const QJsonObject last = QJsonDocument::fromJson(lines.last().toUtf8()).object();
    QCOMPARE(last.value(QLatin1String("event")).toString(), QStringLiteral("finished"));
    QCOMPARE(last.value(QLatin1String("status")).toString(), QStringLiteral("failed"));
    const QString path = last.value(QLatin1String("path")).toString();
    QVERIFY2(QFileInfo::exists(path), why().constData());
    QVERIFY2(!m_out.contains(QLatin1String("Result saved to")), why().constData());
  }

  // Rank 0 cannot serve the rendezvous on a port in use: it says so at once, naming the port
  // and the flag (it said "cannot join ... within 60 s" with the socket's words).
  void portInUseIsNamed() {
    const tbtest::HeldPort taken;
    const QString port = taken.port();
    QVERIFY(!port.isEmpty());
    const CliRun run = runCli(smallSyntheticRun() << "--world-size" << "2" << "--rank" << "0"
                                                  << "--master-addr" << "127.0.0.1"
                                                  << "--master-port" << port << "--dist-timeout"
                                                  << "60");
    QVERIFY2(run.exitCode != 0, run.why());
    QVERIFY2(run.err.contains("cannot serve the rendezvous on port " + port) &&
                 run.err.contains(QLatin1String("--master-port")),
             run.why());
    QVERIFY(filesIn(m_results).isEmpty());
  }

  // A rendezvous host that does not resolve ("invalid" never does) is said as such, naming the
  // flag, after a grace of --dist-timeout (here 3 s) at most 30 s: it was retried, a warning a
  // second, until a timeout that named neither.
  void unresolvableRendezvousHostIsNamed() {
    addrinfo* found = nullptr;
    const int lookup = getaddrinfo("no-such-host.invalid", nullptr, nullptr, &found);
    if (found != nullptr) freeaddrinfo(found);
    if (lookup == EAI_AGAIN) QSKIP("this machine's resolver does not answer (EAI_AGAIN)");
    const CliRun run = runCli(smallSyntheticRun() << "--world-size" << "2" << "--rank" << "1"
                                                  << "--master-addr" << "no-such-host.invalid"
                                                  << "--master-port" << "29500" << "--dist-timeout"
                                                  << "3",
                              120000);
    QVERIFY2(run.exitCode > 0, run.why());
    QVERIFY2(run.err.contains(QLatin1String("'no-such-host.invalid' (--master-addr or MASTER_ADDR) "
                                            "cannot be resolved")),
             run.why());
    QVERIFY(filesIn(m_results).isEmpty());
  }

  void timeBudgetRefused() {
    const CliRun run = runCli(smallSyntheticRun() << "--data-parallel"
                                                  << "2"
                                                  << "--time-budget"
                                                  << "10");
    QVERIFY2(run.exitCode == 2, run.why());
    QVERIFY2(run.err.contains(QLatin1String("--time-budget")), run.why());
    QVERIFY(filesIn(m_results).isEmpty());
  }
};

QTEST_GUILESS_MAIN(TestCliRankFaults)
#include "tst_cli_rank_faults.moc"
