// "Data-parallel over the ticked devices" as a user meets it: the setup turns ticked
// devices into one run (CPU ranks here; the tests never assume a GPU), refuses what a
// data-parallel run cannot do, the run trains through trainbench-cli with live epochs and one
// result, Stop ends it as cancelled, and the comparison draws the scaling chart.
#include "comparison/comparison_panel.h"
#include "comparison/scaling_chart.h"
#include "model/run_collection.h"
#include "panels/setup_panel.h"
#include "run/cli_run.h"
#include "run/run_controller.h"

#include "../support/fake_cli.h"
#include "../support/run_result_builder.h"
#include "../support/synthetic_run.h"
#include "../support/tick_labels.h"

#include <QDir>
#include <QFile>
#include <QSettings>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

#include "common/qcustomplot_include.h"

using namespace tb;
using namespace tb::ui;

namespace {

constexpr int kRunTimeoutMs = 180000;

RunResult scalingRun(double samplesPerSecond, int world) {
  tbtest::RunResultBuilder builder;
  builder.workload("fashion-mlp", "fashion-mnist").samples(60000, 10000).plannedEpochs(1);
  builder.batchSize(32).precision("fp32").device("cpu", "Test CPU").steadyState(samplesPerSecond);
  builder.epoch(1.0, samplesPerSecond).totalSeconds(1.5);
  RunResult result = builder;
  result.device.kind = "cpu";
  if (world > 1) {
    DistributedRecord record;
    record.worldSize = world;
    record.backend = "gloo";
    record.scaling = "weak";
    record.globalBatch = 32 * world;
    result.distributed = record;
  }
  return result;
}

// Skips the calling test where trainbench-cli was built without data-parallel runs.
bool builtWithoutDataParallel(const RunResult& result) {
  return result.error.find("built without data-parallel") != std::string::npos;
}

}  // namespace

class DataParallelUiTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void cpuRanksMakeOneRun() {
    SetupPanel setup;
    setup.setCheckedDevices({QStringLiteral("cpu")});
    QVERIFY(!setup.dataParallelPlan());  // off by default
    setup.setDataParallel(true, 3);
    QVERIFY2(setup.problem().isEmpty(), qPrintable(setup.problem()));
    const auto plan = setup.dataParallelPlan();
    QVERIFY(plan);
    QCOMPARE(plan->ranks, 3);
    QCOMPARE(QString::fromStdString(plan->config.device), QStringLiteral("cpu"));
    QVERIFY(plan->cudaDevices.isEmpty());
  }

  void repeatsAndQuickAreRefused() {
    SetupPanel setup;
    setup.setCheckedDevices({QStringLiteral("cpu")});
    setup.setDataParallel(true, 2);
    setup.setRepeats(3);
    QVERIFY(setup.problem().contains(QLatin1String("Repeats to 1")));
    QVERIFY(!setup.runButton()->isEnabled());
    setup.setRepeats(1);
    setup.setQuick(true);
    QVERIFY(setup.problem().contains(QLatin1String("Length to Full")));
    setup.setQuick(false);
    QVERIFY(setup.problem().isEmpty());
    QVERIFY(setup.runButton()->isEnabled());
  }

  // Scaling: strong splits the batch across the ranks, so a batch that does not divide is
  // refused before Run, as the CLI would refuse it; the choice reaches the command line and
  // survives a restart.
  void strongScalingReachesTheCommandLine() {
    SetupPanel setup;
    setup.setCheckedDevices({QStringLiteral("cpu")});
    setup.setDataParallel(true, 3);
    QCOMPARE(setup.scaling(), QStringLiteral("weak"));  // the CLI's default
    auto plan = setup.dataParallelPlan();
    QVERIFY(plan && !plan->config.strongScaling);
    QVERIFY(!CliRun::arguments(plan->config, 3, QStringLiteral("/tmp/out")).contains(
        QStringLiteral("--scaling")));

    setup.setScaling(QStringLiteral("strong"));
    QVERIFY2(setup.problem().startsWith(QStringLiteral(
                 "Strong scaling splits the batch of 32 across 3 ranks: give a \u201cBatch "
                 "size\u201d that is a multiple of 3")),
             qPrintable(setup.problem()));
    QVERIFY(!setup.runButton()->isEnabled());
    setup.setDataParallel(true, 2);
    QVERIFY2(setup.problem().isEmpty(), qPrintable(setup.problem()));
    plan = setup.dataParallelPlan();
    QVERIFY(plan && plan->config.strongScaling);
    const QString line = CliRun::arguments(plan->config, 2, QStringLiteral("/tmp/out")).join(u' ');
    QVERIFY2(line.contains(QLatin1String("--scaling strong")), qPrintable(line));

    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("setup.ini")), QSettings::IniFormat);
    setup.saveSettings(settings);
    SetupPanel restored;
    restored.restoreSettings(settings);
    QCOMPARE(restored.scaling(), QStringLiteral("strong"));
  }

  void commandLineCarriesTheSetup() {
    RunConfig config = tbtest::syntheticRun(2, 512, 64);
    config.threads = 4;
    config.precision = "bf16";
    const QStringList args = CliRun::arguments(config, 2, QStringLiteral("/tmp/out"));
    const QString line = args.join(QLatin1Char(' '));
    QVERIFY2(line.contains(QLatin1String("--data-parallel 2")), qPrintable(line));
    // The run's threads: the CLI gives each rank its share (it split them a second time).
    QVERIFY2(line.contains(QLatin1String("--threads 4")), qPrintable(line));
    QVERIFY2(line.contains(QLatin1String("--epochs 2 ")), qPrintable(line));
    QVERIFY2(line.contains(QLatin1String("--train-limit 512")), qPrintable(line));
    QVERIFY2(line.contains(QLatin1String("--precision bf16")), qPrintable(line));
    QVERIFY2(line.contains(QLatin1String("--synthetic")), qPrintable(line));
    QVERIFY2(line.contains(QLatin1String("--progress-json")), qPrintable(line));
    QVERIFY2(line.contains(QLatin1String("--out /tmp/out/")), qPrintable(line));
    QVERIFY2(!line.contains(QLatin1String("--learning-rate")), qPrintable(line));  // the workload's

    // A typed rate reaches the ranks as typed, not rounded to 6 digits.
    config.learningRate = 0.0012345678;
    const QStringList rated = CliRun::arguments(config, 2, QStringLiteral("/tmp/out"));
    const auto flag = rated.indexOf(QStringLiteral("--learning-rate"));
    QVERIFY(flag >= 0 && flag + 1 < rated.size());
    QCOMPARE(rated.at(flag + 1), QStringLiteral("0.0012345678"));
    QCOMPARE(rated.at(flag + 1).toDouble(), config.learningRate);

    // The app's utilisation interval is the ranks' sampling interval.
    config.telemetryIntervalSeconds = 0.5;
    const QString sampled = CliRun::arguments(config, 2, QStringLiteral("/tmp/out")).join(u' ');
    QVERIFY2(sampled.contains(QLatin1String("--telemetry-interval 0.5 ")), qPrintable(sampled));
  }

  // Through the controller, as the Run button does: live epochs, then one result of two ranks.
  void runTrainsThroughTheCli() {
    QVERIFY2(!CliRun::program().isEmpty(), "TRAINBENCH_CLI must name trainbench-cli");
    RunController controller;
    QSignalSpy started(&controller, &RunController::runStarted);
    QSignalSpy epochs(&controller, &RunController::epochFinished);
    QSignalSpy finished(&controller, &RunController::runFinished);
    const int id = controller.enqueueDataParallel(tbtest::syntheticRun(2, 256, 64), 2, QString());
    QVERIFY(finished.wait(kRunTimeoutMs));
    const auto result = finished.first().at(1).value<RunResult>();
    if (builtWithoutDataParallel(result)) QSKIP("trainbench-cli was built without data-parallel");
    QCOMPARE(finished.first().at(0).toInt(), id);
    QVERIFY2(result.status == RunStatus::Completed, result.error.c_str());
    QVERIFY(result.distributed);
    QCOMPARE(result.distributed->worldSize, 2);
    QCOMPARE(started.size(), 1);
    // The CLI's header, read back: the charts name the run's workload and size from it.
    const auto header = started.first().at(1).value<RunStarted>().header;
    QCOMPARE(header.workload.name, std::string("fashion-mlp"));
    QCOMPARE(header.workload.trainSamples, std::int64_t{256});
    QCOMPARE(epochs.size(), 2);
    QCOMPARE(epochs.last().at(1).value<EpochRecord>().epoch, 2);
    QVERIFY(!controller.isBusy());
  }

  void stopCancelsTheRun() {
    RunController controller;
    QSignalSpy epochs(&controller, &RunController::epochFinished);
    QSignalSpy finished(&controller, &RunController::runFinished);
    controller.enqueueDataParallel(tbtest::syntheticRun(100000, 256, 64), 2, QString());
    if (!epochs.wait(kRunTimeoutMs)) {
      QVERIFY(finished.size() == 1 || finished.wait(kRunTimeoutMs));
      const auto early = finished.first().at(1).value<RunResult>();
      if (builtWithoutDataParallel(early)) QSKIP("trainbench-cli was built without data-parallel");
      QFAIL(early.error.c_str());
    }
    controller.stop();
    QVERIFY(finished.wait(kRunTimeoutMs));
    const auto result = finished.first().at(1).value<RunResult>();
    QCOMPARE(result.status, RunStatus::Cancelled);
    QVERIFY2(!result.epochs.empty(), "the cancelled run lost its epochs");
    QVERIFY(result.distributed);
    QCOMPARE(controller.queue().first().state, QueuedRun::State::Cancelled);
  }

  // Stop pressed twice, or Stop and then closing the window: the CLI takes a second signal as
  // "end at once, unsaved", which threw the trained epochs away. The app signals a run once.
  // A stand-in CLI counts the signals it gets.
  void stopSignalsTheCliOnce() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString ready = dir.filePath(QStringLiteral("ready"));
    const QString signalLog = dir.filePath(QStringLiteral("signals"));
    const tbtest::FakeCli cli(dir.path(),
                      QStringLiteral("#!/bin/sh\n"
                                     "trap 'echo TERM >> \"%1\"; stopping=1' TERM\n"
                                     ": > \"%2\"\n"
                                     "n=0\n"
                                     "while [ $n -lt 3000 ]; do\n"
                                     "  sleep 0.1 & wait $!\n"
                                     "  [ -n \"$stopping\" ] && [ -e \"%3\" ] && exit 130\n"
                                     "  n=$((n+1))\n"
                                     "done\n")
                          .arg(signalLog, ready, dir.filePath(QStringLiteral("done")))
                          .toUtf8());
    QVERIFY(cli.ok());
    RunController controller;
    QSignalSpy finished(&controller, &RunController::runFinished);
    controller.enqueueDataParallel(tbtest::syntheticRun(1, 256, 64), 2, QString());
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(ready), kRunTimeoutMs);
    controller.stop();
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(signalLog), kRunTimeoutMs);  // the first one landed
    controller.stop();
    QFile(dir.filePath(QStringLiteral("done"))).open(QIODevice::WriteOnly);  // now it may end
    QVERIFY(finished.wait(kRunTimeoutMs));
    QFile received(signalLog);
    QVERIFY(received.open(QIODevice::ReadOnly));
    QCOMPARE(received.readAll(), QByteArray("TERM\n"));
    QCOMPARE(finished.first().at(1).value<RunResult>().status, RunStatus::Cancelled);
  }

  // Data missing for a data-parallel run: the CLI ends before any result with its data exit
  // code, and the run's failure is a data failure, so the notice offers Download dataset.
  void missingDataIsADataFailure() {
    QTemporaryDir empty;
    QVERIFY(empty.isValid());
    RunConfig config = tbtest::syntheticRun(1, 256, 64);
    config.synthetic = false;
    config.dataDir = empty.path().toStdString();
    RunController controller;
    QSignalSpy finished(&controller, &RunController::runFinished);
    controller.enqueueDataParallel(config, 2, QString());
    QVERIFY(finished.wait(kRunTimeoutMs));
    const auto result = finished.first().at(1).value<RunResult>();
    if (builtWithoutDataParallel(result)) QSKIP("trainbench-cli was built without data-parallel");
    QCOMPARE(result.status, RunStatus::Failed);
    QVERIFY2(result.failure == FailureKind::Data, result.error.c_str());
    QVERIFY2(result.error.find("data not found") != std::string::npos, result.error.c_str());
  }

  // Exit code 3 is also a result the CLI could not save, or a results folder it refused: no
  // dataset helps there, so it is no data failure (which would offer Download dataset). A
  // stand-in CLI says so and exits 3.
  void unsavableResultIsNoDataFailure_data() {
    QTest::addColumn<QByteArray>("error");
    QTest::newRow("save failed") << QByteArray("cannot save the result: No space left on device");
    QTest::newRow("--out refused") << QByteArray("--out: /r/x.json: No space left on device");
    QTest::newRow("a rank's --out refused")
        << QByteArray("rank 1 cannot train: --out: /r/: No space left on device");
  }
  void unsavableResultIsNoDataFailure() {
    QFETCH(QByteArray, error);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const tbtest::FakeCli cli(dir.path(), "#!/bin/sh\necho 'trainbench-cli: error: " + error + "' >&2\nexit 3\n");
    QVERIFY(cli.ok());
    RunController controller;
    QSignalSpy finished(&controller, &RunController::runFinished);
    controller.enqueueDataParallel(tbtest::syntheticRun(1, 256, 64), 2, QString());
    QVERIFY(finished.wait(kRunTimeoutMs));
    const auto result = finished.first().at(1).value<RunResult>();
    QCOMPARE(result.status, RunStatus::Failed);
    QVERIFY2(result.failure == FailureKind::Run, result.error.c_str());
    QVERIFY2(result.error.find("No space left") != std::string::npos, result.error.c_str());
  }

  // A figure the CLI sends as null (it writes what is not a number so) stays missing, as in an
  // in-process run: it read 0, a point at the bottom of the epoch-time and throughput charts.
  void missingFiguresFromTheCliStayMissing() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const tbtest::FakeCli cli(dir.path(),
                      "#!/bin/sh\n"
                      "echo '{\"event\":\"epoch\",\"epoch\":1,\"train_loss\":0.5,"
                      "\"train_accuracy\":0.8,\"seconds\":null,\"samples_per_second\":null}'\n"
                      "echo 'trainbench-cli: error: stopped' >&2\nexit 3\n");
    QVERIFY(cli.ok());
    RunController controller;
    QSignalSpy epochs(&controller, &RunController::epochFinished);
    QSignalSpy finished(&controller, &RunController::runFinished);
    controller.enqueueDataParallel(tbtest::syntheticRun(1, 256, 64), 2, QString());
    QVERIFY(finished.wait(kRunTimeoutMs));
    QCOMPARE(epochs.size(), 1);
    const auto epoch = epochs.first().at(1).value<EpochRecord>();
    QCOMPARE(epoch.trainLoss, 0.5);
    QVERIFY(std::isnan(epoch.seconds) && std::isnan(epoch.samplesPerSecond));
  }

  void scalingChartDrawsIdealAndEfficiency() {
    ScalingChart chart;
    chart.setResults({scalingRun(1000, 1)});
    QCOMPARE(chart.seriesCount(), 0);  // one-rank runs alone are no scaling series
    QCOMPARE(chart.plot()->graphCount(), 0);
    chart.setResults({scalingRun(1000, 1), scalingRun(1800, 2), scalingRun(3200, 4)});
    QCOMPARE(chart.seriesCount(), 1);
    QCOMPARE(chart.plot()->graphCount(), 2);  // measured and ideal
    QCPGraph* ideal = chart.plot()->graph(1);
    QCOMPARE(ideal->data()->size(), 2);
    QCOMPARE((ideal->data()->end() - 1)->value, 4000.0);
    QStringList labels;
    for (int i = 0; i < chart.plot()->itemCount(); ++i) {
      if (auto* text = qobject_cast<QCPItemText*>(chart.plot()->item(i))) labels << text->text();
    }
    QVERIFY2(labels.contains(QLatin1String("90%")) && labels.contains(QLatin1String("80%")),
             qPrintable(labels.join(QLatin1Char(' '))));

    // Its one-rank run disturbed: no base, and the chart says why, as `scaling` does.
    RunResult disturbed = scalingRun(1000, 1);
    disturbed.validity = ValidityRecord{true, {"Other processes used 1.0 of 2 cores"}};
    chart.setResults({disturbed, scalingRun(1800, 2)});
    QCOMPARE(chart.plot()->graphCount(), 1);  // no ideal line
    labels.clear();
    for (int i = 0; i < chart.plot()->itemCount(); ++i) {
      if (auto* text = qobject_cast<QCPItemText*>(chart.plot()->item(i))) labels << text->text();
    }
    QVERIFY2(
        labels.join(QLatin1Char(' ')).contains(QLatin1String("the one-rank run\nwas disturbed")),
        qPrintable(labels.join(QLatin1Char(' '))));
  }

  // Two series: a legend under the plot (inside, its long names hid every point) naming each by
  // what sets it apart, one entry per series (not one more per ideal line).
  void scalingLegendNamesWhatDiffers() {
    ScalingChart chart;
    RunResult small = scalingRun(900, 1);
    small.workload.trainSamples = 4000;
    RunResult smallTwo = scalingRun(1700, 2);
    smallTwo.workload.trainSamples = 4000;
    chart.setResults({scalingRun(1000, 1), scalingRun(1800, 2), small, smallTwo});
    QCOMPARE(chart.seriesCount(), 2);
    QCPLegend* legend = chart.plot()->legend;
    QVERIFY(legend->visible());
    QVERIFY(!chart.plot()->axisRect()->insetLayout()->elements(false).contains(legend));
    QCOMPARE(legend->itemCount(), 2);
    QCOMPARE(chart.plot()->graph(0)->name(), QStringLiteral("60000 images x 1 epoch"));
    QCOMPARE(chart.plot()->graph(2)->name(), QStringLiteral("4000 images x 1 epoch"));
    // One series again: no legend, and no empty row kept for it under the plot.
    const int rowsWithLegend = chart.plot()->plotLayout()->rowCount();
    chart.setResults({scalingRun(1000, 1), scalingRun(1800, 2)});
    QVERIFY(!legend->visible());
    QCOMPARE(chart.plot()->plotLayout()->rowCount(), rowsWithLegend - 1);
    chart.setResults({scalingRun(1000, 1), scalingRun(1800, 2), small, smallTwo});
    QCOMPARE(chart.plot()->plotLayout()->rowCount(), rowsWithLegend);
  }

  // The comparison shows the Scaling tab once a data-parallel run is open, and turns to it.
  void comparisonOffersScalingForDataParallelRuns() {
    RunCollection runs;
    ComparisonPanel panel(&runs);
    runs.add(scalingRun(1000, 1));
    panel.refreshNow();
    QVERIFY(!panel.chartTabs()->isTabVisible(1));
    QCOMPARE(panel.chartTabs()->currentIndex(), 0);
    runs.add(scalingRun(1900, 2));
    panel.refreshNow();
    QVERIFY(panel.chartTabs()->isTabVisible(1));
    QCOMPARE(panel.chartTabs()->currentIndex(), 1);
    QCOMPARE(panel.scalingChart()->seriesCount(), 1);
  }

  // The Scaling tab, first drawn while hidden, reads whole once it is turned to: ticks for the
  // size it is shown at (it once showed only "0" on its value axis and "2" under the ranks).
  void scalingTabShownLaterHasReadableTicks() {
    RunCollection runs;
    ComparisonPanel panel(&runs);
    panel.resize(1000, 420);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    runs.add(scalingRun(64000, 1));
    panel.refreshNow();
    runs.add(scalingRun(20000, 2));
    panel.refreshNow();
    QCOMPARE(panel.chartTabs()->currentIndex(), 1);
    const QCustomPlot* plot = panel.scalingChart()->plot();
    QTRY_VERIFY2(tbtest::ticksInRange(plot->xAxis) >= 2 && tbtest::ticksInRange(plot->yAxis) >= 3,
                 qPrintable(QStringLiteral("%1 rank ticks, %2 value ticks")
                                .arg(tbtest::ticksInRange(plot->xAxis))
                                .arg(tbtest::ticksInRange(plot->yAxis))));
    QVERIFY2(tbtest::crowdedTickLabels(*plot).isEmpty(), qPrintable(tbtest::crowdedTickLabels(*plot)));
  }
};

QTEST_MAIN(DataParallelUiTest)
#include "tst_data_parallel_ui.moc"
