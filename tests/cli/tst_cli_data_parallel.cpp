// Data-parallel runs from the CLI, as a user starts them on one machine: --data-parallel 2 starts
// two ranks and ends with one result for the run; a rank whose partner never comes stops within
// --dist-timeout naming itself; launcher variables that cannot be right are refused.
#include "cli_fixture.h"
#include "../support/free_port.h"

#include "machine/cpu_budget.h"

#include <QStandardPaths>
#include "results/result_file.h"

using namespace clitest;

class TestCliDataParallel : public CliTestBase {
  Q_OBJECT

 private:
  // Skips where the CLI was built without c10d; true when the run may be checked.
  bool built(const CliRun& run) {
    return !run.err.contains(QLatin1String("built without data-parallel"));
  }

  // The small synthetic run on two local ranks, with `threads` as the run's --threads.
  CliRun twoRanksWithThreads(const QString& threads) {
    QStringList args = smallSyntheticRun();
    args[args.indexOf(QLatin1String("--threads")) + 1] = threads;
    return runCli(args << "--data-parallel" << "2", 180000);
  }

 private Q_SLOTS:
  void initTestCase() { setUpFixture(); }
  void init() { startTest(); }

  void twoLocalRanksSaveOneResult() {
    const CliRun run = runCli(smallSyntheticRun(QStringLiteral("2")) << "--data-parallel"
                                                                     << "2",
                              180000);
    if (!built(run)) QSKIP("trainbench-cli was built without data-parallel runs");
    QVERIFY2(run.exitCode == 0, run.why());
    QCOMPARE(run.savedPaths().size(), 1);  // rank 0 saves for the run
    QCOMPARE(filesIn(m_results).size(), 1);
    QString error;
    const tb::RunResult result = readResult(run.savedPath(), error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(result.distributed);
    QCOMPARE(result.distributed->worldSize, 2);
    QCOMPARE(result.distributed->globalBatch, 64);
    QCOMPARE(result.distributed->ranks.size(), std::size_t{2});
    QVERIFY(result.test);
    QVERIFY2(run.out.contains(QLatin1String("Data-parallel: 2 ranks over gloo")), run.why());
  }

  // --threads is the run's: two CPU ranks of --threads 2 train with one thread each. Each took
  // all of them, so two ranks on two cores ran four threads and measured the queueing.
  void threadsAreSplitBetweenTheRanks() {
    const CliRun run = twoRanksWithThreads(QStringLiteral("2"));
    if (!built(run)) QSKIP("trainbench-cli was built without data-parallel runs");
    QVERIFY2(run.exitCode == 0, run.why());
    QString error;
    const tb::RunResult result = readResult(run.savedPath(), error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(result.config.threads, 1);
    QVERIFY2(!run.err.contains(QLatin1String("does not divide")), run.why());
  }

  // -q leaves only the summary: the launcher's "Starting 2 ranks" line went out all the same.
  void quietLeavesOnlyTheSummary() {
    const CliRun run = runCli(smallSyntheticRun() << "--data-parallel" << "2" << "-q");
    if (!built(run)) QSKIP("trainbench-cli was built without data-parallel runs");
    QVERIFY2(run.exitCode == 0, run.why());
    QVERIFY2(!run.out.contains(QLatin1String("Starting")), run.why());
    QVERIFY2(run.out.contains(QLatin1String("Result saved to")), run.why());
  }

  // A thread count the ranks cannot share evenly is said before they start (a thread was
  // silently dropped, or with fewer threads than ranks, more run than asked).
  void unevenThreadsAreSaid() {
    const CliRun run = twoRanksWithThreads(QStringLiteral("3"));
    if (!built(run)) QSKIP("trainbench-cli was built without data-parallel runs");
    QVERIFY2(run.exitCode == 0, run.why());
    QVERIFY2(run.err.contains(QLatin1String("--threads 3 does not divide between 2 ranks: each "
                                            "takes 1 (2 in all)")),
             run.why());
    // The ranks use 2 threads in all: no "too many threads" for the 3 asked (this machine has
    // at least 2 CPUs where the data-parallel tests run, or the split's own warning is all).
    if (QThread::idealThreadCount() >= 2) {
      QVERIFY2(!run.err.contains(QLatin1String("--threads: 3 CPU threads")), run.why());
    }
  }

  // Rank 0 of two, alone: it waits for the rendezvous only as long as it was told.
  void loneRankTimesOut() {
    const QString port = tbtest::freeLocalPort();
    const CliRun run = runCli(smallSyntheticRun() << "--world-size"
                                                  << "2"
                                                  << "--rank"
                                                  << "0"
                                                  << "--master-addr"
                                                  << "127.0.0.1"
                                                  << "--master-port" << port
                                                  << "--dist-timeout"
                                                  << "2",
                              120000);
    if (!built(run)) QSKIP("trainbench-cli was built without data-parallel runs");
    QVERIFY2(run.exitCode == 5, run.why());
    QVERIFY2(run.err.contains(QLatin1String("rank 0 on ")) &&
                 run.err.contains(QStringLiteral("127.0.0.1:") + port),
             run.why());
    // One sentence, not LibTorch's C++ backtrace.
    QVERIFY2(!run.err.contains(QLatin1String("frame #")) &&
                 !run.err.contains(QLatin1String("Exception raised from")),
             run.why());
    QVERIFY(filesIn(m_results).isEmpty());
  }

  // What no rank can train is refused once, before any rank starts: exit 2, nothing saved, one
  // message (each rank used to print its own, and the uneven strong split exited 5 with a
  // failed result).
  void unrunnableDataParallelRefusedBeforeStarting_data() {
    QTest::addColumn<QStringList>("flags");
    QTest::addColumn<QString>("message");
    QTest::newRow("strong 32 over 3") << QStringList{"--data-parallel", "3", "--scaling", "strong"}
                                      << "splits the batch of 32 across 3 ranks";
    QTest::newRow("graph on cpu") << QStringList{"--data-parallel", "2", "--execution", "graph"}
                                  << "--execution graph";
    // Each rank's share of a strong split must be a batch the model can train on.
    QTest::newRow("strong share of 1")
        << QStringList{"--workload", "cifar10-resnet50", "--data-parallel", "2", "--scaling",
                       "strong", "--batch-size", "2"}
        << "into 1 per rank";
    // Launch flags would reach every local rank and override its place: two "rank 0"s.
    QTest::newRow("with --rank") << QStringList{"--data-parallel", "2", "--rank", "0"}
                                 << "use one or the other";
    QTest::newRow("with --world-size") << QStringList{"--data-parallel", "2", "--world-size", "1"}
                                       << "use one or the other";
    // 256 images cannot fill one step of 2 x 200: it saved a failed result naming no flag.
    QTest::newRow("train limit below a step")
        << QStringList{"--data-parallel", "2", "--batch-size", "200"}
        << "--train-limit 256 is smaller than one step of all 2 ranks";
    // What the trainer refuses of any run is refused once too.
    QTest::newRow("resnet batch of 1")
        << QStringList{"--workload", "cifar10-resnet50", "--data-parallel", "2", "--batch-size",
                       "1"}
        << "batch normalisation";
  }

  // Every rank holds the whole training set: four ranks whose sets together outgrow the memory
  // are refused before they start (the system killed them one by one, saving nothing), where
  // one rank of the same size fits.
  void ranksThatOutgrowTheMemoryAreRefused() {
    const std::optional<double> memory = tb::usableMemoryBytes();
    if (!memory) QSKIP("this machine's memory is unknown");
    // A third of the memory each (784 pixels, held as bytes and floats, and the label).
    const auto images = static_cast<qint64>(*memory / 3.0 / (784.0 * 5.0 + 8.0));
    QStringList args = smallSyntheticRun();
    args[args.indexOf(QLatin1String("--train-limit")) + 1] = QString::number(images);
    args << "--data-parallel" << "4";
#if defined(__SANITIZE_ADDRESS__)
    // AddressSanitizer maps terabytes of shadow memory: no address-space limit lets it start.
    // The plain build's run of this test keeps the limit.
    const CliRun run = runCli(args);
#else
    // Under a 4 GB address-space limit, which the ranks inherit: were the refusal ever gone,
    // their allocations would fail at once, never fill this machine's memory.
    const QString prlimit = QStandardPaths::findExecutable(QStringLiteral("prlimit"));
    if (prlimit.isEmpty()) QSKIP("prlimit (util-linux) is not installed");
    const CliRun run =
        tbtest::runCli(prlimit, QStringList{"--as=4000000000", "--", m_cli} + args, environment());
#endif
    if (!built(run)) QSKIP("trainbench-cli was built without data-parallel runs");
    QVERIFY2(run.exitCode == 3, run.why());
    QVERIFY2(run.err.contains(QLatin1String("--data-parallel/--train-limit: 4 ranks on this "
                                            "machine, each holding ")),
             run.why());
    QVERIFY2(!run.out.contains(QLatin1String("Starting")), run.why());
    QVERIFY(filesIn(m_results).isEmpty());
  }

  // An --out that cannot take the result is said once, before the ranks start (each printed it).
  void unusableOutRefusedBeforeStarting() {
    const QString file = m_dir.filePath(QStringLiteral("a-file"));
    QFile plain(file);
    QVERIFY(plain.open(QIODevice::WriteOnly));
    plain.close();
    const CliRun run =
        runCli(smallSyntheticRun() << "--data-parallel" << "2" << "--out" << file);
    if (!built(run)) QSKIP("trainbench-cli was built without data-parallel runs");
    QVERIFY2(run.exitCode == 3, run.why());
    QCOMPARE(run.err.count(file), 1);
    QVERIFY2(!run.out.contains(QLatin1String("Starting")), run.why());
  }
  void unrunnableDataParallelRefusedBeforeStarting() {
    QFETCH(QStringList, flags);
    QFETCH(QString, message);
    const CliRun run = runCli(smallSyntheticRun() << flags);
    if (!built(run)) QSKIP("trainbench-cli was built without data-parallel runs");
    QVERIFY2(run.exitCode == 2, run.why());
    QCOMPARE(run.err.count(message), 1);
    QVERIFY2(!run.out.contains(QLatin1String("Starting")), run.why());
    QVERIFY(filesIn(m_results).isEmpty());
  }

  // The data-parallel knobs mean nothing to a run of one process: they were silently ignored,
  // so a user who forgot --data-parallel believed they had measured strong scaling.
  void dataParallelKnobsWithoutRanksRefused_data() {
    QTest::addColumn<QStringList>("flags");
    QTest::addColumn<QString>("message");
    QTest::newRow("scaling") << QStringList{"--scaling", "strong"}
                             << "--scaling applies only to a data-parallel run";
    QTest::newRow("two knobs") << QStringList{"--bucket-mb", "4", "--dist-timeout", "9"}
                               << "--dist-timeout, --bucket-mb apply only to a data-parallel run";
    // A rendezvous address without the ranks to meet there trained one process, exit 0.
    QTest::newRow("address") << QStringList{"--master-addr", "10.0.0.1", "--master-port", "29500"}
                             << "--master-addr, --master-port apply only to a data-parallel run";
  }
  void dataParallelKnobsWithoutRanksRefused() {
    QFETCH(QStringList, flags);
    QFETCH(QString, message);
    const CliRun run = runCli(smallSyntheticRun() << flags);
    QVERIFY2(run.exitCode == 2, run.why());
    QVERIFY2(run.err.contains(message), run.why());
    QVERIFY(filesIn(m_results).isEmpty());
  }

  // The one-rank base of a scaling series takes the series' flags (docs/data-parallel.md: "the
  // same command once with --data-parallel 1").
  void oneRankBaseTakesTheSeriesFlags() {
    const CliRun run = runCli(smallSyntheticRun() << "--data-parallel" << "1" << "--scaling"
                                                  << "strong" << "--bucket-mb" << "4");
    QVERIFY2(run.exitCode == 0, run.why());
    QCOMPARE(filesIn(m_results).size(), 1);
  }

  // Under a launcher this process is already one rank: --data-parallel there would start ranks
  // of ranks, and was silently ignored.
  void dataParallelUnderALauncherIsRefused() {
    QProcessEnvironment env = environment();
    env.insert(QStringLiteral("RANK"), QStringLiteral("0"));
    env.insert(QStringLiteral("WORLD_SIZE"), QStringLiteral("2"));
    env.insert(QStringLiteral("MASTER_ADDR"), QStringLiteral("127.0.0.1"));
    const CliRun run =
        tbtest::runCli(m_cli, smallSyntheticRun() << "--data-parallel" << "2", env);
    QVERIFY2(run.exitCode == 2, run.why());
    QVERIFY2(run.err.contains(QLatin1String("--data-parallel: this process is already rank 0 "
                                            "of 2")),
             run.why());
    QVERIFY(filesIn(m_results).isEmpty());
  }

  // A batch script's own shell (sbatch --ntasks 4) has SLURM_PROCID=0 and SLURM_NTASKS=4 but is
  // no task of a step: a plain run there is one process. It waited for three more ranks.
  void slurmBatchShellRunsAlone() {
    QProcessEnvironment env = environment();
    env.insert(QStringLiteral("SLURM_PROCID"), QStringLiteral("0"));
    env.insert(QStringLiteral("SLURM_LOCALID"), QStringLiteral("0"));
    env.insert(QStringLiteral("SLURM_NTASKS"), QStringLiteral("4"));
    env.insert(QStringLiteral("SLURM_JOB_NODELIST"), QStringLiteral("localhost"));
    // Were it taken for rank 0 of 4, it would wait out the rendezvous (300 s) and fail.
    const CliRun run = tbtest::runCli(m_cli, smallSyntheticRun(), env, 120000);
    QVERIFY2(run.exitCode == 0, run.why());
    QVERIFY2(!run.err.contains(QLatin1String("rank 0 of 4")), run.why());
    QCOMPARE(run.savedPaths().size(), 1);
  }

  // --data-parallel inside a one-process torchrun: the ranks it starts serve their own
  // rendezvous. They inherited TORCHELASTIC_USE_AGENT_STORE, so none served it and all waited.
  void dataParallelInsideOneProcessTorchrun() {
    QProcessEnvironment env = environment();
    env.insert(QStringLiteral("RANK"), QStringLiteral("0"));
    env.insert(QStringLiteral("LOCAL_RANK"), QStringLiteral("0"));
    env.insert(QStringLiteral("WORLD_SIZE"), QStringLiteral("1"));
    env.insert(QStringLiteral("MASTER_ADDR"), QStringLiteral("127.0.0.1"));
    env.insert(QStringLiteral("MASTER_PORT"), tbtest::freeLocalPort());
    env.insert(QStringLiteral("TORCHELASTIC_USE_AGENT_STORE"), QStringLiteral("True"));
    const CliRun run = tbtest::runCli(
        m_cli, smallSyntheticRun() << "--data-parallel" << "2" << "--dist-timeout" << "30", env,
        180000);
    if (!built(run)) QSKIP("trainbench-cli was built without data-parallel runs");
    QVERIFY2(run.exitCode == 0, run.why());
    QCOMPARE(run.savedPaths().size(), 1);
  }

  // GLOO_SOCKET_IFNAME names the interface the ranks talk over, as in torch.distributed: the
  // loopback interface works, one this host lacks is refused by name. It was not read at all.
  void socketInterfaceVariableIsUsed() {
    QProcessEnvironment env = environment();
    env.insert(QStringLiteral("GLOO_SOCKET_IFNAME"), QStringLiteral("lo"));
    const QStringList args = smallSyntheticRun() << "--data-parallel" << "2" << "--dist-timeout"
                                                 << "30";
    const CliRun loopback = tbtest::runCli(m_cli, args, env, 180000);
    if (!built(loopback)) QSKIP("trainbench-cli was built without data-parallel runs");
    QVERIFY2(loopback.exitCode == 0, loopback.why());
    env.insert(QStringLiteral("GLOO_SOCKET_IFNAME"), QStringLiteral("nosuchif0"));
    const CliRun missing = tbtest::runCli(m_cli, args, env, 180000);
    QVERIFY2(missing.exitCode != 0, missing.why());
    QVERIFY2(missing.err.contains(QLatin1String("GLOO_SOCKET_IFNAME names 'nosuchif0'")),
             missing.why());
  }

  void badLauncherVariablesExitTwo() {
    QProcessEnvironment env = environment();
    env.insert(QStringLiteral("RANK"), QStringLiteral("abc"));
    env.insert(QStringLiteral("WORLD_SIZE"), QStringLiteral("2"));
    const CliRun run = tbtest::runCli(m_cli, smallSyntheticRun(), env);
    QVERIFY2(run.exitCode == 2, run.why());
    QVERIFY2(run.err.contains(QLatin1String("RANK=abc")), run.why());
  }
};

QTEST_GUILESS_MAIN(TestCliDataParallel)
#include "tst_cli_data_parallel.moc"
