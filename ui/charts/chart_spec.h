// What each chart of the ChartPanel shows: titles, axis labels and the series drawn per run, as
// data, so a new metric (GPU utilisation, GPU memory) is one more spec, not more panel code.
#pragma once

#include "results/run_result.h"

#include <QString>
#include <QVector>

#include <functional>
#include <optional>

namespace tb::ui {

// One run's points for one series. A metric missing from a sample is NaN, which the chart
// draws as a gap (never as 0).
struct SeriesData {
  QVector<double> keys;
  QVector<double> values;
};

enum class SeriesLook {
  Line,        // solid line with small markers (train metrics, machine CPU)
  DashedLine,  // dashed line (process CPU)
  Marker,      // markers only (the single test point after the last epoch)
};

struct SeriesSpec {
  QString name;  // shown in tooltips, e.g. "Train loss"
  SeriesLook look = SeriesLook::Line;
  std::function<SeriesData(const RunResult&)> extract;
};

struct ChartSpec {
  QString title;              // e.g. "Loss"; also the export's title
  QString caption;            // the key to the line styles, e.g. "line: train · ◆: test"
  QString xLabel;             // with units
  QString yLabel;             // with units
  bool integerX = false;      // epochs: whole-number ticks
  bool showWhenEmpty = true;  // false: hidden until some run has a point (GPU charts)
  bool nonNegative = true;    // the y axis never pads below 0 for data that cannot go there
  bool percent = false;       // y is a share in %: the axis shows 0 to 100
  // Said across the empty chart where the runs shown have epochs but none gives it a point
  // (Epoch time of runs a time budget stopped in their first epoch); empty: nothing said.
  QString emptyNote;
  QVector<SeriesSpec> series;
};

// A value of a telemetry sample (the run is passed for facts such as the core count);
// std::nullopt where the sample has none.
using TimelineMetric =
    std::function<std::optional<double>(const RunResult& run, const TelemetrySample& sample)>;

// Series over wall-clock time (x: seconds since run start) from the run's telemetry.
SeriesSpec timelineSeries(const QString& name, SeriesLook look, TimelineMetric metric);
// Series over epochs (x: the 1-based epoch). `wholeOnly` leaves out the epoch a time budget
// cut short (results/comparison.h, wholeEpochs).
SeriesSpec epochSeries(const QString& name, std::function<double(const EpochRecord&)> metric,
                       bool wholeOnly = false);
// A single marker at the last epoch, for the test metric measured after training.
SeriesSpec testMarkerSeries(const QString& name, std::function<double(const TestRecord&)> metric);

// Loss, accuracy, epoch time, throughput (per epoch) and CPU utilisation (over time).
QVector<ChartSpec> defaultChartSpecs();

}  // namespace tb::ui
