// Builds the comparison rows from the RunCollection (plus the published references), keeps the
// chosen baseline across refreshes, and fills the table and the bar chart from the same rows.
#include "comparison/comparison_panel.h"

#include "common/qcustomplot_include.h"
#include "common/qt_convert.h"
#include "comparison/comparison_chart.h"
#include "model/run_collection.h"

#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace tb::ui {

namespace {

const QColor kPublishedColor(150, 150, 150);  // reads on light and dark backgrounds

// "0.88" stays "0.88"; 0.881234 reads "0.8812" (same as the Markdown export).
QString trimmedNumber(const std::optional<double>& value, int decimals) {
  if (!value) return QStringLiteral("n/a");
  QString text = QString::number(*value, 'f', decimals);
  while (text.contains(u'.') && (text.endsWith(u'0') || text.endsWith(u'.'))) text.chop(1);
  return text;
}

QIcon colorSwatch(const QColor& color) {
  QPixmap pixmap(12, 12);
  pixmap.fill(Qt::transparent);
  QPainter painter(&pixmap);
  painter.setPen(color.darker(120));
  painter.setBrush(color);
  painter.drawRect(0, 0, 11, 11);
  return QIcon(pixmap);
}

}  // namespace

ComparisonPanel::ComparisonPanel(RunCollection* runs, QWidget* parent)
    : QWidget(parent),
      m_runs(runs),
      m_baselineChooser(new QComboBox(this)),
      m_publishedCheck(new QCheckBox(tr("Show published figures"), this)),
      m_sizeNote(new QLabel(this)),
      m_table(new QTableWidget(0, ColumnCount, this)),
      m_chart(new QCustomPlot(this)) {
  auto* controls = new QHBoxLayout;
  auto* baselineLabel = new QLabel(tr("Baseline:"), this);
  baselineLabel->setBuddy(m_baselineChooser);
  m_baselineChooser->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  m_baselineChooser->setToolTip(tr("Speed-ups are this row's total time divided by each row's"));
  m_publishedCheck->setToolTip(
      tr("Add the seed article's published times (TensorFlow, 2021) for the workloads shown"));
  controls->addWidget(baselineLabel);
  controls->addWidget(m_baselineChooser);
  controls->addSpacing(16);
  controls->addWidget(m_publishedCheck);
  controls->addStretch(1);

  m_table->setHorizontalHeaderLabels(
      {tr("Device"), tr("Machine"), tr("Workload"), tr("Total (s)"), tr("Epoch (s)"),
       tr("Samples/s"), tr("Test acc."), tr("TFLOPS"), tr("Eff."), tr("Peak ratio"),
       tr("Speed-up"), tr("Status")});
  // Short headers keep the device column readable at 1280 px; tooltips give the full meaning.
  const QStringList headerTips = {
      QString(), tr("Host name of the machine"), QString(),
      tr("Training and testing, as the seed script times it"), tr("Mean time of one epoch"),
      tr("Mean training throughput over the epochs"), tr("Accuracy on the test set"),
      tr("Achieved TFLOPS: the workload's training FLOPs per sample times samples/s"),
      tr("Efficiency: achieved TFLOPS over the device's measured peak in the run's precision"),
      tr("This device's measured peak (in the run's precision) divided by the baseline's: "
         "compare it with the speed-up"),
      tr("Baseline total time divided by this row's total time"), QString()};
  for (int column = 0; column < headerTips.size(); ++column) {
    m_table->horizontalHeaderItem(column)->setToolTip(headerTips[column]);
  }
  m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
  m_table->verticalHeader()->setVisible(false);
  // Numbers keep their full width; the long device names give way (elided) when space runs out.
  m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  m_table->horizontalHeader()->setSectionResizeMode(DeviceColumn, QHeaderView::Stretch);
  m_table->setTextElideMode(Qt::ElideMiddle);
  m_table->setWordWrap(false);

  m_chart->setMinimumHeight(120);
  setUpTotalTimeChart(m_chart);

  auto* splitter = new QSplitter(Qt::Vertical, this);
  splitter->addWidget(m_table);
  splitter->addWidget(m_chart);
  splitter->setStretchFactor(0, 3);  // the table is the article's comparison: it gets the room
  splitter->setStretchFactor(1, 2);
  splitter->setChildrenCollapsible(false);

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(controls);
  // Comparing a short trial run with a full one is easy to do and easy to misread.
  m_sizeNote->setWordWrap(true);
  m_sizeNote->setStyleSheet(QStringLiteral("QLabel { color: #8a5a00; }"));
  m_sizeNote->hide();
  layout->addWidget(m_sizeNote);
  layout->addWidget(splitter, 1);

  m_refreshTimer.setSingleShot(true);
  m_refreshTimer.setInterval(kRefreshDelayMs);
  connect(&m_refreshTimer, &QTimer::timeout, this, &ComparisonPanel::refreshNow);
  connect(m_runs, &RunCollection::runAdded, this, &ComparisonPanel::scheduleRefresh);
  connect(m_runs, &RunCollection::runChanged, this, &ComparisonPanel::scheduleRefresh);
  connect(m_runs, &RunCollection::runRemoved, this, &ComparisonPanel::scheduleRefresh);
  connect(m_baselineChooser, &QComboBox::activated, this, &ComparisonPanel::setBaselineRow);
  connect(m_publishedCheck, &QCheckBox::toggled, this, &ComparisonPanel::setShowPublished);

  refreshNow();
}

