// Builds the grouped comparison (core/results/comparison_groups.h) from the RunCollection, keeps
// the chosen baseline across refreshes, and fills the table and the bar chart from the same rows.
#include "comparison/comparison_panel.h"

#include "common/capped_note.h"
#include "common/eliding_combo_box.h"
#include "common/qcustomplot_include.h"
#include "common/qt_convert.h"
#include "common/status_colors.h"
#include "common/table_copy.h"
#include "comparison/comparison_chart.h"
#include "comparison/scaling_chart.h"
#include "model/run_collection.h"

#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QScrollArea>
#include <QScrollBar>
#include <QSet>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace tb::ui {

namespace {

const QColor kPublishedColor(150, 150, 150);  // reads on light and dark backgrounds
// The table always shows at least this many rows, however many runs are open.
constexpr int kMinVisibleRows = 6;
// The note above it (runs of different sizes, groups' notes) takes no more lines than this.
constexpr int kMaxNoteLines = 3;
// No column grows wider: room for a long real label, "⚠ cpu (16 threads) — AMD Ryzen
// Threadripper PRO 7995WX 96-Cores · workstation · 2026-12-01 10:00".
constexpr int kMaxColumnWidth = 640;
// ...and none wider than this share of the table: the device's label elides in its middle, and
// the figures stay in view beside it.
constexpr double kMaxColumnShare = 0.45;
constexpr int kMinColumnCap = 160;
constexpr int kMinColumnChars = 28;
// Each bar of the chart keeps this many text lines of height (24 px at the usual font); more
// bars scroll instead of squeezing. A larger font (a high-DPI desktop) needs more: at a fixed
// 24 px the bars' labels overlapped.
constexpr double kBarLines = 1.75;
constexpr double kChartFrameLines = 5.75;  // title, caption and axis
// The table's device names and figures and the chart beside them: below this, one above the other.
constexpr int kSideBySideLetters = 90;
// Under the table, the chart keeps the height of its frame and a few bars.
constexpr int kChartUnderTableLines = 12;
constexpr int kChartBesideTableWidth = 260;
// The published figures' box's place in the controls' row: after the baseline's label, box
// and spacing.
constexpr int kPublishedCheckSlot = 3;

}  // namespace

ComparisonPanel::ComparisonPanel(RunCollection* runs, QWidget* parent)
    : QWidget(parent),
      m_runs(runs),
      m_baselineChooser(new ElidingComboBox(this)),
      m_publishedCheck(new QCheckBox(tr("Show published figures"), this)),
      m_sizeNote(new CappedNote(kMaxNoteLines, this)),
      m_table(new QTableWidget(0, ColumnCount, this)),
      m_chart(new QCustomPlot(this)),
      m_scaling(new ScalingChart(this)),
      m_chartTabs(new QTabWidget(this)) {
  QBoxLayout* controls = buildControls();
  setUpTable();
  QWidget* splitter = buildCharts();

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(controls);
  // Comparing a short trial run with a full one is easy to do and easy to misread.
  useWarningText(m_sizeNote);
  m_sizeNote->hide();
  layout->addWidget(m_sizeNote);
  layout->addWidget(splitter, 1);

  m_refreshTimer.setSingleShot(true);
  m_refreshTimer.setInterval(kRefreshDelayMs);
  connect(&m_refreshTimer, &QTimer::timeout, this, &ComparisonPanel::refreshNow);
  connect(m_runs, &RunCollection::runAdded, this, [this] { scheduleRefresh(); });
  connect(m_runs, &RunCollection::runChanged, this, [this](const QString& runId) {
    const DisplayedRun* run = m_runs->find(runId);
    scheduleRefresh(run != nullptr && run->live ? kLiveRefreshDelayMs : kRefreshDelayMs);
  });
  connect(m_runs, &RunCollection::runRemoved, this, [this] { scheduleRefresh(); });
  connect(m_baselineChooser, &QComboBox::activated, this, &ComparisonPanel::setBaselineRow);
  connect(m_publishedCheck, &QCheckBox::toggled, this, &ComparisonPanel::setShowPublished);

  refreshNow();
}

