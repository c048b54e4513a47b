// The PDF report: a comparison table, the machines' facts and the charts on A4 pages, for
// handing to people who will never open TrainBench.
#pragma once

#include "results/comparison.h"
#include "results/run_result.h"

#include <QColor>
#include <QPair>
#include <QPixmap>
#include <QString>
#include <QVector>

#include <vector>

namespace tb::ui {

class RunCollection;

// A GPU a run trained on, with the facts its result recorded.
struct ReportGpu {
  std::string machine;  // the hostname
  DeviceRecord device;
};

struct ReportContent {
  QString title;
  QVector<QPair<QString, QPixmap>> charts;  // title and image, in report order
  QVector<QPair<QColor, QString>> legend;   // the run charts' runs: colour and label
  std::vector<ComparisonRow> rows;
  QVector<SystemRecord> machines;  // one per machine; see machinesOf()
  QVector<ReportGpu> gpus;         // one per machine and GPU; see gpusOf()
  QString generatedAt;             // as it should read, e.g. "2026-11-26 15:30 CET"
  QString appVersion;
};

// Page 1: title, comparison table, machines, GPUs; then the charts at page width, several per page.
// A4 portrait. Written atomically; on failure returns false with `error` naming the file.
bool exportPdfReport(const QString& path, const ReportContent& content, QString* error = nullptr);

// The distinct machines of the runs, one per version of their software (LibTorch, BLAS,
// TrainBench), in the order they first appear, then the other hosts of data-parallel runs'
// ranks (their names alone).
QVector<SystemRecord> machinesOf(const RunCollection& runs, bool visibleOnly = true);
QVector<SystemRecord> machinesOf(const QVector<RunResult>& results);
// How many machines (hostname and CPU model) `machines` lists: one listed once per version of
// its software counts once.
int distinctMachineCount(const QVector<SystemRecord>& machines);
// The distinct GPUs (by hostname, device id, name, driver and power limit) the runs trained on,
// in order, then those of other hosts' ranks (their ids alone).
QVector<ReportGpu> gpusOf(const RunCollection& runs, bool visibleOnly = true);
QVector<ReportGpu> gpusOf(const QVector<RunResult>& results);

}  // namespace tb::ui
