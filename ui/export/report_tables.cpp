// The PDF report's comparison tables, as text (see report_tables.h).
#include "export/report_tables.h"

#include "common/qt_convert.h"
#include "results/table_text.h"

#include <QObject>
#include <QStringList>

#include <algorithm>
#include <cmath>
#include <string>

namespace tb::ui {

namespace {

QString number(const std::optional<double>& value, int decimals, const QString& suffix = {}) {
  if (!value || !std::isfinite(*value)) return QStringLiteral("n/a");
  return toQString(table::fixed(*value, decimals)) + suffix;
}

// Text from result files, which may come from anywhere: no control or bidi characters.
QString textOrNa(const std::string& text) {
  return text.empty() ? QStringLiteral("n/a") : toQString(table::printable(text));
}

QString samplesText(const ComparisonRow& row) {
  const int decimals = row.samplesPerSecond ? throughputDecimals(*row.samplesPerSecond) : 0;
  QString text = number(row.samplesPerSecond, decimals);
  if (row.samplesPerSecondLow && row.samplesPerSecondHigh) {
    text += QStringLiteral(" (%1–%2)").arg(number(row.samplesPerSecondLow, decimals),
                                           number(row.samplesPerSecondHigh, decimals));
  }
  return text;
}

QString totalText(const ComparisonRow& row) {
  return row.projected
             ? QStringLiteral("~") + number(row.totalSeconds, 2, QObject::tr(" s (projected)"))
             : number(row.totalSeconds, 2, QStringLiteral(" s"));
}

// The rows by ComparisonRow::group, groups in order of first appearance.
std::vector<std::vector<const ComparisonRow*>> byGroup(const std::vector<ComparisonRow>& rows) {
  std::vector<std::string> groups;
  std::vector<std::vector<const ComparisonRow*>> members;
  for (const ComparisonRow& row : rows) {
    auto it = std::find(groups.begin(), groups.end(), row.group);
    if (it == groups.end()) {
      groups.push_back(row.group);
      members.emplace_back();
      it = groups.end() - 1;
    }
    members[static_cast<std::size_t>(it - groups.begin())].push_back(&row);
  }
  return members;
}

ReportSection section(const std::vector<const ComparisonRow*>& rows) {
  ReportSection section;
  const ComparisonRow& first = *rows.front();
  section.title = textOrNa(first.size.empty() ? first.workload : first.size);
  // A status only where some run did not finish: the column takes width from the names.
  const bool showStatus = std::any_of(rows.begin(), rows.end(), [](const ComparisonRow* row) {
    return row->status != "completed" && row->status != "published";
  });
  section.columns = {{QObject::tr("Run"), Qt::AlignLeft, true},
                     {QObject::tr("Machine"), Qt::AlignLeft, true}};
  if (showStatus) section.columns.push_back({QObject::tr("Status"), Qt::AlignLeft, false});
  section.columns += {{QObject::tr("Total time"), Qt::AlignRight, false},
                      {QObject::tr("Mean epoch"), Qt::AlignRight, false},
                      {QObject::tr("n"), Qt::AlignRight, false},
                      {QObject::tr("Samples/s"), Qt::AlignRight, false},
                      {QObject::tr("Test accuracy"), Qt::AlignRight, false},
                      {QObject::tr("Speed-up"), Qt::AlignRight, false}};
  const ComparisonRow* baseline = nullptr;
  for (const ComparisonRow* row : rows) {
    const std::optional<double> accuracy =
        row->testAccuracy ? std::optional<double>(*row->testAccuracy * 100.0) : std::nullopt;
    // Disturbed runs carry a mark; their warnings are listed under the tables.
    const QString mark = row->disturbed ? QStringLiteral("\u26a0 ") : QString();
    QStringList line = {mark + textOrNa(row->label), textOrNa(row->machine)};
    if (showStatus) line << textOrNa(row->status);
    line << totalText(*row) << number(row->meanEpochSeconds, 2, QStringLiteral(" s"))
         << toQString(runCountText(*row)) << samplesText(*row)
         << number(accuracy, 2, QStringLiteral(" %")) << speedupText(*row);
    section.rows.push_back({line, row->published});
    if (row->baseline) baseline = row;
  }
  section.baselineNote =
      baseline != nullptr
          ? QObject::tr("Speed-up is the total time of %1 divided by each run's: 2.00× means it "
                        "took half as long.")
                .arg(textOrNa(baseline->label))
          : QObject::tr("No run of this size has a total time to compare against.");
  // The table shows samples/s intervals; "within noise" is judged on the totals'.
  if (const std::string noise = withinNoiseNote(rows); !noise.empty())
    section.baselineNote += u' ' + toQString(noise);
  return section;
}

}  // namespace

QString speedupText(const ComparisonRow& row) {
  if (!row.speedup) return QStringLiteral("n/a");
  // The report writes ratios with "×", not the text outputs' "x".
  QString text = toQString(formatSpeedup(*row.speedup)).chopped(1) + QStringLiteral("×");
  if (row.withinNoise) text += QObject::tr(" (within noise)");
  return text;
}

QVector<ReportSection> comparisonSections(const std::vector<ComparisonRow>& rows) {
  QVector<ReportSection> sections;
  for (const auto& members : byGroup(rows)) sections.push_back(section(members));
  return sections;
}

QVector<ReportSection> efficiencySections(const std::vector<ComparisonRow>& rows) {
  const auto ratio = [](const std::optional<double>& value) {
    // The report writes ratios with "×", as its speed-ups.
    return value ? toQString(formatRatio(*value)).chopped(1) + QStringLiteral("×")
                 : QStringLiteral("n/a");
  };
  const auto tflops = [](const std::optional<double>& value) {
    return value ? toQString(formatTflops(*value)) : QStringLiteral("n/a");
  };
  QVector<ReportSection> sections;
  for (const auto& members : byGroup(rows)) {
    ReportSection section;
    section.title = textOrNa(members.front()->size.empty() ? members.front()->workload
                                                           : members.front()->size);
    // Where no device's peak was measured its three columns would read n/a on every row.
    const bool peaks = std::any_of(members.begin(), members.end(), [](const ComparisonRow* row) {
      return !row->published && row->peakTflops;
    });
    section.peaks = peaks;
    section.columns = {{QObject::tr("Run"), Qt::AlignLeft, true},
                       {QObject::tr("Precision"), Qt::AlignLeft, false},
                       {QObject::tr("Achieved TFLOPS"), Qt::AlignRight, false}};
    if (peaks) {
      section.columns += {{QObject::tr("Peak TFLOPS"), Qt::AlignRight, false},
                          {QObject::tr("Efficiency"), Qt::AlignRight, false},
                          {QObject::tr("Peak ratio"), Qt::AlignRight, false}};
    }
    section.columns += {{QObject::tr("Speed-up"), Qt::AlignRight, false}};
    for (const ComparisonRow* row : members) {
      if (row->published || (!row->achievedTflops && !row->peakTflops)) continue;
      QStringList cells{textOrNa(row->label), textOrNa(row->precision), tflops(row->achievedTflops)};
      if (peaks) {
        cells << tflops(row->peakTflops)
              << (row->efficiency ? toQString(formatEfficiency(*row->efficiency))
                                  : QStringLiteral("n/a"))
              << ratio(row->peakRatio);
      }
      cells << speedupText(*row);
      section.rows.push_back({cells, false});
    }
    if (!section.rows.isEmpty()) sections.push_back(section);
  }
  return sections;
}

QString runsAndMachines(const std::vector<ComparisonRow>& rows, int machines) {
  int runs = 0;
  for (const ComparisonRow& row : rows) {
    if (!row.published) runs += std::max(row.n, 1);
  }
  return (runs == 1 ? QObject::tr("1 run") : QObject::tr("%1 runs").arg(runs)) +
         QStringLiteral("  ·  ") +
         (machines == 1 ? QObject::tr("1 machine") : QObject::tr("%1 machines").arg(machines));
}

QStringList comparisonNotes(const std::vector<ComparisonRow>& rows) {
  QStringList notes = {QObject::tr("Total time is training plus evaluation on the test set; "
                                   "lower is better.")};
  // The comparison's own note, as the app's tooltip and the exports say it (their grey italics
  // are the rows marked "(published)").
  if (const std::string published = publishedNote(rows); !published.empty()) {
    notes << toQString(published);
  }
  // A run too short for a steady state has its epochs' mean: said, not passed off as the median.
  notes << QObject::tr("n: runs of one configuration folded into the row; samples/s is their "
                       "steady-state median with its 95% interval (for a run too short to have "
                       "a steady state, its epochs' mean, warm-up included).");
  if (std::any_of(rows.begin(), rows.end(), [](const auto& row) { return row.projected; })) {
    notes << QObject::tr("~: projected from a quick run, not measured in full.");
  }
  notes << QObject::tr("n/a: not measured, or not comparable with the baseline.");
  if (const std::string method = methodNote(rows); !method.empty()) notes << toQString(method);
  return notes;
}

QStringList failureLines(const std::vector<ComparisonRow>& rows) {
  QStringList lines;
  for (const ComparisonRow& row : rows) {
    if (row.status != "failed" || row.error.empty()) continue;
    lines << QObject::tr("\u2716 %1 failed: %2").arg(textOrNa(row.label), textOrNa(row.error));
  }
  return lines;
}

}  // namespace tb::ui
