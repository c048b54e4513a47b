// The PDF report: a comparison table, the machines' facts and the charts on A4 pages, for
// handing to people who will never open TrainBench.
#pragma once

#include "results/comparison.h"
#include "results/run_result.h"

#include <QPair>
#include <QPixmap>
#include <QString>
#include <QVector>

#include <vector>

namespace tb::ui {

class RunCollection;

struct ReportContent {
  QString title;
  QVector<QPair<QString, QPixmap>> charts;  // title and image, in report order
  std::vector<ComparisonRow> rows;
  QVector<SystemRecord> machines;  // one per machine; see machinesOf()
  QString generatedAt;             // as it should read, e.g. "2026-11-26 15:30 CET"
  QString appVersion;
};

// Page 1: title, comparison table, machines; then the charts at page width, several per page.
// A4 portrait. Written atomically; on failure returns false with `error` naming the file.
bool exportPdfReport(const QString& path, const ReportContent& content, QString* error = nullptr);

// The distinct machines (by hostname and CPU model) of the runs, in the order they first appear.
QVector<SystemRecord> machinesOf(const RunCollection& runs, bool visibleOnly = true);
QVector<SystemRecord> machinesOf(const QVector<RunResult>& results);

}  // namespace tb::ui
