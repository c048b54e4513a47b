// Numbers you can trust, as a CLI user meets them: --repeat N and auto (group ids, the closing
// median/interval/n line), steady-state figures, --time-budget limits, the busy-machine
// warning before a run (with a real busy process next to it), and the CPU's BLAS and the
// speed-changing environment variables in each result.
#include "cli_fixture.h"

#include "results/comparison.h"
#include "results/result_file.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QThread>

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

using namespace clitest;

namespace {

// The last JSON line of `out`.
QJsonObject lastEvent(const QString& out) {
  QJsonObject last;
  for (const QString& line : out.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
    if (line.startsWith(QLatin1Char('{'))) last = QJsonDocument::fromJson(line.toUtf8()).object();
  }
  return last;
}

}  // namespace

class TestCliTrust : public CliTestBase {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { setUpFixture(); }
  void init() { startTest(); }

  // Three repeats: three files sharing one group id, each with its steady state, and a closing
  // line with the median, the 95% interval and n.
  void repeatRunsShareAGroup() {
    const CliRun run = runCli(smallSyntheticRun(QStringLiteral("2")) << "--repeat"
                                                                     << "3");
    QVERIFY2(run.exitCode == 0, run.why());
    const QStringList paths = run.savedPaths();
    QCOMPARE(paths.size(), 3);
    QString group;
    for (const QString& path : paths) {
      QString error;
      const tb::RunResult result = readResult(path, error);
      QVERIFY2(error.isEmpty(), qPrintable(error));
      QVERIFY(!result.group.empty());
      if (group.isEmpty()) group = QString::fromStdString(result.group);
      QCOMPARE(QString::fromStdString(result.group), group);
      QVERIFY(result.steadyState);
      QVERIFY(result.validity);
    }
    static const QRegularExpression summary(
        QStringLiteral(R"(^cpu: [0-9.]+ samples/s steady state \(median of 3; 95% interval )"
                       R"([0-9.]+-[0-9.]+, ±[0-9.]+%\)$)"),
        QRegularExpression::MultilineOption);
    QVERIFY2(summary.match(run.out).hasMatch(), run.why());
    QVERIFY2(run.out.contains(QLatin1String("Steady state: ")), run.why());
    QVERIFY2(run.out.contains(QLatin1String("Repeat 3 on cpu")), run.why());
  }

  // Repeats saved to one named file take "_2", "_3" beside it without a word per repeat; a file
  // that was there before is still said.
  void repeatsIntoOneNamedFileAreQuiet() {
    const QString out = path(QStringLiteral("repeats.json"));
    CliRun run = runCli(smallSyntheticRun() << "--repeat" << "2" << "--out" << out);
    QVERIFY2(run.exitCode == 0, run.why());
    QCOMPARE(run.savedPaths().size(), 2);
    QVERIFY2(!run.err.contains(QLatin1String("instead")), run.why());
    run = runCli(smallSyntheticRun() << "--repeat" << "2" << "--out" << out);
    QVERIFY2(run.exitCode == 0, run.why());
    QVERIFY2(run.err.count(QLatin1String("exists; saving as")) == 1, run.why());
  }

  // auto: at least three, at most ten, and it says which it was.
  void autoRepeatsBetweenThreeAndTen() {
    const CliRun run = runCli(smallSyntheticRun(QStringLiteral("2")) << "--repeat"
                                                                     << "auto",
                              300000);
    QVERIFY2(run.exitCode == 0, run.why());
    const int count = run.savedPaths().size();
    QVERIFY2(count >= 3 && count <= 10, run.why());
    QVERIFY2(run.out.contains(QStringLiteral("(median of %1").arg(count)), run.why());
    // Stopping at ten without reaching ±2% is said in so many words.
    QCOMPARE(run.out.contains(QLatin1String("without reaching")), count == 10 &&
                                                                   run.out.contains("stopped after"));
  }

  // A run too short to measure a steady state (3 steps) would repeat the same way for ever:
  // auto stops after three and says why.
  void autoRepeatsEndWithoutASteadyState() {
    QStringList args = smallSyntheticRun();
    args[args.indexOf("--train-limit") + 1] = QStringLiteral("96");
    const CliRun run = runCli(args << "--repeat" << "auto");
    QVERIFY2(run.exitCode == 0, run.why());
    QCOMPARE(run.savedPaths().size(), 3);
    QVERIFY2(run.out.contains(QLatin1String("cpu: no completed repeat measured a steady state")),
             run.why());
    QVERIFY2(run.out.contains(QLatin1String("train on more images or epochs")), run.why());
  }

