// The GPU charts (utilisation and memory over time, from NVML telemetry). They are added to the
// ChartPanel with showWhenEmpty = false, so machines and runs without a GPU see no empty chart.
#pragma once

#include "charts/chart_spec.h"

namespace tb::ui {

// "GPU utilisation" and "GPU memory", one line per run (the run's own GPU).
QVector<ChartSpec> gpuChartSpecs();

// The run's own GPU in a telemetry sample (its device id), else the first one; nullptr if none.
const GpuSample* runGpu(const RunResult& run, const TelemetrySample& sample);

}  // namespace tb::ui
