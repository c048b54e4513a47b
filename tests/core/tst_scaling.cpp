// Scaling of data-parallel runs from saved results: series by configuration, one-rank runs as
// the base of both weak and strong series, medians of repeats, efficiency against the ideal.
#include "results/scaling.h"

#include "../support/run_result_builder.h"

#include <QtTest>

#include <algorithm>
#include <limits>

using namespace tb;

namespace {

RunResult run(double samplesPerSecond, int world, const std::string& scaling = "weak",
              const std::string& host = "bench-a", const std::string& data = "files") {
  tbtest::RunResultBuilder builder;
  builder.host(host).dataSource(data);
  builder.workload("fashion-mlp", "fashion-mnist").samples(60000, 10000).plannedEpochs(2);
  builder.batchSize(scaling == "weak" || world == 1 ? 32 : 32 / world).precision("fp32");
  builder.device("cpu", "Test CPU").steadyState(samplesPerSecond);
  builder.epoch(1.0, samplesPerSecond).epoch(1.0, samplesPerSecond).totalSeconds(2.5);
  RunResult result = builder;
  result.device.kind = "cpu";
  if (world > 1) {
    DistributedRecord d;
    d.worldSize = world;
    d.backend = "gloo";
    d.scaling = scaling;
    d.globalBatch = scaling == "weak" ? 32 * world : 32;
    result.distributed = d;
  }
  return result;
}

}  // namespace

class ScalingTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // 2 ranks at 1.8x one rank: 90% efficient; 4 ranks, the median of two runs, at 3.2x: 80%.
  void efficiencyAgainstOneRank() {
    const auto series = scalingSeries({run(1000, 1), run(1800, 2), run(3000, 4), run(3400, 4),
                                       run(3200, 4)});
    QCOMPARE(series.size(), std::size_t{1});  // one-rank runs alone make no strong series
    const auto& points = series[0].points;
    QCOMPARE(points.size(), std::size_t{3});
    QCOMPARE(points[1].worldSize, 2);
    QVERIFY(qAbs(*points[1].efficiency - 0.9) < 1e-12);
    QCOMPARE(points[2].runs, 3);
    QCOMPARE(points[2].samplesPerSecond, 3200.0);
    QVERIFY(qAbs(*points[2].efficiency - 0.8) < 1e-12);
    const QString text = QString::fromStdString(scalingText(series));
    QVERIFY2(text.contains(QLatin1String("| 4 | 3200 | 4000 | 80.0% | 3 |")), qPrintable(text));
    QVERIFY2(text.contains(QLatin1String("weak scaling, batch 32 per rank")), qPrintable(text));
  }

  // A CPU trains ResNet-50 at a few images/s: the figures keep the comparison's decimals, so a
  // row reads what its efficiency says (whole numbers gave "6 | 7" beside 89.7%).
  void slowDevicesKeepTheirDecimals() {
    const std::string text = scalingText(scalingSeries({run(3.456, 1), run(6.2, 2)}));
    QVERIFY2(text.find("| 1 | 3.46 | 3.46 | 100.0% | 1 |") != std::string::npos, text.c_str());
    QVERIFY2(text.find("| 2 | 6.20 | 6.91 | 89.7% | 1 |") != std::string::npos, text.c_str());
  }

  // Strong and weak runs are different series; the one-rank run is the base of both.
  void weakAndStrongApart() {
    const auto series = scalingSeries({run(1000, 1), run(1900, 2, "weak"), run(1500, 2, "strong")});
    QCOMPARE(series.size(), std::size_t{2});
    for (const auto& one : series) QCOMPARE(one.points.front().worldSize, 1);
  }

  // A laptop's one-rank run is no base for a server's two ranks (that read 450% efficient),
  // nor one on synthetic images for a run on the real files.
  void machinesAndDataSourcesAreSeriesOfTheirOwn() {
    const auto series = scalingSeries({run(10000, 1, "weak", "laptop"), run(90000, 2),
                                       run(50000, 1), run(1000, 1, "weak", "bench-a", "synthetic"),
                                       run(1500, 2, "weak", "bench-a", "synthetic")});
    QCOMPARE(series.size(), std::size_t{2});
    const QString title = QString::fromStdString(series[0].title);
    QVERIFY2(title.endsWith(", on bench-a (Test CPU), files data"), qPrintable(title));
    QCOMPARE(series[0].points.size(), std::size_t{2});
    QVERIFY(qAbs(*series[0].points[1].efficiency - 0.9) < 1e-12);
    QVERIFY2(QString::fromStdString(series[1].title).endsWith("synthetic data"),
             series[1].title.c_str());
    QVERIFY(qAbs(*series[1].points[1].efficiency - 0.75) < 1e-12);
  }

  // A legend names each series by what sets it apart: the long titles, cut to fit, all read
  // alike ("…batch 32 per rank, on vm (AMD EPYC), synthetic data").
  void shortNamesSayWhatDiffers() {
    const auto series = scalingSeries({run(10000, 1, "weak", "laptop"), run(18000, 2, "weak", "laptop"),
                                       run(1000, 1), run(1500, 2, "weak", "bench-a", "synthetic")});
    QCOMPARE(series.size(), std::size_t{2});
    const auto names = shortSeriesNames(series);
    QCOMPARE(names.size(), std::size_t{2});
    QCOMPARE(QString::fromStdString(names[0]), QStringLiteral("on laptop (Test CPU), files data"));
    QCOMPARE(QString::fromStdString(names[1]),
             QStringLiteral("on bench-a (Test CPU), synthetic data"));
    const auto alone = scalingSeries({run(1000, 1), run(1900, 2)});
    QCOMPARE(shortSeriesNames(alone).front(), alone.front().title);
  }

  // A run whose steady state is missing (null in its file) is measured by its epochs, as the
  // comparison does: never "nan", and never an answer that depends on the order of the files.
  // That is another measure, warm-up included: such a run is no point of the steady runs'
  // series. Names from the files cannot break the table or the terminal.
  void runsReadAsTheComparisonReadsThem() {
    RunResult noSteadyState = run(1000, 1);
    noSteadyState.steadyState->samplesPerSecond = std::numeric_limits<double>::quiet_NaN();
    RunResult zero = run(1000, 1);
    zero.steadyState->samplesPerSecond = 0.0;
    for (const auto& first : {noSteadyState, zero}) {
      const auto series = scalingSeries({first, run(1000, 1), run(1800, 2)});
      QCOMPARE(series.size(), std::size_t{1});
      QCOMPARE(series[0].points[0].runs, 1);
      QCOMPARE(series[0].points[0].samplesPerSecond, 1000.0);
    }
    RunResult one = run(1000, 1, "weak", "evil\x1b[2J\nfake | line");
    RunResult two = run(1800, 2, "weak", "evil\x1b[2J\nfake | line");
    const std::string text = scalingText(scalingSeries({one, two}));
    QVERIFY2(text.find('\x1b') == std::string::npos, text.c_str());
    QVERIFY2(text.find("\nfake") == std::string::npos, text.c_str());
    QVERIFY2(text.find("2 epochs") != std::string::npos, text.c_str());
  }

  // Runs too short for a steady state (a one-rank run's warm-up epoch at 22 samples/s made two
  // ranks read 475% efficient): a series of their own, whose table says what its figures are.
  void runsWithoutASteadyStateAreSaidToBeEpochMeans() {
    RunResult one = run(1000, 1);
    RunResult two = run(1800, 2);
    one.steadyState.reset();
    two.steadyState.reset();
    const auto series = scalingSeries({one, two, run(1000, 1), run(1900, 2)});
    QCOMPARE(series.size(), std::size_t{2});
    const auto shortOnes = std::find_if(series.begin(), series.end(), [](const ScalingSeries& s) {
      return s.title.find("epoch means (no steady state)") != std::string::npos;
    });
    QVERIFY(shortOnes != series.end());
    QCOMPARE(shortOnes->points.size(), std::size_t{2});
    const std::string text = scalingText(series);
    QVERIFY2(text.find("too short for a steady state") != std::string::npos, text.c_str());
    // Said once, under the short runs' table only.
    QCOMPARE(text.find("too short for a steady state"),
             text.rfind("too short for a steady state"));
  }

  // One-rank bases that differ in what sets their speed are not one point: a 1-thread and a
  // 2-thread run (their median made 2 ranks read 57% efficient), an eager and a graph run (it
  // read 400%), another optimizer, or a disturbed run. Two ranks of 1 thread use the cores one
  // rank of 2 did: the same series.
  void runsThatDifferInSpeedSettingsAreSeriesOfTheirOwn() {
    const auto withThreads = [](double rate, int world, int threadsEach) {
      RunResult r = run(rate, world);
      r.config.threads = threadsEach;
      return r;
    };
    auto series = scalingSeries(
        {withThreads(50000, 1, 1), withThreads(90000, 1, 2), withThreads(80000, 2, 1)});
    QCOMPARE(series.size(), std::size_t{1});  // the 1-thread base has no multi-rank run
    QCOMPARE(series[0].points[0].samplesPerSecond, 90000.0);
    QCOMPARE(series[0].points[0].runs, 1);
    QVERIFY(qAbs(*series[0].points[1].efficiency - 80000.0 / 180000.0) < 1e-12);
    QVERIFY2(series[0].title.find(", 2 threads,") != std::string::npos, series[0].title.c_str());

    RunResult graph = run(10000, 1);
    graph.config.execution = "graph";
    RunResult eager = run(50000, 1);
    eager.config.execution = "eager";
    RunResult twoEager = run(90000, 2);
    twoEager.config.execution = "eager";
    RunResult sgd = run(5000, 1);
    sgd.config.execution = "eager";
    sgd.config.optimizer = "sgd";
    RunResult disturbed = run(5000, 1);
    disturbed.config.execution = "eager";
    disturbed.validity = ValidityRecord{true, {"Other processes used 1.0 of 2 cores"}};
    series = scalingSeries({graph, eager, twoEager, sgd, disturbed});
    QCOMPARE(series.size(), std::size_t{1});
    QCOMPARE(series[0].points[0].samplesPerSecond, 50000.0);
    QVERIFY(qAbs(*series[0].points[1].efficiency - 0.9) < 1e-12);
  }

  // Values from a shared file too large to double: no "inf" ideal, no 0% efficiency.
  void hugeValuesGiveNoEfficiency() {
    const auto series = scalingSeries({run(1.7e308, 1), run(1.7e308, 2)});
    QCOMPARE(series.size(), std::size_t{1});
    QVERIFY(!series[0].points[1].efficiency);
    const std::string text = scalingText(series);
    QVERIFY2(text.find("inf") == std::string::npos, text.c_str());
    QVERIFY2(text.find("| 2 | ") != std::string::npos && text.find("| n/a | n/a |") != std::string::npos,
             text.c_str());
    // Threads and ranks each as large as a file's int holds: their product is capped, not an
    // overflow (undefined behaviour, a negative count in the series' name).
    RunResult many = run(100.0, 2);
    many.config.threads = std::numeric_limits<int>::max();
    QCOMPARE(threadsOnMachine(many), std::numeric_limits<int>::max());
  }

  // `--device cuda:0 --data-parallel 4` puts four ranks on one GPU: no point on the curve of
  // four GPUs (it read 59% efficient there), a series of its own with no base.
  void ranksSharingAGpuAreASeriesOfTheirOwn() {
    const auto onGpus = [](double samplesPerSecond, const std::vector<std::string>& devices) {
      RunResult r = run(samplesPerSecond, static_cast<int>(devices.size()));
      r.device = {"cuda:0", "cuda", "NVIDIA H100"};
      for (std::size_t i = 0; i < devices.size() && r.distributed; ++i) {
        r.distributed->ranks.push_back({static_cast<int>(i), "bench-a", devices[i]});
      }
      return r;
    };
    const auto series =
        scalingSeries({onGpus(1000, {"cuda:0"}), onGpus(3900, {"cuda:0", "cuda:1", "cuda:2", "cuda:3"}),
                       onGpus(1100, {"cuda:0", "cuda:0", "cuda:0", "cuda:0"})});
    QCOMPARE(series.size(), std::size_t{2});
    QCOMPARE(series[0].points.size(), std::size_t{2});
    QVERIFY(qAbs(*series[0].points[1].efficiency - 0.975) < 1e-12);
    QVERIFY2(QString::fromStdString(series[1].title).endsWith(", ranks on cuda:0"),
             series[1].title.c_str());
    QCOMPARE(series[1].points.size(), std::size_t{1});
    QCOMPARE(series[1].points[0].samplesPerSecond, 1100.0);
    QVERIFY(!series[1].points[0].efficiency);
  }

  // Eight GPUs in one machine and eight across two (the network between them is measured too)
  // are two points, not the median of both; each has its efficiency against the one GPU.
  void ranksAcrossMachinesAreAPointOfTheirOwn() {
    const auto onHosts = [](double samplesPerSecond, const std::vector<std::string>& hosts) {
      RunResult r = run(samplesPerSecond, static_cast<int>(hosts.size()));
      r.device = {"cuda:0", "cuda", "NVIDIA H100"};
      for (std::size_t i = 0; i < hosts.size() && r.distributed; ++i) {
        r.distributed->ranks.push_back(
            {static_cast<int>(i), hosts[i], "cuda:" + std::to_string(i % 4)});
      }
      return r;
    };
    const std::vector<std::string> oneHost(4, "bench-a");
    std::vector<std::string> twoHosts = {"bench-a", "bench-a", "bench-b", "bench-b"};
    const auto series =
        scalingSeries({onHosts(1000, {"bench-a"}), onHosts(3800, oneHost), onHosts(3000, twoHosts)});
    QCOMPARE(series.size(), std::size_t{1});
    const auto& points = series[0].points;
    QCOMPARE(points.size(), std::size_t{3});
    QCOMPARE(points[1].worldSize, 4);
    QCOMPARE(points[1].machines, 1);
    QCOMPARE(points[1].samplesPerSecond, 3800.0);
    QCOMPARE(points[2].worldSize, 4);
    QCOMPARE(points[2].machines, 2);
    QVERIFY(qAbs(*points[2].efficiency - 0.75) < 1e-12);
    const QString text = QString::fromStdString(scalingText(series));
    QVERIFY2(text.contains(QLatin1String("| 4 | 3800 | 4000 | 95.0% | 1 |")), qPrintable(text));
    QVERIFY2(text.contains(QLatin1String("| 4 (2 machines) | 3000 | 4000 | 75.0% | 1 |")),
             qPrintable(text));
    const QString json = QString::fromStdString(scalingJson(series));
    QVERIFY2(json.contains(QLatin1String("\"machines\": 2")), qPrintable(json));
  }

  void withoutOneRankNoEfficiency() {
    const auto series = scalingSeries({run(1800, 2), run(3000, 4)});
    QCOMPARE(series.size(), std::size_t{1});
    QVERIFY(!series[0].points[0].efficiency);
    QVERIFY(QString::fromStdString(scalingText(series)).contains("efficiency needs one"));
    QVERIFY(QString::fromStdString(scalingText({})).contains("No completed data-parallel runs"));
  }

  // A disturbed one-rank run is no base (a series of its own, which has no data-parallel run to
  // show): the quiet series says it was left out, not that there was none.
  void aDisturbedOneRankRunIsSaidToBeLeftOut() {
    RunResult disturbed = run(1000, 1);
    disturbed.validity = ValidityRecord{true, {"Other processes used 1.0 of 2 cores"}};
    const auto series = scalingSeries({disturbed, run(1800, 2)});
    QCOMPARE(series.size(), std::size_t{1});
    QVERIFY(!series[0].points[0].efficiency);
    QCOMPARE(series[0].disturbedOneRankRuns, 1);
    const QString text = QString::fromStdString(scalingText(series));
    QVERIFY2(
        text.contains(QLatin1String("No quiet one-rank run of this configuration (1 disturbed")),
        qPrintable(text));
    QVERIFY2(QString::fromStdString(scalingJson(series))
                 .contains(QLatin1String("\"disturbed_one_rank_runs\": 1")),
             qPrintable(text));
    // A quiet one beside it is the base, and nothing is said.
    const auto based = scalingSeries({disturbed, run(1000, 1), run(1800, 2)});
    QCOMPARE(based[0].disturbedOneRankRuns, 0);
    QVERIFY(based[0].points[1].efficiency);
  }
};

QTEST_GUILESS_MAIN(ScalingTest)
#include "tst_scaling.moc"
