// The comparison panel's table and baseline chooser, filled from its rows (comparison_panel.h);
// the panel's layout and refreshes are in comparison_panel.cpp.
#include "comparison/comparison_panel.h"

#include "charts/run_markers.h"
#include "common/accessible_tips.h"
#include "common/eliding_combo_box.h"
#include "common/qt_convert.h"
#include "common/status_colors.h"

#include <QComboBox>
#include <QHeaderView>
#include <QPainter>
#include <QTableWidget>

#include <algorithm>
#include <set>

namespace tb::ui {

namespace {

// "0.88" stays "0.88"; 0.881234 reads "0.8812" (same as the Markdown export).
QString trimmedNumber(const std::optional<double>& value, int decimals) {
  if (!value) return QStringLiteral("n/a");
  QString text = formatOptional(value, decimals);
  while (!text.contains(u'e') && text.contains(u'.') && (text.endsWith(u'0') || text.endsWith(u'.'))) text.chop(1);
  return text;
}

// A run's colour and marker, as the charts draw its points; a published row's grey square.
QIcon colorSwatch(const QColor& color, int marker) {
  QPixmap pixmap(12, 12);
  pixmap.fill(Qt::transparent);
  QCPPainter painter(&pixmap);
  if (marker < 0) {
    painter.setPen(color.darker(120));
    painter.setBrush(color);
    painter.drawRect(0, 0, 11, 11);
    return QIcon(pixmap);
  }
  painter.setRenderHint(QPainter::Antialiasing);
  const QCPScatterStyle style = runMarkerStyle(marker, color, 10);
  style.applyTo(&painter, QPen(color));
  style.drawShape(&painter, 6, 6);
  return QIcon(pixmap);
}

}  // namespace

void ComparisonPanel::fillTable() {
  m_table->setRowCount(static_cast<int>(m_entries.size()));
  for (int r = 0; r < m_entries.size(); ++r) {
    const Entry& entry = m_entries[r];
    const ComparisonRow& row = entry.row;
    QString speedup = row.speedup ? toQString(formatSpeedup(*row.speedup)) : QStringLiteral("n/a");
    if (row.withinNoise) speedup += tr(" (within noise)");
    const int decimals = row.samplesPerSecond ? throughputDecimals(*row.samplesPerSecond) : 0;
    QString interval = QStringLiteral("n/a");
    if (row.samplesPerSecondLow && row.samplesPerSecondHigh) {
      // As the median beside it and the text exports: huge figures in scientific notation.
      interval = QStringLiteral("%1\u2013%2").arg(formatOptional(row.samplesPerSecondLow, decimals),
                                                  formatOptional(row.samplesPerSecondHigh, decimals));
    }
    // Two decimals like a measured total: a GPU projects a run of about a second ("~1").
    QString total = formatOptional(row.totalSeconds, 2);
    if (row.projected && row.totalSeconds) total = QStringLiteral("~") + total;
    QString status = toQString(row.status);
    if (row.disturbed) status += QStringLiteral(" \u26a0");
    QStringList cells(ColumnCount);
    cells[DeviceColumn] =
        (row.disturbed ? QStringLiteral("\u26a0 ") : QString()) + toQString(row.label);
    cells[CountColumn] = toQString(runCountText(row));
    cells[ThroughputColumn] = formatOptional(row.samplesPerSecond, decimals);
    cells[IntervalColumn] = interval;
    cells[TotalColumn] = total;
    cells[SpeedupColumn] = speedup;
    cells[MeanEpochColumn] = formatOptional(row.meanEpochSeconds, 2);
    cells[AccuracyColumn] = trimmedNumber(row.testAccuracy, 4);
    cells[AchievedColumn] =
        row.achievedTflops ? toQString(formatTflops(*row.achievedTflops)) : QStringLiteral("n/a");
    cells[EfficiencyColumn] =
        row.efficiency ? toQString(formatEfficiency(*row.efficiency)) : QStringLiteral("n/a");
    cells[PeakRatioColumn] =
        row.peakRatio ? toQString(formatRatio(*row.peakRatio)) : QStringLiteral("n/a");
    cells[MachineColumn] = toQString(row.machine);
    // How much each row trained: a quick trial's total must not read as a full run's.
    cells[WorkloadColumn] = toQString(row.size.empty() ? row.workload : row.size);
    cells[StatusColumn] = status;
    for (int c = 0; c < ColumnCount; ++c) {
      auto* item = new QTableWidgetItem(cells[c]);
      const bool numeric = c != DeviceColumn && c != MachineColumn && c != WorkloadColumn &&
                           c != StatusColumn;
      item->setTextAlignment(Qt::AlignVCenter | (numeric ? Qt::AlignRight : Qt::AlignLeft));
      QFont font = m_table->font();
      // Published figures are someone else's measurement: set apart, like a quotation.
      font.setItalic(row.published);
      // The baseline's speed-up, where it has one: a group of failed runs has none.
      font.setBold(c == SpeedupColumn && r == m_baseline && row.baseline);
      item->setFont(font);
      if (row.published) {
        item->setForeground(palette().brush(QPalette::PlaceholderText));
        item->setToolTip(tr("Published in the seed article (TensorFlow); not measured here. Its total "
                              "includes TensorFlow's start-up of the device, which TrainBench's "
                              "leave out."));
      }
      if (c == DeviceColumn && !row.published) item->setToolTip(plainToolTip(cells[c]));
      if (c == TotalColumn) {
        QStringList tip;
        if (row.projected) tip << tr("Projected from a quick run, not measured in full");
        if (const std::string interval = totalIntervalText(row); !interval.empty())
          tip << tr("95% interval %1").arg(toQString(interval));
        if (!tip.isEmpty()) item->setToolTip(tip.join(u'\n'));
      }
      if (c == SpeedupColumn && row.withinNoise) {
        // The table shows the samples/s interval; the verdict is on the totals' intervals.
        for (const Entry& other : std::as_const(m_entries)) {
          if (other.row.baseline && comparableRows(other.row, row))
            item->setToolTip(plainToolTip(toQString(withinNoiseNote({&other.row, &row}))));
        }
      }
      if (c == StatusColumn && !row.error.empty()) {
        item->setToolTip(plainToolTip(tr("Failed: %1").arg(toQString(row.error))));
      }
      // A quiet run's warnings matter too (reference BLAS, more threads than CPUs, a step
      // beyond the free memory): said where a disturbed run's are, without its colour.
      if ((row.disturbed || !row.warnings.empty()) && (c == DeviceColumn || c == StatusColumn)) {
        const QString heading = row.disturbed ? tr("Disturbed run:") : tr("Warnings:");
        // The Device cell's label may be cut to the column: its tooltip has it whole, first.
        QStringList warnings{c == DeviceColumn ? cells[c] + QStringLiteral("\n\n") + heading
                                               : heading};
        // A failed run's error stays first: its warnings must not hide it.
        if (c == StatusColumn && !row.error.empty()) {
          warnings.prepend(tr("Failed: %1\n").arg(toQString(row.error)));
        }
        for (const auto& warning : row.warnings) warnings << toQString(warning);
        item->setToolTip(plainToolTip(warnings.join(u'\n')));
        // The table's may be the old one.
        if (row.disturbed) item->setForeground(warningTextColor(palette()));
      }
      m_table->setItem(r, c, item);
    }
    m_table->item(r, DeviceColumn)->setIcon(colorSwatch(entry.color, entry.marker));
    if (r == m_baseline && row.baseline) {
      m_table->item(r, SpeedupColumn)->setToolTip(tr("The baseline"));
    }
  }
  describeCellsByTheirToolTips(m_table);
  // Figures no row has stay out of the way, so the device names keep their room at 1280 px; a
  // peak ratio needs a second measured device to say anything.
  int intervals = 0;
  int achieved = 0;
  int efficiencies = 0;
  int peakRatios = 0;
  for (const Entry& entry : m_entries) {
    intervals += entry.row.samplesPerSecondLow && entry.row.samplesPerSecondHigh ? 1 : 0;
    achieved += entry.row.achievedTflops ? 1 : 0;
    efficiencies += entry.row.efficiency ? 1 : 0;
    peakRatios += entry.row.peakRatio ? 1 : 0;
  }
  // Single runs have no interval (it takes repeats): the speed-up then stays in view.
  m_table->setColumnHidden(IntervalColumn, intervals == 0);
  m_table->setColumnHidden(AchievedColumn, achieved == 0);
  m_table->setColumnHidden(EfficiencyColumn, efficiencies == 0);
  m_table->setColumnHidden(PeakRatioColumn, peakRatios < 2);
}
void ComparisonPanel::fillBaselineChooser() {
  // Rebuilt silently: only the user's choice (activated) changes the baseline.
  const QSignalBlocker blocker(m_baselineChooser);
  m_baselineChooser->clear();
  QStringList texts;
  for (const Entry& entry : m_entries) {
    QString text = toQString(entry.row.label);
    // Rows of two machines already carry it in their label (" · bench-1"): once is enough.
    const QString machine = QStringLiteral(" \u00b7 ") + toQString(entry.row.machine);
    if (!entry.row.machine.empty() && !entry.row.published && !text.contains(machine)) {
      text += machine;
    }
    texts << text;
  }
  // Choices that would read alike say their group: the article's RTX 2080 Ti is a row of the
  // MLP's and of ResNet-50's. By workload where the groups' differ, else by size.
  std::set<std::string> workloads;
  for (const ComparisonGroup& group : m_groups) workloads.insert(group.workload);
  const bool byWorkload = workloads.size() == m_groups.size();
  for (int i = 0; i < m_entries.size(); ++i) {
    QString text = texts[i];
    if (texts.count(texts[i]) > 1) {
      const ComparisonGroup& group = m_groups[static_cast<std::size_t>(m_entries[i].group)];
      text += QStringLiteral(" \u00b7 ") +
              toQString(byWorkload || group.size.empty() ? group.workload : group.size);
    }
    m_baselineChooser->addItem(colorSwatch(m_entries[i].color, m_entries[i].marker), text);
    m_baselineChooser->setItemData(m_baselineChooser->count() - 1, plainToolTip(text),
                                   Qt::ToolTipRole);
  }
  m_baselineChooser->setCurrentIndex(m_entries.isEmpty() ? -1 : m_baseline);
  m_baselineChooser->setEnabled(!m_entries.isEmpty());
}
}  // namespace tb::ui
