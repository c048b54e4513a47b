// The PDF report's comparison as text: one table per group of runs that compare (a workload at
// one size), each naming its size and its baseline. Apart from the painting so tests can read it.
#pragma once

#include "export/report_page.h"
#include "results/comparison.h"

#include <QString>
#include <QStringList>
#include <QVector>

#include <vector>

namespace tb::ui {

struct ReportSection {
  QString title;  // the group's size ("fashion-mlp, 60000/10000 images x 10 epochs, batch 32")
  QVector<ReportColumn> columns;
  QVector<ReportRow> rows;
  QString baselineNote;  // "Speed-up is the total time of X divided by each run's: ..."
  bool peaks = false;    // efficiencySections: some device's peak was measured, its columns shown
};

// The rows in groups (ComparisonRow::group, in order of first appearance), as the report shows
// them: samples/s with the decimals a slow device needs, speed-ups as formatSpeedup, figures
// beyond any real one in scientific notation.
QVector<ReportSection> comparisonSections(const std::vector<ComparisonRow>& rows);

// Each measured run against its device's measured peak (achieved and peak TFLOPS, efficiency,
// peak ratio, speed-up), one table per group as comparisonSections: the peak ratio and the
// speed-up are against the group's baseline. Groups without such figures are left out; a group
// where no device's peak was measured has no peak, efficiency or peak ratio columns.
QVector<ReportSection> efficiencySections(const std::vector<ComparisonRow>& rows);

// The notes under the comparison tables, one sentence each: what the figures are and what marks
// mean, then each failed run's reason (a diverged run read only "failed").
QStringList comparisonNotes(const std::vector<ComparisonRow>& rows);
QStringList failureLines(const std::vector<ComparisonRow>& rows);

// "1.41×", "1.01× (within noise)", "n/a": a row's speed-up as every table of the report writes it.
QString speedupText(const ComparisonRow& row);

// "3 runs · 2 machines": the measured runs (a row of folded repeats counts each of them; the
// article's published rows count none).
QString runsAndMachines(const std::vector<ComparisonRow>& rows, int machines);

}  // namespace tb::ui