  // --progress-json: every line a JSON object; "started" carries the header a driving program
  // reads (workload, config, device), without a status, which is not known until the end.
  void progressJsonLinesParse() {
    const CliRun run = runCli(smallSyntheticRun(QStringLiteral("2")) << "--progress-json");
    QVERIFY2(run.exitCode == 0, run.why());
    QStringList events;
    for (const QString& line : run.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
      if (!line.startsWith(QLatin1Char('{'))) continue;  // "Result saved to ..."
      QJsonParseError error{};
      const QJsonObject event = QJsonDocument::fromJson(line.toUtf8(), &error).object();
      QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(line));
      events << event.value(QLatin1String("event")).toString();
      if (events.last() != QLatin1String("started")) continue;
      const QJsonObject header = event.value(QLatin1String("header")).toObject();
      QCOMPARE(header.value(QLatin1String("workload")).toObject().value(QLatin1String("name")),
               QJsonValue(QStringLiteral("fashion-mlp")));
      QVERIFY2(!header.contains(QLatin1String("status")) &&
                   !header.contains(QLatin1String("error_kind")),
               qPrintable(line));
    }
    QCOMPARE(events.first(), QStringLiteral("started"));
    QCOMPARE(events.count(QStringLiteral("epoch")), 2);
    QVERIFY(events.contains(QStringLiteral("test")));
    // The last event says how the run ended and where it was saved.
    const QJsonObject finished = lastEvent(run.out);
    QCOMPARE(finished.value(QLatin1String("event")).toString(), QStringLiteral("finished"));
    QCOMPARE(finished.value(QLatin1String("status")).toString(), QStringLiteral("completed"));
    QVERIFY(finished.value(QLatin1String("error_kind")).isNull());
    QVERIFY(finished.value(QLatin1String("total_seconds")).toDouble() > 0.0);
    QCOMPARE(finished.value(QLatin1String("path")).toString(), run.savedPath());