QBoxLayout* ComparisonPanel::buildControls() {
  auto* controls = new QHBoxLayout;
  m_controls = controls;
  auto* baselineLabel = new QLabel(tr("Baseline:"), this);
  baselineLabel->setBuddy(m_baselineChooser);
  // Not as wide as the longest label: a 170-character host name grew it over the check box
  // beside it, and 40 letters held the charts wider than a small screen (they scrolled sideways,
  // the notes under the controls cut off). It takes the room there is, up to about 60 letters,
  // down to 12. Elided in the middle, so the time that tells repeats apart stays in view; the
  // full label is in the item's tooltip and the popup.
  m_baselineChooser->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  m_baselineChooser->setMinimumContentsLength(12);
  m_baselineChooser->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
  m_baselineChooser->setMaximumWidth(60 * fontMetrics().averageCharWidth());
  // Speed-ups compare like with like: rows of another workload or size (and the published
  // figures) keep a baseline of their own.
  m_baselineChooser->setToolTip(
      tr("Speed-ups are this row's total time divided by each row's of the same workload and "
         "size; other rows are measured against their own group's baseline (its row reads 1.00x)"));
  m_publishedCheck->setToolTip(
      tr("Add the seed article's published times (TensorFlow, 2021) for the workloads shown"));
  controls->addWidget(baselineLabel);
  controls->addWidget(m_baselineChooser, 1);  // the room first, up to its maximum
  controls->addSpacing(16);
  controls->addWidget(m_publishedCheck);
  controls->addStretch(0);  // what the box leaves past its maximum
  // Where the published figures' box goes in a narrow panel.
  m_controlRows = new QVBoxLayout;
  m_controlRows->addLayout(controls);
  return m_controlRows;
}

void ComparisonPanel::setUpTable() {
  // Tab moves on to the next control, arrows between cells: Tab wrapped inside the table.
  m_table->setTabKeyNavigation(false);
  m_table->setAccessibleName(tr("Comparison table"));
  // Headers and tips by column, so the enum alone decides the order: what a comparison is read
  // for (n, samples/s, interval, total, speed-up) comes first, the facts after.
  QStringList headers(ColumnCount);
  QStringList headerTips(ColumnCount);
  headers[DeviceColumn] = tr("Device");
  headers[CountColumn] = tr("n");
  headerTips[CountColumn] =
      tr("Runs of one configuration on one machine folded into the row (repeats)");
  headers[ThroughputColumn] = tr("Samples/s");
  headerTips[ThroughputColumn] = tr("Steady-state training throughput: warm-up left out, median "
                                    "step; the median over repeats");
  headers[IntervalColumn] = tr("95% interval");
  headerTips[IntervalColumn] =
      tr("95% confidence interval of the samples/s over the repeats (2 runs or more)");
  headers[TotalColumn] = tr("Total (s)");
  headerTips[TotalColumn] = tr("Training and testing, as the seed script times it (median of the "
                               "repeats); ~ marks a total projected from a quick run");
  headers[SpeedupColumn] = tr("Speed-up");
  headerTips[SpeedupColumn] =
      tr("Baseline total time divided by this row's total time, within its group only; \"within "
         "noise\" where the 95% intervals of the two total times overlap");
  headers[MeanEpochColumn] = tr("Epoch (s)");
  headerTips[MeanEpochColumn] = tr("Mean time of one epoch");
  headers[AccuracyColumn] = tr("Test acc.");
  headerTips[AccuracyColumn] = tr("Accuracy on the test set");
  headers[AchievedColumn] = tr("TFLOPS");
  headerTips[AchievedColumn] =
      tr("Achieved TFLOPS: the workload's training FLOPs per sample times samples/s");
  headers[EfficiencyColumn] = tr("Eff.");
  headerTips[EfficiencyColumn] =
      tr("Efficiency: achieved TFLOPS over the device's measured peak in the run's precision");
  headers[PeakRatioColumn] = tr("Peak ratio");
  headerTips[PeakRatioColumn] = tr("This device's measured peak (in the run's precision) divided "
                                   "by the baseline's: compare it with the speed-up");
  headers[MachineColumn] = tr("Machine");
  headerTips[MachineColumn] = tr("Host name of the machine");
  headers[WorkloadColumn] = tr("Workload and size");
  headerTips[WorkloadColumn] = tr("Runs compare within one workload and size");
  headers[StatusColumn] = tr("Status");
  m_table->setHorizontalHeaderLabels(headers);
  for (int column = 0; column < headerTips.size(); ++column) {
    m_table->horizontalHeaderItem(column)->setToolTip(headerTips[column]);
  }
  m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
  // Ctrl+C copied one cell: the rows go to a spreadsheet or a post with their headers.
  addCopyActions(m_table);
  addRemoveAction();
  m_table->verticalHeader()->setVisible(false);
  // Every column keeps its content's width, device names included (never "c…0"); a crowded
  // table scrolls sideways instead. Up to a limit: a 170-character device or host name pushed
  // every figure out of view. Such a name loses its middle, so the device at its start and the
  // machine at its end still tell the rows apart; its tooltip has it whole.
  m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  m_table->horizontalHeader()->setMaximumSectionSize(kMaxColumnWidth);
  m_table->viewport()->installEventFilter(this);
  m_table->horizontalHeader()->setStretchLastSection(true);
  m_table->setTextElideMode(Qt::ElideMiddle);
  m_table->setWordWrap(false);
  m_table->setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
  // However many runs are open, the table shows at least six rows and scrolls the rest.
  const int rowHeight = m_table->verticalHeader()->defaultSectionSize();
  m_table->setMinimumHeight(m_table->horizontalHeader()->sizeHint().height() +
                            kMinVisibleRows * rowHeight + 2 * m_table->frameWidth() +
                            m_table->horizontalScrollBar()->sizeHint().height());
}

