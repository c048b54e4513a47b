// The peak probe and what it feeds: plausible CPU figures, the figures stored with each run's
// device facts, and achieved TFLOPS, efficiency and peak ratios in the comparison.
#include "devices/peak_probe.h"
#include "engine/trainer.h"
#include "models/workload.h"
#include "results/comparison.h"
#include "results/result_file.h"

#include "../support/run_result_builder.h"

#include <torch/torch.h>

#include <QtTest>

using namespace tb;

namespace {

ProbeOptions tinyProbe() {
  ProbeOptions options;
  options.secondsPerFigure = 0.02;
  options.matrixSize = 128;
  options.copyBytes = 1 << 20;
  return options;
}

RunResult completedRun(const std::string& device, double samplesPerSecond, double totalSeconds,
                       std::optional<double> fp32Peak) {
  return tbtest::RunResultBuilder()
      .workload("fashion-mlp")
      .flopsPerSample(609792.0)
      .precision("fp32")
      .device(device, "test device")
      .peakFp32Tflops(fp32Peak)
      .epoch(1.0, samplesPerSecond)
      .loss(0.5)
      .accuracy(0.8)
      .totalSeconds(totalSeconds);
}

}  // namespace

class ProbeTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // On any CPU the figures are positive and far from absurd; GPU-only precisions stay absent.
  void cpuProbeIsPlausible() {
    at::set_num_threads(1);
    const PeakFigures peak = probeDevice(parseDeviceId("cpu"), tinyProbe());
    QVERIFY(peak.fp32Tflops);
    QVERIFY2(*peak.fp32Tflops > 1e-4 && *peak.fp32Tflops < 50.0,
             qPrintable(QString::number(*peak.fp32Tflops)));
    QVERIFY(peak.bandwidthGbs);
    QVERIFY2(*peak.bandwidthGbs > 0.05 && *peak.bandwidthGbs < 5000.0,
             qPrintable(QString::number(*peak.bandwidthGbs)));
    QVERIFY(!peak.tf32Tflops && !peak.fp16Tflops);
    // bf16 is either measured or left out with the reason.
    QVERIFY(peak.bf16Tflops ? *peak.bf16Tflops > 0.0 : !peak.note.empty());
  }

  // Ctrl-C during the probe before a run: the probe stops and its cut-short figures are neither
  // used nor kept, so the next run measures again.
  void cancelledProbeIsNotKept() {
    at::set_num_threads(1);
    const std::atomic<bool> cancel{true};
    QVERIFY(!cachedPeak(parseDeviceId("cpu"), &cancel));
    const auto measured = cachedPeak(parseDeviceId("cpu"));
    QVERIFY(measured && measured->fp32Tflops);
  }

  // A run records the measured peak with its device facts, and reads as a share of it.
  void runRecordsPeakAndEfficiency() {
    qunsetenv("TRAINBENCH_SKIP_PROBE");
    RunConfig config;
    config.synthetic = true;
    config.epochs = 1;
    config.trainLimit = 512;
    config.testLimit = 64;
    config.threads = 1;
    RunObserver observer;
    std::atomic<bool> cancel{false};
    const RunResult result = runTraining(config, observer, cancel);
    QVERIFY2(result.status == RunStatus::Completed, result.error.c_str());
    QVERIFY(result.device.peak && result.device.peak->fp32Tflops);
    QVERIFY(result.workload.flopsPerSample);

    const ComparisonRow row = comparisonRow(result);
    QVERIFY(row.achievedTflops && row.efficiency);
    // The share of the peak, not bounded by 1 here: on a loaded machine the probe may have
    // measured a depressed peak, then the run had the cores to itself.
    QVERIFY(*row.efficiency > 0.0);
    QCOMPARE(*row.efficiency, *row.achievedTflops / *result.device.peak->fp32Tflops);

    // The peak travels in the result file; so does its absence.
    const RunResult back = fromJson(toJson(result), "peak.json");
    QVERIFY(back.device.peak);
    QCOMPARE(*back.device.peak->fp32Tflops, *result.device.peak->fp32Tflops);
    QCOMPARE(back.device.peak->bf16Tflops.has_value(), result.device.peak->bf16Tflops.has_value());
    RunResult without = result;
    without.device.peak.reset();
    QVERIFY(!fromJson(toJson(without), "none.json").device.peak);
    QVERIFY(toJson(without).find("\"peak\"") == std::string::npos);

    // Asked not to probe (the test suites, --no-probe), a run records no peak.
    qputenv("TRAINBENCH_SKIP_PROBE", "1");
    QVERIFY(!runTraining(config, observer, cancel).device.peak);
  }

  // Achieved TFLOPS is FLOPs per sample times samples per second; efficiency its share of peak.
  void comparisonComputesAchievedAndEfficiency() {
    const ComparisonRow row = comparisonRow(completedRun("cpu", 100000.0, 10.0, 0.5));
    QCOMPARE(*row.achievedTflops, 609792.0 * 100000.0 / 1e12);
    QCOMPARE(*row.efficiency, *row.achievedTflops / 0.5);
    QCOMPARE(formatTflops(*row.achievedTflops), std::string("0.0610"));
    QCOMPARE(formatEfficiency(*row.efficiency), std::string("12.2%"));
    // An MLP in bf16 on an H200 reaches 0.0016% of its peak: a figure, not "0.00%".
    QCOMPARE(formatEfficiency(0.0073), std::string("0.73%"));
    QCOMPARE(formatEfficiency(0.000016), std::string("0.0016%"));
    QCOMPARE(formatEfficiency(0.0000002), std::string("0.00002%"));
    // Without a measured peak (or known FLOPs) the figures are absent, not 0.
    QVERIFY(!comparisonRow(completedRun("cpu", 100000.0, 10.0, std::nullopt)).efficiency);
    RunResult unknownFlops = completedRun("cpu", 100000.0, 10.0, 0.5);
    unknownFlops.workload.flopsPerSample.reset();
    QVERIFY(!comparisonRow(unknownFlops).achievedTflops);
  }

  // The article's question, side by side: the ratio of measured peaks next to the speed-up.
  void comparisonShowsPeakRatioNextToSpeedup() {
    std::vector<ComparisonRow> rows = {
        comparisonRow(completedRun("cpu", 1e5, 100.0, 0.5)),
        comparisonRow(completedRun("cuda:0", 1e6, 10.0, 50.0)),
        comparisonRow(completedRun("cuda:1", 1e6, 10.0, std::nullopt))};
    applySpeedups(rows, 0);
    QCOMPARE(*rows[1].peakRatio, 100.0);
    QCOMPARE(*rows[1].speedup, 10.0);
    QVERIFY(!rows[2].peakRatio);
    const std::string markdown = comparisonMarkdown(rows);
    QVERIFY(markdown.find("| 100.00x |") != std::string::npos);
    QVERIFY(markdown.find("Peak ratio: ") != std::string::npos);
    const std::string csv = comparisonCsv(rows);
    QVERIFY(csv.find(",precision,achieved_tflops,peak_tflops,efficiency,peak_ratio,n,") !=
            std::string::npos);
    QVERIFY(csv.find(",fp32,0.0609792,0.5,0.121958") != std::string::npos);
  }
};

QTEST_APPLESS_MAIN(ProbeTest)
#include "tst_probe.moc"
