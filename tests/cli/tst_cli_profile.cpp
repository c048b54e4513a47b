// `trainbench-cli profile` and `--execution` as a user meets them: a phase-by-phase breakdown
// whose shares add up, in text and JSON, with the weights' layout it trained with; CUDA graphs
// refused on the CPU with exit 2 and a hint; the execution mode recorded in the result.
#include "cli_fixture.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QRegularExpression>

using namespace clitest;

namespace {

QStringList profileArgs() {
  return {"profile", "--synthetic", "--threads", "1", "--steps", "20", "--warmup", "2"};
}

}  // namespace

class TestCliProfile : public CliTestBase {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { setUpFixture(); }
  void init() { startTest(); }

  void tableNamesEveryPhaseAndTheBound() {
    const CliRun run = runCli(profileArgs());
    QVERIFY2(run.exitCode == 0, run.why());
    for (const char* phase : {"data", "forward", "backward", "optimizer", "step"}) {
      QVERIFY2(run.out.contains(QLatin1String(phase)), run.why());
    }
    QVERIFY2(run.out.contains(QLatin1String("compute-bound on the CPU")), run.why());
    QVERIFY2(run.out.contains(QLatin1String("fashion-mlp on cpu")), run.why());
    // The printed shares add up to the step's 100 %, not 99 or 101 (each rounded on its own).
    static const QRegularExpression phaseLine(
        QStringLiteral("^(data|forward|backward|optimizer) +[0-9.]+ +([0-9]+)%$"),
        QRegularExpression::MultilineOption);
    int percents = 0;
    int phases = 0;
    QMap<QString, int> percentOf;
    for (auto match = phaseLine.globalMatch(run.out); match.hasNext(); ++phases) {
      const auto line = match.next();
      percents += line.captured(2).toInt();
      percentOf[line.captured(1)] = line.captured(2).toInt();
    }
    QCOMPARE(phases, 4);
    QCOMPARE(percents, 100);
    static const QRegularExpression spread(
        QStringLiteral("^Steps varied: median [0-9.]+ ms, 80% of them [0-9.]+-[0-9.]+ ms"),
        QRegularExpression::MultilineOption);
    QVERIFY2(spread.match(run.out).hasMatch(), run.why());
    // The verdict quotes the table's own figure for the largest phase.
    static const QRegularExpression verdict(QStringLiteral("CPU: (\\w+) takes ([0-9]+) %"));
    const auto said = verdict.match(run.out);
    QVERIFY2(said.hasMatch(), run.why());
    QCOMPARE(said.captured(2).toInt(), percentOf.value(said.captured(1), -1));
  }

  // ResNet-50's last BatchNorm sees 1x1 maps: one image a step is refused before any work, with
  // the flag named, not a LibTorch error and a backtrace after the data was made.
  void batchTooSmallForBatchNormExitsTwo() {
    const CliRun run = runCli({"profile", "--workload", "cifar10-resnet50", "--synthetic",
                               "--batch-size", "1", "--steps", "1", "--warmup", "0"});
    QVERIFY2(run.exitCode == 2, run.why());
    QVERIFY2(run.err.contains(QLatin1String("--batch-size")), run.why());
    QVERIFY2(!run.err.contains(QLatin1String("frame #")), run.why());
  }

  // Fewer images asked for than one batch (the workload's default of 32 here) is the flag's
  // mistake: exit 2 naming it, where it was "missing or malformed data" (3) after making them.
  void trainLimitBelowOneBatchExitsTwo() {
    const CliRun run = runCli({"profile", "--workload", "fashion-mlp", "--synthetic",
                               "--train-limit", "10", "--steps", "1", "--warmup", "0"});
    QVERIFY2(run.exitCode == 2, run.why());
    QVERIFY2(run.err.contains(QLatin1String(
                 "--train-limit: 10 images are fewer than one batch of 32 (--batch-size)")),
             run.why());
  }