QWidget* ComparisonPanel::buildCharts() {
  setUpTotalTimeChart(m_chart);
  m_chart->setAccessibleName(tr("Total time chart"));  // the table beside it has the figures
  // The chart beside the table, not under it: the window's height goes to the run charts and the
  // table rows. Its bars keep a readable height and scroll when there are many.
  auto* chartScroll = new QScrollArea(this);
  chartScroll->setWidget(m_chart);
  chartScroll->setWidgetResizable(true);
  chartScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  chartScroll->setFrameShape(QFrame::NoFrame);
  chartScroll->setFocusPolicy(Qt::NoFocus);  // a Tab stop that showed no focus
  chartScroll->setMinimumWidth(kChartBesideTableWidth);

  auto* splitter = new QSplitter(Qt::Horizontal, this);
  m_tableAndChart = splitter;
  splitter->addWidget(m_table);
  // Scaling shares the place: its tab shows while an open run is data-parallel.
  m_chartTabs->addTab(chartScroll, tr("Total time"));
  m_chartTabs->addTab(m_scaling, tr("Scaling"));
  m_chartTabs->setTabVisible(kScalingTab, false);
  m_chartTabs->setDocumentMode(true);
  splitter->addWidget(m_chartTabs);
  splitter->setStretchFactor(0, 3);  // the table is the article's comparison: it gets the room
  splitter->setStretchFactor(1, 2);
  splitter->setSizes({600, 400});  // the table's wide content must not squeeze the chart
  splitter->setChildrenCollapsible(false);
  return splitter;
}

QByteArray ComparisonPanel::splitterState() const { return m_tableAndChart->saveState(); }

void ComparisonPanel::restoreSplitterState(const QByteArray& state) {
  // The state holds the orientation too: a split saved with the table over the chart (a narrow
  // panel) came back so in a wide one, which arrangeTableAndChart() then took as arranged. A
  // split of the other orientation is no use: the sizes stay as they are.
  const Qt::Orientation arranged = m_tableAndChart->orientation();
  const QList<int> sizes = m_tableAndChart->sizes();
  m_tableAndChart->restoreState(state);
  if (m_tableAndChart->orientation() != arranged) {
    m_tableAndChart->setOrientation(arranged);
    m_tableAndChart->setSizes(sizes);
  }
}

QString ComparisonPanel::sizeNote() const {
  return m_sizeNote->isHidden() ? QString() : m_sizeNote->note();
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
  Q_EMIT showPublishedChanged(show);
}

void ComparisonPanel::setBaselineRow(int row) {
  if (row < 0 || row >= m_entries.size()) return;
  m_chosenRunIds = m_entries[row].runIds;
  m_chosenPublishedKey = m_chosenRunIds.isEmpty() ? m_entries[row].key : QString();
  refreshNow();
}

void ComparisonPanel::scheduleRefresh(int delayMs) {
  if (!m_refreshTimer.isActive() || m_refreshTimer.remainingTime() > delayMs) m_refreshTimer.start(delayMs);
}

