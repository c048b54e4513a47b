// GPU figures in the desktop app: the GPU utilisation and memory charts appear only for runs with
// GPU telemetry (gaps where NVML gave nothing), and the comparison shows achieved TFLOPS,
// efficiency and the peak ratio where they are known, "n/a" where not.
#include "charts/chart_panel.h"
#include "charts/gpu_charts.h"
#include "common/qcustomplot_include.h"
#include "comparison/comparison_panel.h"
#include "model/run_collection.h"

#include "../support/run_result_builder.h"

#include <QTableWidget>
#include <QtTest>

#include <cmath>

using namespace tb;
using namespace tb::ui;

namespace {

RunResult finishedRun(const std::string& device, double totalSeconds, std::optional<double> peak) {
  tbtest::RunResultBuilder run;
  run.workload("fashion-mlp").flopsPerSample(609792.0).precision("fp32");
  run.device(device, device + " name").peakFp32Tflops(peak).host("host");
  run.epoch(totalSeconds, 60000.0 / totalSeconds).loss(0.5).accuracy(0.8);
  run.totalSeconds(totalSeconds);
  for (int i = 0; i < 4; ++i) run.sample({1.0 * i, 40.0, 90.0, 100.0});
  return run;
}

// A GPU run whose second sample lacks utilisation (NVML said NOT_SUPPORTED that time).
RunResult gpuRun() {
  RunResult result = finishedRun("cuda:0", 2.0, 50.0);
  for (std::size_t i = 0; i < result.timeline.size(); ++i) {
    GpuSample gpu;
    gpu.device = "cuda:0";
    if (i != 1) gpu.utilPercent = 90.0;
    gpu.memoryUsedMb = 2048.0;
    gpu.memoryTotalMb = 81920.0;
    result.timeline[i].gpus.push_back(gpu);
  }
  return result;
}

QCustomPlot* plotTitled(const ChartPanel& panel, const QString& title) {
  const int index = static_cast<int>(panel.plotTitles().indexOf(title));
  return index >= 0 ? panel.plots()[index] : nullptr;
}

QString cell(const ComparisonPanel& panel, int row, int column) {
  const QTableWidgetItem* item = panel.table()->item(row, column);
  return item ? item->text() : QString();
}

}  // namespace

class GpuFiguresTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // A CPU-only machine must not show empty GPU charts.
  void gpuChartsHiddenWithoutGpuTelemetry() {
    RunCollection runs;
    ChartPanel panel(&runs);
    for (const ChartSpec& spec : gpuChartSpecs()) panel.addChart(spec);
    runs.add(finishedRun("cpu", 10.0, std::nullopt));
    panel.replotNow();
    QVERIFY(!panel.plotTitles().contains(QStringLiteral("GPU utilisation")));
    QVERIFY(!panel.plotTitles().contains(QStringLiteral("GPU memory")));
  }

  // A GPU run brings both charts; a reading NVML could not give is a gap, never a 0.
  void gpuChartsShowGpuRunWithGaps() {
    RunCollection runs;
    ChartPanel panel(&runs);
    for (const ChartSpec& spec : gpuChartSpecs()) panel.addChart(spec);
    runs.add(finishedRun("cpu", 10.0, std::nullopt));
    runs.add(gpuRun());
    panel.replotNow();
    QCustomPlot* utilisation = plotTitled(panel, QStringLiteral("GPU utilisation"));
    QCustomPlot* memory = plotTitled(panel, QStringLiteral("GPU memory"));
    QVERIFY(utilisation && memory);
    // The CPU run has no GPU points; the GPU run has four, the second one a gap.
    QCPGraph* graph = nullptr;
    for (int g = 0; g < utilisation->graphCount(); ++g) {
      if (utilisation->graph(g)->dataCount() > 0) graph = utilisation->graph(g);
    }
    QVERIFY(graph);
    QCOMPARE(graph->dataCount(), 4);
    QCOMPARE(graph->data()->at(0)->value, 90.0);
    QVERIFY(std::isnan(graph->data()->at(1)->value));
    bool foundUsed = false;
    for (int g = 0; g < memory->graphCount(); ++g) {
      const auto data = memory->graph(g)->data();
      if (data->size() > 0 && data->at(0)->value == 2.0) foundUsed = true;  // 2048 MiB in GiB
    }
    QVERIFY(foundUsed);
  }

  // Side by side, the GPU row reads its efficiency and its peak against the CPU baseline's.
  void comparisonShowsEfficiencyAndPeakRatio() {
    RunCollection runs;
    ComparisonPanel panel(&runs);
    runs.add(finishedRun("cpu", 10.0, 0.5));
    runs.add(gpuRun());
    runs.add(finishedRun("cuda:1", 4.0, std::nullopt));
    panel.refreshNow();
    QCOMPARE(cell(panel, 1, ComparisonPanel::PeakRatioColumn), QStringLiteral("100.00x"));
    QCOMPARE(cell(panel, 1, ComparisonPanel::SpeedupColumn), QStringLiteral("5.00x"));
    QCOMPARE(cell(panel, 1, ComparisonPanel::AchievedColumn), QStringLiteral("0.0183"));
    QCOMPARE(cell(panel, 1, ComparisonPanel::EfficiencyColumn), QStringLiteral("0.037%"));
    QCOMPARE(cell(panel, 0, ComparisonPanel::EfficiencyColumn), QStringLiteral("0.73%"));
    // No measured peak: efficiency and ratio are not known.
    QCOMPARE(cell(panel, 2, ComparisonPanel::EfficiencyColumn), QStringLiteral("n/a"));
    QCOMPARE(cell(panel, 2, ComparisonPanel::PeakRatioColumn), QStringLiteral("n/a"));
    QVERIFY(!panel.table()->isColumnHidden(ComparisonPanel::PeakRatioColumn));
  }

  // Without figures the extra columns stay out of the way of the device names.
  void emptyFigureColumnsAreHidden() {
    RunCollection runs;
    ComparisonPanel panel(&runs);
    RunResult unknown = finishedRun("cpu", 10.0, std::nullopt);
    unknown.workload.flopsPerSample.reset();
    runs.add(unknown);
    panel.refreshNow();
    QVERIFY(panel.table()->isColumnHidden(ComparisonPanel::AchievedColumn));
    QVERIFY(panel.table()->isColumnHidden(ComparisonPanel::EfficiencyColumn));
    QVERIFY(panel.table()->isColumnHidden(ComparisonPanel::PeakRatioColumn));
  }
};

QTEST_MAIN(GpuFiguresTest)
#include "tst_gpu_figures.moc"