  void jsonSharesAddUp() {
    const CliRun run = runCli(profileArgs() << "--json");
    QVERIFY2(run.exitCode == 0, run.why());
    const QJsonObject profile = QJsonDocument::fromJson(run.out.toUtf8()).object();
    QCOMPARE(profile.value(QLatin1String("steps")).toInt(), 20);
    QCOMPARE(profile.value(QLatin1String("execution")).toString(), QStringLiteral("eager"));
    double share = 0.0;
    double seconds = 0.0;
    const QJsonArray phases = profile.value(QLatin1String("phases")).toArray();
    QCOMPARE(phases.size(), 4);
    for (const auto& phase : phases) {
      share += phase.toObject().value(QLatin1String("share")).toDouble();
      seconds += phase.toObject().value(QLatin1String("seconds_per_step")).toDouble();
    }
    QVERIFY(qAbs(share - 1.0) < 1e-9);
    QVERIFY(qAbs(seconds - profile.value(QLatin1String("step_seconds")).toDouble()) < 1e-9);
    // How single steps varied, in order, around the mean the shares are of.
    const double p10 = profile.value(QLatin1String("step_seconds_p10")).toDouble();
    const double p50 = profile.value(QLatin1String("step_seconds_p50")).toDouble();
    const double p90 = profile.value(QLatin1String("step_seconds_p90")).toDouble();
    QVERIFY2(p10 > 0.0 && p10 <= p50 && p50 <= p90, run.why());
    // The device's own clock is a GPU's: on the CPU its figures are there, and null.
    QVERIFY(profile.contains(QLatin1String("device_step_seconds")));
    QVERIFY(profile.value(QLatin1String("device_step_seconds")).isNull());
    QCOMPARE(profile.value(QLatin1String("device_timed_steps")).toInt(-1), 0);
    for (const auto& phase : phases) {
      QVERIFY(phase.toObject().contains(QLatin1String("device_seconds_per_step")));
      QVERIFY(phase.toObject().value(QLatin1String("device_seconds_per_step")).isNull());
    }
  }

  // The weights' layout the step trained with (core/engine/weight_layout.h), and its override.
  void jsonNamesTheWeightLayout() {
    const QStringList args{"profile", "--workload", "cifar10-cnn", "--synthetic", "--precision", "bf16",
                           "--threads", "1", "--steps", "2", "--warmup", "1", "--json"};
    const CliRun run = runCli(args);
    QVERIFY2(run.exitCode == 0, run.why());
    QJsonObject profile = QJsonDocument::fromJson(run.out.toUtf8()).object();
    QVERIFY(profile.value(QLatin1String("bf16_weight_copies")).toBool());
    QVERIFY(profile.value(QLatin1String("channels_last_kernels")).toBool());

    QProcessEnvironment contiguous = environment();
    contiguous.insert(QStringLiteral("TRAINBENCH_CHANNELS_LAST"), QStringLiteral("0"));
    const CliRun again = tbtest::runCli(m_cli, args, contiguous, 60000);
    QVERIFY2(again.exitCode == 0, again.why());
    profile = QJsonDocument::fromJson(again.out.toUtf8()).object();
    QVERIFY(profile.value(QLatin1String("bf16_weight_copies")).toBool());
    QVERIFY(!profile.value(QLatin1String("channels_last_kernels")).toBool(true));

    // The MLP has no kernels to store channels-last, and fp32 no copies.
    const CliRun mlp = runCli(profileArgs() << "--json");
    QVERIFY2(mlp.exitCode == 0, mlp.why());
    profile = QJsonDocument::fromJson(mlp.out.toUtf8()).object();
    QVERIFY(!profile.value(QLatin1String("bf16_weight_copies")).toBool(true));
    QVERIFY(!profile.value(QLatin1String("channels_last_kernels")).toBool(true));
  }

  void graphOnTheCpuExitsTwo_data() {
    QTest::addColumn<QStringList>("args");
    QTest::newRow("run") << (smallSyntheticRun() << "--execution"
                                                 << "graph");
    QTest::newRow("profile") << (profileArgs() << "--execution"
                                               << "graph");
  }
  void graphOnTheCpuExitsTwo() {
    QFETCH(QStringList, args);
    const CliRun run = runCli(args);
    QVERIFY2(run.exitCode == 2, run.why());
    QVERIFY2(run.err.contains(QLatin1String("CUDA graphs need an NVIDIA GPU")) &&
                 run.err.contains(QLatin1String("--execution eager")),
             run.why());
    QVERIFY(filesIn(m_results).isEmpty());
  }

  void resultRecordsTheExecution() {
    const CliRun run = runCli(smallSyntheticRun() << "--execution"
                                                  << "eager");
    QVERIFY2(run.exitCode == 0, run.why());
    QString error;
    const tb::RunResult result = readResult(run.savedPath(), error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(QString::fromStdString(result.config.execution), QStringLiteral("eager"));
    QFile file(run.savedPath());
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(file.readAll().contains("\"execution\": \"eager\""));
  }

  // A precision the device lacks names --precision, as `run` does (it said --device).
  void unsupportedPrecisionNamesTheFlag() {
    const CliRun run = runCli(profileArgs() << "--precision" << "fp16");
    QVERIFY2(run.exitCode == 4, run.why());
    QVERIFY2(run.err.contains(QLatin1String("error: --precision: precision fp16 is not supported")),
             run.why());
  }

  void unknownWorkloadExitsTwo() {
    const CliRun run = runCli({"profile", "--workload", "nope"});
    QVERIFY2(run.exitCode == 2, run.why());
    QVERIFY2(run.err.contains(QLatin1String("unknown workload 'nope'")), run.why());
  }
};

QTEST_GUILESS_MAIN(TestCliProfile)
#include "tst_cli_profile.moc"