QVector<ComparisonPanel::Entry> ComparisonPanel::collectEntries(
    std::vector<ComparisonGroup>& groups) const {
  std::vector<RunResult> results;
  results.reserve(static_cast<std::size_t>(m_runs->count()));
  for (int i = 0; i < m_runs->count(); ++i) results.push_back(m_runs->at(i).result);
  ComparisonOptions options;
  options.includePublished = m_showPublished;
  if (!m_chosenPublishedKey.isEmpty()) options.baselineKey = toStdString(m_chosenPublishedKey);
  for (int i = 0; i < m_runs->count() && !options.baselineKey; ++i) {
    if (m_chosenRunIds.contains(m_runs->at(i).id)) options.baselineKey = foldKey(results[i]);
  }
  groups = buildComparison(results, options);

  QVector<Entry> entries;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    for (ComparisonRow& row : groups[g].rows) {
      QColor color = kPublishedColor;
      int marker = -1;
      if (!row.sources.empty()) {
        color = m_runs->at(static_cast<int>(row.sources.front())).color;
        marker = m_runs->at(static_cast<int>(row.sources.front())).marker;
      }
      // A live run's result has no outcome yet; its totals fill in when it finishes.
      QStringList runIds;
      for (const std::size_t source : row.sources) {
        const DisplayedRun& run = m_runs->at(static_cast<int>(source));
        if (run.live) row.status = "running";
        runIds << run.id;
      }
      entries.push_back(Entry{toQString(row.key), color, row, static_cast<int>(g), marker, runIds});
    }
  }
  return entries;
}

void ComparisonPanel::refreshNow() {
  m_refreshTimer.stop();
  std::vector<ComparisonGroup> groups;
  QVector<Entry> entries = collectEntries(groups);

  // A baseline the user chose follows its row (by key) as rows come and go; otherwise it is the
  // first group's, as `compare` picks it (the first quiet completed run): kept by key, a
  // disturbed run shown first stayed the baseline after quiet ones came.
  int baseline = 0;
  bool found = false;
  for (int i = 0; i < entries.size() && !found; ++i) {
    const Entry& entry = entries[i];
    found = (!m_chosenPublishedKey.isEmpty() && entry.key == m_chosenPublishedKey) ||
            std::any_of(entry.runIds.begin(), entry.runIds.end(),
                        [this](const QString& id) { return m_chosenRunIds.contains(id); });
    if (found) baseline = i;
  }
  // Repeats folded into the chosen row since are chosen with it.
  if (found && m_chosenPublishedKey.isEmpty()) m_chosenRunIds = entries[baseline].runIds;
  // The chosen runs gone (removed, cleared), the default stands in until they come back (Undo
  // Remove) or another is chosen.
  if (!found && !groups.empty()) baseline = static_cast<int>(groups.front().baseline);
  // A row without a total (a failed run) cannot be the baseline: its group measured against
  // another, and the combo, the bold speed-up and the exports must all name that one.
  if (found && !entries[baseline].row.baseline) {
    for (int i = 0; i < entries.size(); ++i) {
      if (entries[i].row.baseline && entries[i].row.group == entries[baseline].row.group) {
        baseline = i;
        break;
      }
    }
  }
  if (!entries.isEmpty()) m_baselineKey = entries[baseline].key;
  std::vector<ComparisonRow> rows;
  for (const Entry& entry : entries) rows.push_back(entry.row);

  // A live run changes many times a second while its row stays the same: skip the redraw.
  bool same = entries.size() == m_entries.size() && baseline == m_baseline;
  for (int i = 0; same && i < entries.size(); ++i) {
    same = entries[i].key == m_entries[i].key && entries[i].color == m_entries[i].color &&
           entries[i].marker == m_entries[i].marker && entries[i].row == m_entries[i].row &&
           entries[i].runIds == m_entries[i].runIds;
  }
  if (m_filled && same) return;
  m_filled = true;
  // The selection follows its rows, not their places: rows move as runs join an earlier group,
  // and Remove from View took the runs of whichever row had moved in.
  QSet<QString> selectedKeys;
  for (const QModelIndex& index : m_table->selectionModel()->selectedRows()) {
    if (index.row() < m_entries.size()) selectedKeys.insert(m_entries[index.row()].key);
  }
  m_entries = entries;
  m_groups = std::move(groups);
  m_baseline = baseline;
  fillTable();
  m_table->clearSelection();
  for (int r = 0; r < m_entries.size(); ++r) {
    if (!selectedKeys.contains(m_entries[r].key)) continue;
    m_table->selectionModel()->select(m_table->model()->index(r, 0),
                                      QItemSelectionModel::Select | QItemSelectionModel::Rows);
  }
  fillBaselineChooser();
  drawChart();
  QStringList notes;
  if (const std::string sizes = sizeMismatchNote(rows); !sizes.empty()) {
    notes << toQString(sizes) +
                 tr(" Speed-ups compare runs of one workload and size only; the chart shows the "
                    "baseline's group.");
  }
  // The published rows are set apart in italics, with a tooltip: their note is no warning.
  for (const ComparisonGroup& group : m_groups) {
    const std::string published = publishedNote(group.rows);
    for (const std::string& note : group.notes) {
      if (note != published) notes << toQString(note);
    }
  }
  notes.removeDuplicates();
  m_sizeNote->setVisible(!notes.isEmpty());
  m_sizeNote->setNote(notes.isEmpty() ? QString() : QStringLiteral("\u26a0 ") + notes.join(u' '));
  Q_EMIT rowsChanged();
}