QString ComparisonPanel::sizeNote() const {
  return m_sizeNote->isHidden() ? QString() : m_sizeNote->text();
}

std::vector<ComparisonRow> ComparisonPanel::rows() const {
  std::vector<ComparisonRow> rows;
  rows.reserve(static_cast<std::size_t>(m_entries.size()));
  for (const Entry& entry : m_entries) rows.push_back(entry.row);
  return rows;
}

void ComparisonPanel::setShowPublished(bool show) {
  if (m_publishedCheck->isChecked() != show) m_publishedCheck->setChecked(show);  // re-enters
  if (m_showPublished == show) return;
  m_showPublished = show;
  refreshNow();
}

void ComparisonPanel::setBaselineRow(int row) {
  if (row < 0 || row >= m_entries.size()) return;
  m_baselineKey = m_entries[row].key;
  refreshNow();
}

void ComparisonPanel::scheduleRefresh() {
  if (!m_refreshTimer.isActive()) m_refreshTimer.start();
}

QVector<ComparisonPanel::Entry> ComparisonPanel::collectEntries() const {
  QVector<Entry> entries;
  std::vector<std::string> workloads;
  for (int i = 0; i < m_runs->count(); ++i) {
    const DisplayedRun& run = m_runs->at(i);
    Entry entry{run.id, run.color, comparisonRow(run.result)};
    // A live run's result has no outcome yet; its totals fill in when it finishes.
    if (run.live) entry.row.status = "running";
    entries.push_back(entry);
    const std::string& workload = run.result.workload.name;
    if (std::find(workloads.begin(), workloads.end(), workload) == workloads.end()) {
      workloads.push_back(workload);
    }
  }
  if (m_showPublished) {
    for (const std::string& workload : workloads) {
      for (const PublishedReference& reference : publishedReferences()) {
        if (reference.workload != workload) continue;
        const QString key = QStringLiteral("published:%1:%2")
                                .arg(toQString(reference.workload), toQString(reference.device));
        entries.push_back(Entry{key, kPublishedColor, comparisonRow(reference)});
      }
    }
  }
  return entries;
}

void ComparisonPanel::refreshNow() {
  m_refreshTimer.stop();
  QVector<Entry> entries = collectEntries();

  // The baseline follows its row (by key) as rows come and go; the first row otherwise.
  int baseline = 0;
  for (int i = 0; i < entries.size(); ++i) {
    if (entries[i].key == m_baselineKey) baseline = i;
  }
  if (!entries.isEmpty()) m_baselineKey = entries[baseline].key;
  std::vector<ComparisonRow> rows;
  for (const Entry& entry : entries) rows.push_back(entry.row);
  applySpeedups(rows, static_cast<std::size_t>(baseline));
  for (int i = 0; i < entries.size(); ++i) entries[i].row = rows[static_cast<std::size_t>(i)];

  // A live run changes many times a second while its row stays the same: skip the redraw.
  bool same = entries.size() == m_entries.size() && baseline == m_baseline;
  for (int i = 0; same && i < entries.size(); ++i) {
    same = entries[i].key == m_entries[i].key && entries[i].color == m_entries[i].color &&
           entries[i].row == m_entries[i].row;
  }
  if (m_filled && same) return;
  m_filled = true;
  m_entries = entries;
  m_baseline = baseline;
  fillTable();
  fillBaselineChooser();
  drawChart();
  const QString note = toQString(sizeMismatchNote(rows));
  m_sizeNote->setText(QStringLiteral("\u26a0 ") + note);
  m_sizeNote->setVisible(!note.isEmpty());
  // Each bar needs room for its label; the title and axis take about 80 px.
  m_chart->setMinimumHeight(std::max(120, 80 + 24 * static_cast<int>(m_entries.size())));
  Q_EMIT rowsChanged();
}

