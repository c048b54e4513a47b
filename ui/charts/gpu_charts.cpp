// GPU chart specs: timeline series over NVML readings; a reading NVML could not give is a gap.
#include "charts/gpu_charts.h"

#include <QCoreApplication>

namespace tb::ui {

namespace {

QString text(const char* source) {
  return QCoreApplication::translate("tb::ui::ChartPanel", source);
}

std::optional<double> gib(const std::optional<double>& mb) {
  return mb ? std::optional<double>(*mb / 1024.0) : std::nullopt;
}

}  // namespace

const GpuSample* runGpu(const RunResult& run, const TelemetrySample& sample) {
  for (const auto& gpu : sample.gpus) {
    if (gpu.device == run.device.id) return &gpu;
  }
  return sample.gpus.empty() ? nullptr : &sample.gpus.front();
}

QVector<ChartSpec> gpuChartSpecs() {
  const QString timeLabel = text("Time since run start (s)");

  ChartSpec utilisation;
  utilisation.title = text("GPU utilisation");
  utilisation.caption = text("share of time a kernel ran (NVML)");
  utilisation.xLabel = timeLabel;
  utilisation.yLabel = text("GPU (%)");
  utilisation.percent = true;
  utilisation.showWhenEmpty = false;
  utilisation.series = {timelineSeries(text("GPU (%)"), SeriesLook::Line,
                                       [](const RunResult& run, const TelemetrySample& sample) {
                                         const GpuSample* gpu = runGpu(run, sample);
                                         return gpu ? gpu->utilPercent : std::nullopt;
                                       })};

  ChartSpec memory;
  memory.title = text("GPU memory");
  memory.caption = text("solid: used (all processes) \u00b7 dashed: total");
  memory.xLabel = timeLabel;
  memory.yLabel = text("GPU memory (GiB)");
  memory.showWhenEmpty = false;
  memory.series = {timelineSeries(text("GPU memory used (GiB)"), SeriesLook::Line,
                                  [](const RunResult& run, const TelemetrySample& sample) {
                                    const GpuSample* gpu = runGpu(run, sample);
                                    return gpu ? gib(gpu->memoryUsedMb) : std::nullopt;
                                  }),
                   timelineSeries(text("GPU memory total (GiB)"), SeriesLook::DashedLine,
                                  [](const RunResult& run, const TelemetrySample& sample) {
                                    const GpuSample* gpu = runGpu(run, sample);
                                    return gpu ? gib(gpu->memoryTotalMb) : std::nullopt;
                                  })};
  return {utilisation, memory};
}

}  // namespace tb::ui
