// The ChartPanel's default charts and the helpers that turn a RunResult into series points.
#include "charts/chart_spec.h"

#include "results/comparison.h"

#include <QCoreApplication>

#include <cmath>
#include <limits>
#include <utility>

namespace tb::ui {

namespace {

constexpr double kGap = std::numeric_limits<double>::quiet_NaN();

QString text(const char* source) {
  return QCoreApplication::translate("tb::ui::ChartPanel", source);
}

double orGap(const std::optional<double>& value) {
  return value && std::isfinite(*value) ? *value : kGap;
}

// Process CPU counts 100 per busy core; dividing by the logical cores puts it on the machine's
// 0..100 scale, so the dashed line sits under the solid one it is part of.
std::optional<double> processShareOfMachine(const RunResult& run, const TelemetrySample& sample) {
  if (!sample.processCpuPercent) return std::nullopt;
  if (run.system.logicalCores <= 0) return sample.processCpuPercent;
  return *sample.processCpuPercent / run.system.logicalCores;
}

}  // namespace

SeriesSpec timelineSeries(const QString& name, SeriesLook look, TimelineMetric metric) {
  SeriesSpec spec;
  spec.name = name;
  spec.look = look;
  spec.extract = [metric = std::move(metric)](const RunResult& run) {
    SeriesData data;
    data.keys.reserve(static_cast<int>(run.timeline.size()));
    data.values.reserve(static_cast<int>(run.timeline.size()));
    bool any = false;
    for (const auto& sample : run.timeline) {
      const double value = orGap(metric(run, sample));
      any = any || !std::isnan(value);
      data.keys.push_back(sample.t);
      data.values.push_back(value);
    }
    // A metric this machine never reports has no points at all, so its chart can stay hidden.
    if (!any) data = SeriesData{};
    return data;
  };
  return spec;
}

SeriesSpec epochSeries(const QString& name, std::function<double(const EpochRecord&)> metric,
                       bool wholeOnly) {
  SeriesSpec spec;
  spec.name = name;
  spec.look = SeriesLook::Line;
  spec.extract = [metric = std::move(metric), wholeOnly](const RunResult& run) {
    SeriesData data;
    for (const auto& epoch : wholeOnly ? wholeEpochs(run) : run.epochs) {
      const double value = metric(epoch);
      data.keys.push_back(epoch.epoch);
      data.values.push_back(std::isfinite(value) ? value : kGap);
    }
    return data;
  };
  return spec;
}

SeriesSpec testMarkerSeries(const QString& name, std::function<double(const TestRecord&)> metric) {
  SeriesSpec spec;
  spec.name = name;
  spec.look = SeriesLook::Marker;
  spec.extract = [metric = std::move(metric)](const RunResult& run) {
    SeriesData data;
    // The test set is evaluated once, after the last epoch; without epochs there is no x.
    if (run.test && !run.epochs.empty()) {
      const double value = metric(*run.test);
      if (std::isfinite(value)) {
        data.keys.push_back(run.epochs.back().epoch);
        data.values.push_back(value);
      }
    }
    return data;
  };
  return spec;
}

QVector<ChartSpec> defaultChartSpecs() {
  const QString epochLabel = text("Epoch");
  const QString trainTestKey = text("line: train \u00b7 \u25c6: test");

  // Value-axis labels stay short enough to stand beside a chart at its smallest height; the
  // titles say what is measured.
  ChartSpec loss;
  loss.title = text("Loss");
  loss.caption = trainTestKey;
  loss.xLabel = epochLabel;
  loss.yLabel = text("Cross-entropy loss");
  loss.integerX = true;
  loss.series = {epochSeries(text("Train loss"), [](const EpochRecord& e) { return e.trainLoss; }),
                 testMarkerSeries(text("Test loss"), [](const TestRecord& t) { return t.loss; })};

  ChartSpec accuracy;
  accuracy.title = text("Accuracy");
  accuracy.caption = trainTestKey;
  accuracy.xLabel = epochLabel;
  accuracy.yLabel = text("Fraction correct");
  accuracy.integerX = true;
  accuracy.series = {
      epochSeries(text("Train accuracy"), [](const EpochRecord& e) { return e.trainAccuracy; }),
      testMarkerSeries(text("Test accuracy"), [](const TestRecord& t) { return t.accuracy; })};

  ChartSpec epochTime;
  epochTime.title = text("Epoch time");
  epochTime.caption = text("lower is faster");
  epochTime.xLabel = epochLabel;
  epochTime.yLabel = text("Epoch time (s)");
  epochTime.integerX = true;
  // A time budget cuts its last epoch short: a minute of a 200-second epoch is no epoch time.
  epochTime.series = {epochSeries(
      text("Epoch time (s)"), [](const EpochRecord& e) { return e.seconds; }, true)};
  epochTime.emptyNote = text("No whole epoch:\nthe time budget ended\nepoch 1 part way");

  ChartSpec throughput;
  throughput.title = text("Throughput");
  throughput.caption = text("per epoch, with warm-up \u00b7 higher is faster");
  throughput.xLabel = epochLabel;
  throughput.yLabel = text("Samples/s");
  throughput.integerX = true;
  throughput.series = {
      epochSeries(text("Samples/s"), [](const EpochRecord& e) { return e.samplesPerSecond; })};

  ChartSpec cpu;
  cpu.title = text("CPU utilisation");
  cpu.caption = text("solid: machine \u00b7 dashed: this process");  // fits four across
  cpu.xLabel = text("Time since run start (s)");
  cpu.yLabel = text("% of machine");
  cpu.percent = true;
  cpu.series = {
      timelineSeries(text("Machine CPU (%)"), SeriesLook::Line,
                     [](const RunResult&, const TelemetrySample& s) { return s.cpuPercent; }),
      timelineSeries(text("Process CPU (% of machine)"), SeriesLook::DashedLine,
                     processShareOfMachine)};

  // GPU utilisation and memory: gpu_charts.h, added by the main window and hidden without a GPU.
  return {loss, accuracy, epochTime, throughput, cpu};
}

}  // namespace tb::ui