    // A run that fails before it starts (no data) still ends with the event, and nothing else.
    const CliRun failed = runCli({"run", "--data-dir", path(QStringLiteral("nothing-here")),
                                  "--progress-json", "--epochs", "1"});
    QVERIFY2(failed.exitCode == 3, failed.why());
    const QJsonObject end = lastEvent(failed.out);
    QCOMPARE(end.value(QLatin1String("event")).toString(), QStringLiteral("finished"));
    QCOMPARE(end.value(QLatin1String("status")).toString(), QStringLiteral("failed"));
    QCOMPARE(end.value(QLatin1String("error_kind")).toString(), QStringLiteral("data"));
    QVERIFY(end.value(QLatin1String("error")).toString().contains(QLatin1String("not found")));
    QVERIFY(end.value(QLatin1String("total_seconds")).isNull());
    QCOMPARE(end.value(QLatin1String("path")).toString(), failed.savedPath());
  }

  void badTrustFlagsExitTwo_data() {
    QTest::addColumn<QStringList>("flags");
    QTest::newRow("repeat 0") << QStringList{"--repeat", "0"};
    QTest::newRow("repeat 101") << QStringList{"--repeat", "101"};
    QTest::newRow("repeat word") << QStringList{"--repeat", "often"};
    QTest::newRow("budget 1") << QStringList{"--time-budget", "1"};
    QTest::newRow("budget nan") << QStringList{"--time-budget", "nan"};
    // 256 images, no full batch of 512 to project from: refused before any data is made.
    QTest::newRow("budget without a full batch")
        << QStringList{"--time-budget", "5", "--batch-size", "512"};
  }
  void badTrustFlagsExitTwo() {
    QFETCH(QStringList, flags);
    const CliRun run = runCli(smallSyntheticRun() << flags);
    QVERIFY2(run.exitCode == 2, run.why());
    QVERIFY2(run.err.contains(flags.first()), run.why());
    QVERIFY(filesIn(m_results).isEmpty());
  }

  // A run that fits in its budget is measured in full: no projection in the file.
  void budgetLargerThanTheRunMeasuresIt() {
    const CliRun run = runCli(smallSyntheticRun() << "--time-budget"
                                                  << "600");
    QVERIFY2(run.exitCode == 0, run.why());
    QString error;
    const tb::RunResult result = readResult(run.savedPath(), error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(!result.projection);
    QVERIFY2(!run.out.contains(QLatin1String("Projected")), run.why());
  }

  // A run its budget cuts short says so beside the seed's accuracy and time lines, which are
  // not the full run's; the projection of the full run follows, to the hundredth of a second.
  void budgetCutShortSaysSo() {
    const CliRun run = runCli({"run", "--workload", "fashion-mlp", "--synthetic", "--epochs", "100000",
                               "--train-limit", "4000", "--test-limit", "200", "--threads", "1",
                               "--no-probe", "--time-budget", "5"});
    QVERIFY2(run.exitCode == 0, run.why());
    QString error;
    const tb::RunResult result = readResult(run.savedPath(), error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    // 100 000 epochs never fit in 5 s: the budget always cuts the run short.
    QVERIFY2(result.projection, run.why());
    QVERIFY2(run.out.contains(QRegularExpression(
                 "Model achieved [0-9.]+ testing accuracy \\(cut short by the time budget\\)")),
             run.why());
    QVERIFY2(run.out.contains(QRegularExpression(
                 "Training and testing took [0-9.]+ seconds \\(cut short by the time budget\\)")),
             run.why());
    QVERIFY2(run.out.contains(QRegularExpression(
                 "Projected full run \\(100000 epochs on 4000/200 images\\): [0-9]+\\.[0-9]{2} seconds")),
             run.why());

    // `show` says the same figures later, from the file (it rounded them differently), and
    // marks the measured total and the epoch the budget stopped part way (no epoch time).
    const CliRun show = runCli({"show", run.savedPath()});
    QVERIFY2(show.exitCode == 0, show.why());
    QVERIFY2(show.out.contains(QRegularExpression(
                 "; total [0-9.]+ s \\(cut short by the time budget\\);")),
             show.why());
    const auto cutLines = show.out.count(QLatin1String("(cut short by the time budget)"));
    const bool epochCut = tb::wholeEpochs(result).size() < result.epochs.size();
    QCOMPARE(cutLines, epochCut ? 2 : 1);
    // The run's own epoch lines mark that epoch too: only it, and only where it was cut.
    const QRegularExpression cutEpochLine(QStringLiteral("Epoch %1/100000 - [^\\n]*\\(cut short by the time budget\\)\\n")
                                              .arg(result.epochs.size()));
    QCOMPARE(run.out.count(QRegularExpression(QStringLiteral("^Epoch .*\\(cut short"),
                                              QRegularExpression::MultilineOption)),
             epochCut ? 1 : 0);
    QCOMPARE(run.out.contains(cutEpochLine), epochCut);
    for (const QString& figure : {QStringLiteral("teady state: "), QStringLiteral("rojected full run ")}) {
      const auto lineAfter = [&](const QString& text) {
        const qsizetype at = text.indexOf(figure);
        return at < 0 ? QString() : text.mid(at, text.indexOf(u'\n', at) - at);
      };
      QVERIFY2(!lineAfter(run.out).isEmpty(), run.why());
      QCOMPARE(lineAfter(show.out), lineAfter(run.out));
    }
  }

  // With the device's peak measured, the run's "Achieved" line agrees with its file: the
  // training FLOPs per sample times the steady-state samples/s, and that figure's share of the
  // peak the file records.
  void achievedLineAgreesWithTheFile() {
    QProcessEnvironment env = environment();
    env.remove(QStringLiteral("TRAINBENCH_SKIP_PROBE"));
    const CliRun run = tbtest::runCli(
        m_cli,
        {"run", "--workload", "fashion-mlp", "--synthetic", "--epochs", "3", "--train-limit",
         "4000", "--test-limit", "200", "--threads", "1"},
        env);
    QVERIFY2(run.exitCode == 0, run.why());
    QString error;
    const tb::RunResult result = readResult(run.savedPath(), error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY2(result.steadyState && result.workload.flopsPerSample && result.device.peak &&
                 result.device.peak->fp32Tflops,
             run.why());
    const QRegularExpressionMatch line =
        QRegularExpression(QStringLiteral("Achieved ([0-9.]+) TFLOPS \\(fp32\\), ([0-9.]+)% of "
                                          "the measured peak ([0-9.]+) TFLOPS"))
            .match(run.out);
    QVERIFY2(line.hasMatch(), run.why());
    const double achieved = *result.workload.flopsPerSample *
                            result.steadyState->samplesPerSecond / 1e12;
    const double peak = *result.device.peak->fp32Tflops;
    // Printed to three significant digits: within 1%.
    const auto near = [](double printed, double exact) {
      return std::abs(printed / exact - 1.0) < 0.01;
    };
    QVERIFY2(near(line.captured(1).toDouble(), achieved), run.why());
    QVERIFY2(near(line.captured(3).toDouble(), peak), run.why());
    // The percentage has one decimal from 1% up (two from 0.1%...): "2.6" stands for 2.55 to
    // 2.65, 2% either way, so it is checked against its last printed digit.
    const QString percent = line.captured(2);
    const int dot = percent.indexOf(u'.');
    const double lastDigit = std::pow(10.0, dot < 0 ? 0 : -(percent.size() - dot - 1));
    const double exactPercent = 100.0 * achieved / peak;
    QVERIFY2(std::abs(percent.toDouble() - exactPercent) <= 0.5 * lastDigit + 0.01 * exactPercent,
             qPrintable(QStringLiteral("%1 for %2\n").arg(percent).arg(exactPercent) + run.why()));
  }

  // A working probe: each figure it measures on the CPU is a positive rate, and --json says so
  // per device, with no error.
  void probeMeasuresTheCpu() {
    const CliRun run = runCli({"probe", "--device", "cpu", "--seconds", "0.2", "--json"});
    QVERIFY2(run.exitCode == 0, run.why());
    const QJsonDocument json = QJsonDocument::fromJson(run.out.toUtf8());
    QVERIFY2(json.isArray() && json.array().size() == 1, run.why());
    const QJsonObject cpu = json.array().first().toObject();
    QCOMPARE(cpu[QLatin1String("id")].toString(), QStringLiteral("cpu"));
    QVERIFY2(cpu[QLatin1String("error")].isNull(), run.why());
    QVERIFY2(cpu[QLatin1String("fp32_tflops")].toDouble() > 0.0, run.why());
    QVERIFY2(cpu[QLatin1String("bandwidth_gbs")].toDouble() > 0.0, run.why());
    QVERIFY2(cpu[QLatin1String("threads")].toInt() > 0, run.why());
  }

  // Before training, a machine kept busy by another process gets a warning naming the load;
  // the run still goes ahead.
  void busyMachineIsWarnedAbout() {
    // One busy loop per core, so that "sh" leads the warning's names even when other tests
    // load the machine too (the warning names the two busiest programs).
    std::vector<std::unique_ptr<QProcess>> busy;
    for (int core = 0; core < std::max(2, QThread::idealThreadCount()); ++core) {
      busy.push_back(std::make_unique<QProcess>());
      busy.back()->start(QStringLiteral("sh"),
                         {QStringLiteral("-c"), QStringLiteral("while :; do :; done")});
      QVERIFY(busy.back()->waitForStarted());
    }
    QProcessEnvironment env = environment();
    env.remove(QStringLiteral("TRAINBENCH_SKIP_MACHINE_CHECK"));
    const CliRun run = tbtest::runCli(m_cli, smallSyntheticRun(), env);
    for (auto& loop : busy) {
      loop->kill();
      loop->waitForFinished();
    }
    QVERIFY2(run.exitCode == 0, run.why());
    QVERIFY2(run.err.contains(QLatin1String("warning: ")) &&
                 run.err.contains(QLatin1String("results will be slower and noisier")),
             run.why());
    // The busy processes, by name, among the two busiest programs it names: "2 other processes
    // (sh, ...) are using" (a build running beside the tests may lead the list).
    static const QRegularExpression named(QStringLiteral("\\((?:[^)]*, )?sh[,)]"));
    QVERIFY2(run.err.contains(named), run.why());
  }

  // Each result names the BLAS that did the CPU's matrix products; a CPU run on Debian's
  // reference BLAS (6-13x slower, docs/benchmarks.md) says so, and `show` prints it.
  void resultsNameTheirBlas() {
    const CliRun usual = runCli(smallSyntheticRun() << "-q");
    QVERIFY2(usual.exitCode == 0 && usual.savedPaths().size() == 1, usual.why());
    QString error;
    const tb::RunResult result = readResult(usual.savedPaths().first(), error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    if (result.system.blas.empty()) QSKIP("this LibTorch calls no BLAS library of its own (no sgemm_)");
    const CliRun show = runCli({"show", usual.savedPaths().first()});
    QVERIFY2(show.out.contains(QString::fromStdString("; CPU BLAS: " + result.system.blas)),
             show.why());

    const QString reference = QStringLiteral("/usr/lib/x86_64-linux-gnu/blas");
    if (!QFileInfo::exists(reference + "/libblas.so.3")) {
      QSKIP("Debian's reference BLAS (libblas3) is not installed");
    }
    QProcessEnvironment env = environment();
    const QString searched = env.value("LD_LIBRARY_PATH");
    env.insert("LD_LIBRARY_PATH", searched.isEmpty() ? reference : reference + ':' + searched);
    const CliRun slow = tbtest::runCli(m_cli, smallSyntheticRun() << "-q", env, 120000);
    QVERIFY2(slow.exitCode == 0 && slow.savedPaths().size() == 1, slow.why());
    const tb::RunResult onReference = readResult(slow.savedPaths().first(), error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    if (onReference.system.blas == result.system.blas) {
      QSKIP("this LibTorch does not load libblas.so.3, so the reference one cannot replace it");
    }
    QCOMPARE(QString::fromStdString(onReference.system.blas), QStringLiteral("reference BLAS"));
    QVERIFY(onReference.validity);
    const auto& warnings = onReference.validity->warnings;
    QVERIFY2(std::any_of(warnings.begin(), warnings.end(),
                         [](const std::string& w) {
                           return w.find("reference BLAS") != std::string::npos &&
                                  w.find("libopenblas0-openmp") != std::string::npos;
                         }),
             slow.why());
  }

  // OpenMP's wait policy moved the seed MLP's speed 1.5x (docs/benchmarks.md): a result says it
  // was set, `show` prints it, and `run --from` warns when the new run's differ.
  void resultsNameTheirSpeedSwitches() {
    QProcessEnvironment env = environment();
    env.insert("OMP_WAIT_POLICY", "passive");
    // cuDNN's autotuning (GPU only) is recorded wherever it is set: a CPU run carries it too.
    env.insert("TRAINBENCH_CUDNN_BENCHMARK", "1");
    const CliRun passive = tbtest::runCli(m_cli, smallSyntheticRun() << "-q", env, 60000);
    QVERIFY2(passive.exitCode == 0 && passive.savedPaths().size() == 1, passive.why());
    QString error;
    const QString file = passive.savedPaths().first();
    const tb::RunResult result = readResult(file, error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(result.config.environment.count("OMP_WAIT_POLICY"), std::size_t{1});
    QCOMPARE(result.config.environment.at("OMP_WAIT_POLICY"), std::string("passive"));
    QCOMPARE(result.config.environment.count("TRAINBENCH_CUDNN_BENCHMARK"), std::size_t{1});
    QCOMPARE(result.config.environment.at("TRAINBENCH_CUDNN_BENCHMARK"), std::string("1"));
    const CliRun show = runCli({"show", file});
    QVERIFY2(show.out.contains(QLatin1String("environment: OMP_WAIT_POLICY=passive")), show.why());

    QProcessEnvironment plain = environment();
    plain.remove("OMP_WAIT_POLICY");
    plain.remove("TRAINBENCH_CUDNN_BENCHMARK");
    const CliRun again = tbtest::runCli(m_cli, {"run", "--from", file, "-q"}, plain, 60000);
    QVERIFY2(again.exitCode == 0, again.why());
    // The file's switches, then this run's (which may hold others this machine sets).
    static const QRegularExpression warning(
        QStringLiteral("ran with the speed-changing environment variables [^;\\n]*"
                       "OMP_WAIT_POLICY=passive[^;\\n]*; this run has "));
    QVERIFY2(again.err.contains(warning), again.why());
    QVERIFY2(!again.err.section(QLatin1String("; this run has "), 1).section('\n', 0, 0).contains(
                 QLatin1String("OMP_WAIT_POLICY")),
             again.why());
  }
};

QTEST_GUILESS_MAIN(TestCliTrust)
#include "tst_cli_trust.moc"
