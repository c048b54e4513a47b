// The profile dialog's chart: one horizontal bar per run, its step's milliseconds stacked phase by
// phase in fixed colours, with a legend of the phases.
#pragma once

#include "engine/step_profile.h"

#include <QPalette>
#include <QString>
#include <QVector>

#include <optional>

class QCustomPlot;

namespace tb::ui {

// One run of the dialog: waiting (neither set), profiled, or failed.
struct ProfileRow {
  QString label;  // the run's device and precision
  std::optional<tb::StepProfile> profile;
  QString failure;
};

// Title, axes and a legend row below the bars; once per plot.
void setUpProfileChart(QCustomPlot* plot);

// Redraws every row, the first on top and labelled "#1": a stacked bar and its total for a
// profiled run, "failed" for a failed one, only the label for one still waiting.
void drawProfileBars(QCustomPlot* plot, const QVector<ProfileRow>& rows, const QPalette& palette);

}  // namespace tb::ui