void ComparisonPanel::resizeEvent(QResizeEvent* event) {
  QWidget::resizeEvent(event);
  arrangeTableAndChart();
}

void ComparisonPanel::arrangeTableAndChart() {
  const int letter = fontMetrics().averageCharWidth();
  const Qt::Orientation wanted =
      width() >= kSideBySideLetters * letter ? Qt::Horizontal : Qt::Vertical;
  if (m_tableAndChart->orientation() == wanted) return;
  const bool sideBySide = wanted == Qt::Horizontal;
  m_tableAndChart->setOrientation(wanted);
  m_chartTabs->setMinimumHeight(sideBySide ? 0 : kChartUnderTableLines * fontMetrics().height());
  m_chartTabs->widget(0)->setMinimumWidth(sideBySide ? kChartBesideTableWidth : 0);
  // The published figures' box under the baseline's: beside it they were wider than the pane.
  if (sideBySide) {
    m_controlRows->removeWidget(m_publishedCheck);
    m_controls->insertWidget(kPublishedCheckSlot, m_publishedCheck);
  } else {
    m_controls->removeWidget(m_publishedCheck);
    m_controlRows->addWidget(m_publishedCheck);
  }
}

bool ComparisonPanel::eventFilter(QObject* watched, QEvent* event) {
  if (watched == m_table->viewport() && event->type() == QEvent::Resize) fitColumnCap();
  return QWidget::eventFilter(watched, event);
}

void ComparisonPanel::fitColumnCap() {
  const int share = static_cast<int>(m_table->viewport()->width() * kMaxColumnShare);
  // A larger font needs more: at 160 px two labels cut to the same "cpu (… EPYC".
  const int least = std::max(kMinColumnCap, fontMetrics().averageCharWidth() * kMinColumnChars);
  const int cap = std::clamp(share, std::min(least, kMaxColumnWidth), kMaxColumnWidth);
  if (m_table->horizontalHeader()->maximumSectionSize() != cap) {
    m_table->horizontalHeader()->setMaximumSectionSize(cap);
  }
}

QString ComparisonPanel::chartGroup() const {
  if (m_entries.isEmpty()) return {};
  const ComparisonGroup& group = m_groups[static_cast<std::size_t>(m_entries[m_baseline].group)];
  return toQString(group.size.empty() ? group.workload : group.size);
}

void ComparisonPanel::drawChart() {
  // Only the baseline's group: total times of other workloads or sizes do not compare.
  QVector<QColor> colors;
  std::vector<ComparisonRow> rows;
  const int group = m_entries.isEmpty() ? -1 : m_entries[m_baseline].group;
  for (const Entry& entry : m_entries) {
    if (entry.group != group) continue;
    colors.push_back(entry.color);
    rows.push_back(entry.row);
  }
  drawTotalTimeBars(m_chart, rows, colors, palette());
  std::vector<RunResult> results;
  for (int i = 0; i < m_runs->count(); ++i) {
    if (!m_runs->at(i).live) results.push_back(m_runs->at(i).result);
  }
  const int before = m_scaling->seriesCount();
  m_scaling->setResults(results);
  m_chartTabs->setTabVisible(kScalingTab, m_scaling->seriesCount() > 0);
  // A new scaling series is what the user just ran: show it.
  if (m_scaling->seriesCount() > before) m_chartTabs->setCurrentIndex(kScalingTab);
  const int line = fontMetrics().height();
  const int bars = std::max<int>(2, static_cast<int>(rows.size()));
  m_chart->setMinimumHeight(static_cast<int>(line * (kChartFrameLines + kBarLines * bars)));
  m_chart->replot();
}

void ComparisonPanel::changeEvent(QEvent* event) {
  QWidget::changeEvent(event);
  // A theme or font change (the bars' heights follow the font) redraws.
  const bool restyled =
      event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange;
  // The note's amber for the new background: this panel's palette is already the new one.
  if (event->type() == QEvent::PaletteChange) useWarningText(m_sizeNote, palette());
  if (restyled && m_filled) {
    fillTable();
    drawChart();
  }
}

}  // namespace tb::ui
