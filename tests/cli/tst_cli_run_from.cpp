// `run --from FILE` runs a saved run again with its settings, so that a user can repeat a
// colleague's benchmark, or their own, without typing every flag; flags given override the file.
#include "cli_fixture.h"

#include "../support/run_result_builder.h"

#include "results/result_file.h"

using namespace clitest;

class TestCliRunFrom : public CliTestBase {
  Q_OBJECT

 private:
  // A saved run with settings that all differ from the defaults.
  tb::RunResult savedRun(QString& path) {
    const CliRun first =
        runCli({"run", "--synthetic", "--train-limit", "200", "--test-limit", "40", "--epochs",
                "2", "--batch-size", "16", "--learning-rate", "0.002", "--seed", "7",
                "--threads", "1", "-q"});
    if (first.exitCode != 0) qWarning("%s", qPrintable(first.why()));
    path = first.savedPath();
    QString error;
    return readResult(path, error);
  }

 private Q_SLOTS:
  void initTestCase() { setUpFixture(); }
  void init() { startTest(); }

  // The same settings, and on the same machine with the same threads the same losses: it is
  // the same benchmark again.
  void runsTheSameSettingsAgain() {
    QString path;
    const tb::RunResult first = savedRun(path);
    QCOMPARE(first.config.seed, std::uint64_t{7});
    const CliRun again = runCli({"run", "--from", path, "-q"});
    QVERIFY2(again.exitCode == 0, again.why());
    QVERIFY2(again.savedPath() != path, again.why());
    QString error;
    const tb::RunResult second = readResult(again.savedPath(), error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(second.workload.name, first.workload.name);
    QCOMPARE(second.workload.dataSource, std::string("synthetic"));
    QCOMPARE(second.workload.trainSamples, std::int64_t{200});
    QCOMPARE(second.workload.testSamples, std::int64_t{40});
    QCOMPARE(second.device.id, first.device.id);
    QCOMPARE(second.config.epochs, 2);
    QCOMPARE(second.config.batchSize, 16);
    QCOMPARE(second.config.learningRate, 0.002);
    QCOMPARE(second.config.seed, std::uint64_t{7});
    QCOMPARE(second.config.threads, 1);
    QCOMPARE(second.config.precision, first.config.precision);
    QCOMPARE(second.epochs.size(), first.epochs.size());
    for (std::size_t e = 0; e < first.epochs.size(); ++e) {
      QCOMPARE(second.epochs[e].trainLoss, first.epochs[e].trainLoss);
    }
  }

  // A run on custom files (not the published set) does not record their folder: its rerun
  // says to give --data-dir, and with it trains on the same files without a word.
  void customFilesAskForTheirFolder() {
    const CliRun first = runCli({"run", "--workload", "fashion-mlp", "--data-dir", m_data,
                                 "--epochs", "1", "--threads", "1", "-q"});
    QVERIFY2(first.exitCode == 0, first.why());
    const QString file = first.savedPath();
    const QString warning = QStringLiteral("trained on custom files (not the published set)");
    const CliRun bare = runCli({"run", "--from", file, "-q"});
    QVERIFY2(bare.err.contains(warning) && bare.err.contains(QLatin1String("--data-dir")),
             bare.why());
    const CliRun again = runCli({"run", "--from", file, "--data-dir", m_data, "-q"});
    QVERIFY2(again.exitCode == 0 && !again.err.contains(warning), again.why());
  }

  // A flag given beside --from wins; the rest still come from the file.
  void flagsOverrideTheFile() {
    QString path;
    savedRun(path);
    const CliRun again = runCli({"run", "--from", path, "--epochs", "1", "--seed", "9", "-q"});
    QVERIFY2(again.exitCode == 0, again.why());
    QString error;
    const tb::RunResult second = readResult(again.savedPath(), error);
    QCOMPARE(second.config.epochs, 1);
    QCOMPARE(second.config.seed, std::uint64_t{9});
    QCOMPARE(second.config.batchSize, 16);
    QCOMPARE(second.workload.trainSamples, std::int64_t{200});
  }

  // Another workload keeps its own epochs, batch and images (the MLP's are not CIFAR's); another
  // kind of device its own execution (a GPU's graph mode would be refused on the CPU for a flag
  // nobody typed); a thread count that was its machine's default is not carried over.
  void overridesKeepWhatBelongsToTheFile() {
    tb::RunResult gpu = tbtest::RunResultBuilder()
                            .workload("fashion-mlp", "fashion-mnist")
                            .dataSource("synthetic")
                            .samples(200, 40)
                            .plannedEpochs(1)
                            .batchSize(16)
                            .threads(64)
                            .precision("fp32")
                            .optimizer("adam", 0.001)
                            .device("cuda:0", "NVIDIA H200")
                            .epoch(1.0, 200.0);
    gpu.config.execution = "graph";
    gpu.system.physicalCores = 64;  // 64 threads were that machine's default
    const QString file = path(QStringLiteral("gpu.json"));
    tb::writeResultFile(gpu, file.toStdString());
    const CliRun onCpu = runCli({"run", "--from", file, "--device", "cpu", "-q"});
    QVERIFY2(onCpu.exitCode == 0, onCpu.why());
    QString error;
    const tb::RunResult cpu = readResult(onCpu.savedPath(), error);
    QCOMPARE(cpu.device.id, std::string("cpu"));
    QCOMPARE(cpu.config.execution, std::string("eager"));
    QVERIFY2(onCpu.err.contains(QLatin1String("ran in graph mode on cuda:0; this run on cpu trains "
                                              "eagerly")),
             onCpu.why());
    // An --execution the user typed is their choice: nothing to warn about.
    const CliRun typed =
        runCli({"run", "--from", file, "--device", "cpu", "--execution", "eager", "-q"});
    QVERIFY2(typed.exitCode == 0 && !typed.err.contains(QLatin1String("graph mode")), typed.why());
    QVERIFY(cpu.config.threads != 64);
    QCOMPARE(cpu.config.batchSize, 16);

    const CliRun other = runCli({"run", "--from", file, "--device", "cpu", "--workload",
                                 "cifar10-cnn", "--epochs", "1", "--train-limit", "64",
                                 "--test-limit", "32", "-q"});
    QVERIFY2(other.exitCode == 0, other.why());
    const tb::RunResult cifar = readResult(other.savedPath(), error);
    QCOMPARE(cifar.workload.name, std::string("cifar10-cnn"));
    QVERIFY(cifar.config.batchSize != 16);  // the CNN's own default
    QCOMPARE(cifar.workload.dataSource, std::string("synthetic"));
  }

  // A file that cannot be read, or a run this command cannot repeat, is refused before anything
  // trains, naming --from and the file.
  void unusableFilesAreRefused() {
    const QString missing = path(QStringLiteral("no-such-run.json"));
    const CliRun absent = runCli({"run", "--from", missing});
    QVERIFY2(absent.exitCode == 3, absent.why());
    QVERIFY2(absent.err.contains(QLatin1String("--from: ")) && absent.err.contains(missing),
             absent.why());

    const QString ranks = path(QStringLiteral("ranks.json"));
    tb::writeResultFile(tbtest::RunResultBuilder()
                            .workload("fashion-mlp", "fashion-mnist")
                            .device("cpu", "Test CPU")
                            .distributed("weak", 64, {{"a", "cpu"}, {"a", "cpu"}}),
                        ranks.toStdString());
    const CliRun parallel = runCli({"run", "--from", ranks});
    QVERIFY2(parallel.exitCode == 2, parallel.why());
    QVERIFY2(parallel.err.contains(QLatin1String("data-parallel run of 2 ranks")), parallel.why());

    const QString newer = path(QStringLiteral("newer.json"));
    tb::writeResultFile(tbtest::RunResultBuilder()
                            .workload("imagenet-vit", "imagenet")
                            .device("cpu", "Test CPU"),
                        newer.toStdString());
    const CliRun unknown = runCli({"run", "--from", newer});
    QVERIFY2(unknown.exitCode == 2, unknown.why());
    QVERIFY2(unknown.err.contains(QLatin1String("the workload 'imagenet-vit'")), unknown.why());

    // Data this version does not know was read as the dataset's files, and failed on them.
    const QString stream = path(QStringLiteral("stream.json"));
    tb::writeResultFile(tbtest::RunResultBuilder()
                            .workload("fashion-mlp", "fashion-mnist")
                            .dataSource("stream")
                            .device("cpu", "Test CPU"),
                        stream.toStdString());
    const CliRun unknownData = runCli({"run", "--from", stream});
    QVERIFY2(unknownData.exitCode == 2, unknownData.why());
    QVERIFY2(unknownData.err.contains(QLatin1String("the data source 'stream'")),
             unknownData.why());
    QVERIFY(filesIn(m_results).isEmpty());
  }

  // A setting from the file that this machine cannot run is refused naming the file, not only
  // a flag the user never typed.
  void refusalsOfTheFilesSettingsNameTheFile() {
    const QString far = path(QStringLiteral("far-gpu.json"));
    tb::writeResultFile(tbtest::RunResultBuilder()
                            .workload("fashion-mlp", "fashion-mnist")
                            .samples(200, 40)
                            .device("cuda:99", "Far GPU"),
                        far.toStdString());
    const CliRun absent = runCli({"run", "--from", far, "-q"});
    QVERIFY2(absent.exitCode == 4, absent.why());
    QVERIFY2(absent.err.contains(QLatin1String("--device: ")) &&
                 absent.err.contains(QStringLiteral("--device from --from ") + far),
             absent.why());
    // A device the user typed is theirs: no word of the file.
    QString path2;
    savedRun(path2);
    const CliRun typed = runCli({"run", "--from", path2, "--device", "cuda:99", "-q"});
    QVERIFY2(typed.exitCode == 4 && !typed.err.contains(QLatin1String("from --from")), typed.why());
  }

  // A file's settings keep to the flags' limits: 100000 threads from an edited file started as
  // many and hung the CLI, a billion epochs ran. Refused before any work, naming the file.
  void settingsBeyondTheFlagsLimitsAreRefused() {
    const QString threads = path(QStringLiteral("threads.json"));
    tb::writeResultFile(tbtest::RunResultBuilder()
                            .workload("fashion-mlp", "fashion-mnist")
                            .dataSource("synthetic")
                            .samples(64, 16)
                            .plannedEpochs(1)
                            .batchSize(32)
                            .optimizer("adam", 0.001)
                            .threads(100000)
                            .device("cpu", "Test CPU")
                            .epoch(1.0, 64.0),
                        threads.toStdString());
    const CliRun many = runCli({"run", "--from", threads, "-q"});
    QVERIFY2(many.exitCode == 2, many.why());
    QVERIFY2(many.err.contains(QStringLiteral("--threads: must be 1 to 4096")) &&
                 many.err.contains(QStringLiteral("--threads from --from ") + threads),
             many.why());
    // Refused before the threads' check. (Other warnings may come from the machine's own
    // environment: a speed switch such as OPENBLAS_CORETYPE set for every process on it.)
    QVERIFY2(!many.err.contains(QLatin1String("warning: --threads")), many.why());
    const CliRun typed = runCli({"run", "--from", threads, "-q", "--threads", "1"});
    QVERIFY2(typed.exitCode == 0, typed.why());
  }

  // A run that ended before it chose its batch and learning rate recorded 0 for them: the rerun
  // takes the workload's, and says so (a rerun of a batch-16 file measuring batch 32 unseen is
  // another benchmark). What the user typed needs no word.
  void settingsTheFileLacksAreNamedWithTheirDefaults() {
    const QString file = path(QStringLiteral("unchosen.json"));
    tb::writeResultFile(tbtest::RunResultBuilder()
                            .status(tb::RunStatus::Failed)
                            .workload("fashion-mlp", "fashion-mnist")
                            .dataSource("synthetic")
                            .samples(64, 16)
                            .plannedEpochs(1)
                            .batchSize(0)
                            .optimizer("adam", 0.0)
                            .threads(1)
                            .device("cpu", "Test CPU"),
                        file.toStdString());
    const CliRun rerun = runCli({"run", "--from", file, "-q"});
    QVERIFY2(rerun.exitCode == 0, rerun.why());
    QVERIFY2(rerun.err.contains(QStringLiteral("warning: --from: ") + file +
                                " records no batch size (--batch-size), learning rate "
                                "(--learning-rate): this run takes fashion-mlp's batch 32, "
                                "learning rate 0.001"),
             rerun.why());
    QString error;
    const tb::RunResult again = readResult(rerun.savedPath(), error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(again.config.batchSize, 32);
    const CliRun typed =
        runCli({"run", "--from", file, "-q", "--batch-size", "16", "--learning-rate", "0.002"});
    QVERIFY2(typed.exitCode == 0 && !typed.err.contains(QLatin1String("records no")), typed.why());
  }

  // A quick (--time-budget) run evaluated only part of its test images; running it again runs
  // the full run it projects, not a smaller one (which the comparison would put in another group).
  void aBudgetedRunIsRunAgainAtItsProjectedSize() {
    tb::RunResult quick = tbtest::RunResultBuilder()
                              .workload("fashion-mlp", "fashion-mnist")
                              .dataSource("synthetic")
                              .samples(200, 16)
                              .plannedEpochs(1)
                              .batchSize(16)
                              .threads(1)
                              .precision("fp32")
                              .optimizer("adam", 0.001)
                              .device("cpu", "Test CPU")
                              .projection(3.0, 2.8, 3.2, 1, 200, 40, 30.0);
    const QString file = path(QStringLiteral("quick.json"));
    tb::writeResultFile(quick, file.toStdString());
    const CliRun again = runCli({"run", "--from", file, "-q"});
    QVERIFY2(again.exitCode == 0, again.why());
    QString error;
    const tb::RunResult second = readResult(again.savedPath(), error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(second.workload.trainSamples, std::int64_t{200});
    QCOMPARE(second.workload.testSamples, std::int64_t{40});
    QCOMPARE(second.config.timeBudgetSeconds, 30.0);  // recorded, as asked, by the new run
  }

  // A budgeted run cancelled or failed has no projection: its config keeps the budget, so that
  // running it again is as long, not the full run.
  void aCancelledBudgetedRunIsRunAgainWithItsBudget() {
    tb::RunResult cancelled = tbtest::RunResultBuilder()
                                  .status(tb::RunStatus::Cancelled)
                                  .workload("fashion-mlp", "fashion-mnist")
                                  .dataSource("synthetic")
                                  .samples(200, 16)
                                  .plannedEpochs(1)
                                  .batchSize(16)
                                  .optimizer("adam", 0.001)
                                  .device("cpu", "Test CPU")
                                  .timeBudget(45.0);
    const QString file = path(QStringLiteral("cancelled.json"));
    tb::writeResultFile(cancelled, file.toStdString());
    const CliRun again = runCli({"run", "--from", file, "-q"});
    QVERIFY2(again.exitCode == 0, again.why());
    QString error;
    const tb::RunResult second = readResult(again.savedPath(), error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(second.config.timeBudgetSeconds, 45.0);
  }

  // The file's budget is not a flag the user typed, yet it can always be undone: --time-budget 0
  // runs in full, a refusal it causes names the file, and a data-parallel rerun (which trains its
  // full length) leaves it out with a word instead of refusing a flag nobody gave.
  void aFilesTimeBudgetCanBeLeftOut() {
    const QString file = path(QStringLiteral("budgeted.json"));
    tb::writeResultFile(tbtest::RunResultBuilder()
                            .status(tb::RunStatus::Cancelled)
                            .workload("fashion-mlp", "fashion-mnist")
                            .dataSource("synthetic")
                            .samples(200, 16)
                            .plannedEpochs(1)
                            .batchSize(16)
                            .optimizer("adam", 0.001)
                            .device("cpu", "Test CPU")
                            .timeBudget(45.0),
                        file.toStdString());
    const CliRun small = runCli({"run", "--from", file, "--train-limit", "8", "-q"});
    QVERIFY2(small.exitCode == 2, small.why());
    QVERIFY2(small.err.contains(QStringLiteral("--time-budget from --from ") + file), small.why());
    const CliRun none =
        runCli({"run", "--from", file, "--train-limit", "8", "--time-budget", "0", "-q"});
    QVERIFY2(none.exitCode == 0, none.why());
    QString error;
    QCOMPARE(readResult(none.savedPath(), error).config.timeBudgetSeconds, 0.0);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const CliRun ranks = runCli({"run", "--from", file, "--data-parallel", "2", "-q"});
    QVERIFY2(ranks.exitCode == 0, ranks.why());
    QVERIFY2(ranks.err.contains(QLatin1String("this data-parallel run trains its full length")),
             ranks.why());
    const tb::RunResult full = readResult(ranks.savedPath(), error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(full.config.timeBudgetSeconds, 0.0);
    QVERIFY(full.distributed && full.distributed->worldSize == 2);
  }
};

QTEST_MAIN(TestCliRunFrom)
#include "tst_cli_run_from.moc"