void ComparisonPanel::fillTable() {
  m_table->setRowCount(static_cast<int>(m_entries.size()));
  for (int r = 0; r < m_entries.size(); ++r) {
    const Entry& entry = m_entries[r];
    const ComparisonRow& row = entry.row;
    const QStringList cells = {
        toQString(row.label),
        toQString(row.machine),
        toQString(row.workload),
        formatOptional(row.totalSeconds, 2),
        formatOptional(row.meanEpochSeconds, 2),
        formatOptional(row.samplesPerSecond, 0),
        trimmedNumber(row.testAccuracy, 4),
        row.achievedTflops ? toQString(formatTflops(*row.achievedTflops)) : QStringLiteral("n/a"),
        row.efficiency ? toQString(formatEfficiency(*row.efficiency)) : QStringLiteral("n/a"),
        row.peakRatio ? toQString(formatRatio(*row.peakRatio)) : QStringLiteral("n/a"),
        row.speedup ? toQString(formatSpeedup(*row.speedup)) : QStringLiteral("n/a"),
        toQString(row.status)};
    for (int c = 0; c < ColumnCount; ++c) {
      auto* item = new QTableWidgetItem(cells[c]);
      const bool numeric = c >= TotalColumn && c <= SpeedupColumn;
      item->setTextAlignment(Qt::AlignVCenter | (numeric ? Qt::AlignRight : Qt::AlignLeft));
      QFont font = m_table->font();
      // Published figures are someone else's measurement: set apart, like a quotation.
      font.setItalic(row.published);
      font.setBold(c == SpeedupColumn && r == m_baseline);
      item->setFont(font);
      if (row.published) {
        item->setForeground(palette().brush(QPalette::PlaceholderText));
        item->setToolTip(tr("Published in the seed article (TensorFlow); not measured here"));
      }
      // The device column is elided when the table is crowded: the full label on hover.
      if (c == DeviceColumn && !row.published) item->setToolTip(cells[c]);
      m_table->setItem(r, c, item);
    }
    m_table->item(r, DeviceColumn)->setIcon(colorSwatch(entry.color));
    if (r == m_baseline) m_table->item(r, SpeedupColumn)->setToolTip(tr("The baseline"));
  }
  // Figures no row has stay out of the way, so the device names keep their room at 1280 px; a
  // peak ratio needs a second measured device to say anything.
  int achieved = 0;
  int efficiencies = 0;
  int peakRatios = 0;
  for (const Entry& entry : m_entries) {
    achieved += entry.row.achievedTflops ? 1 : 0;
    efficiencies += entry.row.efficiency ? 1 : 0;
    peakRatios += entry.row.peakRatio ? 1 : 0;
  }
  m_table->setColumnHidden(AchievedColumn, achieved == 0);
  m_table->setColumnHidden(EfficiencyColumn, efficiencies == 0);
  m_table->setColumnHidden(PeakRatioColumn, peakRatios < 2);
}

void ComparisonPanel::fillBaselineChooser() {
  // Rebuilt silently: only the user's choice (activated) changes the baseline.
  const QSignalBlocker blocker(m_baselineChooser);
  m_baselineChooser->clear();
  for (const Entry& entry : m_entries) {
    QString text = toQString(entry.row.label);
    if (!entry.row.machine.empty() && !entry.row.published) {
      text += QStringLiteral(" \u00b7 ") + toQString(entry.row.machine);
    }
    m_baselineChooser->addItem(colorSwatch(entry.color), text);
  }
  m_baselineChooser->setCurrentIndex(m_entries.isEmpty() ? -1 : m_baseline);
  m_baselineChooser->setEnabled(!m_entries.isEmpty());
}

void ComparisonPanel::drawChart() {
  QVector<QColor> colors;
  for (const Entry& entry : m_entries) colors.push_back(entry.color);
  drawTotalTimeBars(m_chart, rows(), colors, palette());
  m_chart->replot();
}

void ComparisonPanel::changeEvent(QEvent* event) {
  QWidget::changeEvent(event);
  if (event->type() == QEvent::PaletteChange && m_filled) {
    fillTable();
    drawChart();
  }
}

}  // namespace tb::ui
