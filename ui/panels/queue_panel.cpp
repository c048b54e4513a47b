// QueuePanel: mirrors RunController::queue() into a QTreeWidget on every queueChanged.
#include "panels/queue_panel.h"

#include "common/qt_convert.h"
#include "common/status_colors.h"
#include "util/clock_text.h"

#include <QAction>
#include <QBrush>
#include <QColor>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeySequence>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSet>
#include <QStyle>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace tb::ui {

namespace {

constexpr int kProgressMaximum = 1000;  // per mille: smooth enough for one-step increments
constexpr int kBarPadding = 16;  // around the bar's text, in pixels

QString eta(const QueuedRun& run) {
  return run.etaSeconds ? QueuePanel::formatDuration(*run.etaSeconds) : QStringLiteral("n/a");
}

}  // namespace

QueuePanel::QueuePanel(RunController* controller, QWidget* parent)
    : QWidget(parent),
      m_controller(controller),
      m_tree(new QTreeWidget(this)),
      m_clearButton(new QPushButton(tr("Clear finished"), this)),
      m_cancelAction(new QAction(tr("Cancel This Run"), this)) {
  m_tree->setObjectName(QStringLiteral("queueTree"));
  m_tree->setColumnCount(kColumnCount);
  m_tree->setHeaderLabels({tr("Device"), tr("Workload"), tr("Progress")});
  m_tree->setRootIsDecorated(false);
  // Not uniform: a failed run's row holds text, not a bar, and is lower; as the first row it set
  // every row's height, and the bars below it stood a row off their text.
  m_tree->setUniformRowHeights(false);
  // Tab reaches it and the arrows walk its rows, so a keyboard or screen-reader user can read
  // each run's state (each progress cell carries its bar's text as accessible text).
  m_tree->setSelectionMode(QAbstractItemView::SingleSelection);
  m_tree->setSelectionBehavior(QAbstractItemView::SelectRows);
  m_tree->setFocusPolicy(Qt::StrongFocus);
  m_tree->setAccessibleName(tr("Run queue"));
  m_tree->setTextElideMode(Qt::ElideRight);
  QHeaderView* header = m_tree->header();
  header->setStretchLastSection(false);
  header->setSectionResizeMode(kDeviceColumn, QHeaderView::ResizeToContents);
  // Sized by fitColumns(): its text's width, unless that leaves the bar too narrow to read.
  header->setSectionResizeMode(kWorkloadColumn, QHeaderView::Interactive);
  // The progress column takes the rest. The bar says the state in words, and a failed run's long
  // message elides there: a column of its own for the state left the bar too narrow to read in
  // the window's side panel.
  header->setSectionResizeMode(kProgressColumn, QHeaderView::Stretch);
  m_tree->viewport()->installEventFilter(this);

  // One run dropped from a long queue (a device's remaining repeats, a run queued by mistake)
  // without stopping the rest: right-click or Delete on its row.
  m_cancelAction->setObjectName(QStringLiteral("cancelQueuedRunAction"));
  m_cancelAction->setShortcut(QKeySequence::Delete);
  m_cancelAction->setShortcutContext(Qt::WidgetShortcut);
  m_cancelAction->setEnabled(false);
  m_tree->addAction(m_cancelAction);
  m_tree->setContextMenuPolicy(Qt::ActionsContextMenu);
  connect(m_cancelAction, &QAction::triggered, this, &QueuePanel::cancelSelectedRun);
  connect(m_tree, &QTreeWidget::itemSelectionChanged, this, &QueuePanel::updateCancelAction);

  m_clearButton->setObjectName(QStringLiteral("clearFinishedButton"));
  m_clearButton->setToolTip(tr("Remove completed, cancelled and failed runs from the queue"));
  connect(m_clearButton, &QPushButton::clicked, m_controller, &RunController::clearFinished);

  auto* buttons = new QHBoxLayout;
  buttons->addStretch();
  buttons->addWidget(m_clearButton);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(m_tree);
  layout->addLayout(buttons);

  connect(m_controller, &RunController::queueChanged, this, &QueuePanel::refresh);
  refresh();
}

QString QueuePanel::formatDuration(double seconds) { return toQString(clockText(seconds)); }

QString QueuePanel::progressText(const QueuedRun& run) {
  switch (run.state) {
    case QueuedRun::State::Waiting:
      return tr("Waiting");
    case QueuedRun::State::Completed:
      // A short run's time in seconds: "Done in 0:00" read like a run that never trained.
      if (run.elapsedSeconds < 60.0) {
        return tr("Done in %1 s")
            .arg(QString::number(run.elapsedSeconds, 'f', run.elapsedSeconds < 10.0 ? 2 : 1));
      }
      return tr("Done in %1").arg(formatDuration(run.elapsedSeconds));
    case QueuedRun::State::Cancelled:
      return tr("Cancelled");  // the bar shows how far it got; the tooltip, in which epoch
    case QueuedRun::State::Failed:
      return tr("Failed");
    case QueuedRun::State::Running:
      break;
  }
  if (run.totalSteps() == 0) return tr("Starting…");
  // The epochs trained: a quick run's time budget can end the training early.
  if (run.evaluating) return tr("Epoch %1/%2 · evaluating").arg(run.epoch).arg(run.epochs);
  return tr("Epoch %1/%2 · ETA %3")
      .arg(std::min(run.epoch + 1, run.epochs))
      .arg(run.epochs)
      .arg(eta(run));
}

QString QueuePanel::progressDetail(const QueuedRun& run) {
  if (run.state == QueuedRun::State::Cancelled && !run.message.isEmpty()) {
    return tr("Cancelled: %1").arg(run.message);
  }
  if (run.state == QueuedRun::State::Cancelled && run.totalSteps() > 0) {
    return tr("Cancelled in epoch %1/%2").arg(std::min(run.epoch + 1, run.epochs)).arg(run.epochs);
  }
  if (run.state != QueuedRun::State::Running || run.totalSteps() == 0 || run.evaluating) {
    return progressText(run);
  }
  return tr("Epoch %1/%2 · step %3/%4 · ETA %5")
      .arg(std::min(run.epoch + 1, run.epochs))
      .arg(run.epochs)
      .arg(run.step)
      .arg(run.stepsPerEpoch)
      .arg(eta(run));
}

void QueuePanel::refresh() {
  const QVector<QueuedRun>& queue = m_controller->queue();
  QSet<int> present;
  for (const QueuedRun& run : queue) present.insert(run.queueId);
  for (auto it = m_items.begin(); it != m_items.end();) {
    if (present.contains(it.key())) {
      ++it;
    } else {
      delete it.value();  // also deletes its progress bar
      it = m_items.erase(it);
    }
  }
  bool anyFinished = false;
  for (int row = 0; row < queue.size(); ++row) {
    const QueuedRun& run = queue[row];
    anyFinished = anyFinished || run.isFinished();
    QTreeWidgetItem* item = m_items.value(run.queueId);
    if (!item) {
      // Inserted where the queue has it: an auto repeat goes right after the run it repeats,
      // before runs queued earlier, and the table must show the order the runs will take.
      item = new QTreeWidgetItem;
      m_tree->insertTopLevelItem(row, item);
      auto* bar = new QProgressBar;
      bar->setRange(0, kProgressMaximum);
      bar->setTextVisible(true);
      bar->setAlignment(Qt::AlignCenter);
      m_tree->setItemWidget(item, kProgressColumn, bar);
      m_items.insert(run.queueId, item);
    }
    updateItem(item, run);
  }
  m_clearButton->setEnabled(anyFinished);
  // An empty queue is no Tab stop: it would take the focus and show none.
  m_tree->setFocusPolicy(queue.isEmpty() ? Qt::NoFocus : Qt::StrongFocus);
  updateCancelAction();
  fitColumns();
}

void QueuePanel::cancelSelectedRun() {
  const int id = selectedQueueId();
  const auto& queue = m_controller->queue();
  const auto run = std::find_if(queue.cbegin(), queue.cend(),
                                [id](const QueuedRun& entry) { return entry.queueId == id; });
  if (run == queue.cend() || run->isFinished()) return;
  // A waiting run goes at once; the running one is asked about first, as Esc asks: a stray key
  // must not end a run of hours.
  if (run->state == QueuedRun::State::Running) {
    QMessageBox box(QMessageBox::Question, tr("Cancel this run?"),
                    tr("The run on %1 has trained for %2. Cancelling keeps its epochs so far, "
                       "saved as a cancelled run; the runs after it go on.")
                        .arg(toQString(run->config.device), formatDuration(run->elapsedSeconds)),
                    QMessageBox::Yes | QMessageBox::No, this);
    box.button(QMessageBox::Yes)->setText(tr("Cancel Run"));
    box.button(QMessageBox::No)->setText(tr("Keep Training"));
    box.setDefaultButton(QMessageBox::Yes);
    box.setEscapeButton(QMessageBox::No);
    if (box.exec() != QMessageBox::Yes) return;
  }
  m_controller->cancel(id);
}

int QueuePanel::selectedQueueId() const {
  const QList<QTreeWidgetItem*> selected = m_tree->selectedItems();
  if (selected.isEmpty()) return 0;
  for (auto it = m_items.cbegin(); it != m_items.cend(); ++it) {
    if (it.value() == selected.first()) return it.key();
  }
  return 0;
}

void QueuePanel::updateCancelAction() {
  const int id = selectedQueueId();
  const auto& queue = m_controller->queue();
  const auto run = std::find_if(queue.cbegin(), queue.cend(),
                                [id](const QueuedRun& entry) { return entry.queueId == id; });
  m_cancelAction->setEnabled(run != queue.cend() && !run->isFinished());
}

bool QueuePanel::eventFilter(QObject* watched, QEvent* event) {
  if (watched == m_tree->viewport() && event->type() == QEvent::Resize) fitColumns();
  return QWidget::eventFilter(watched, event);
}

void QueuePanel::changeEvent(QEvent* event) {
  QWidget::changeEvent(event);
  if (event->type() == QEvent::PaletteChange) refresh();
}

void QueuePanel::fitColumns() {
  QHeaderView* header = m_tree->header();
  // Room for a long run's bar text; the workload's name elides beyond it (whole in its tooltip).
  const int barRoom =
      m_tree->fontMetrics().horizontalAdvance(tr("Epoch 100/100 · ETA 10:00:00")) + kBarPadding;
  const int fits = m_tree->viewport()->width() - header->sectionSize(kDeviceColumn) - barRoom;
  // A cell's text has the style's focus-frame margin and one pixel on each side.
  const int margins =
      (m_tree->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, m_tree) + 1) * 2;
  int wanted = header->sectionSizeHint(kWorkloadColumn);
  for (const QTreeWidgetItem* item : std::as_const(m_items)) {
    wanted = std::max(
        wanted, m_tree->fontMetrics().horizontalAdvance(item->text(kWorkloadColumn)) + margins);
  }
  header->resizeSection(kWorkloadColumn,
                        std::min(wanted, std::max(fits, header->sectionSizeHint(kWorkloadColumn))));
}

void QueuePanel::updateItem(QTreeWidgetItem* item, const QueuedRun& run) {
  const QString workload = toQString(run.config.workload);
  const QString device = toQString(run.config.device);
  // Spelled out rather than "%n rank(s)": the app ships no translation files to pick plurals.
  item->setText(kDeviceColumn, run.ranks == 0 ? device
                               : run.ranks == 1
                                   ? tr("%1 \u00d7 1 rank").arg(device)
                                   : tr("%1 \u00d7 %2 ranks").arg(device).arg(run.ranks));
  const QString workloadText = run.config.synthetic ? tr("%1 (synthetic)").arg(workload) : workload;
  item->setText(kWorkloadColumn, workloadText);
  item->setToolTip(kWorkloadColumn, workloadText);  // when the column is too narrow for it

  auto* bar = qobject_cast<QProgressBar*>(m_tree->itemWidget(item, kProgressColumn));
  if (run.state == QueuedRun::State::Failed) {
    // The error takes the bar's place: the widest column, elided, in full in the tooltip.
    if (bar) m_tree->removeItemWidget(item, kProgressColumn);
    item->setText(kProgressColumn,
                  run.message.isEmpty() ? tr("Failed") : tr("Failed: %1").arg(run.message));
    item->setData(kProgressColumn, Qt::AccessibleTextRole, item->text(kProgressColumn));
    item->setToolTip(kProgressColumn, run.message);
    // The panel's palette: in its PaletteChange the tree's may still be the old one.
    item->setForeground(kProgressColumn, QBrush(errorTextColor(palette())));
    return;
  }
  if (!bar) return;
  int value = 0;
  if (run.state == QueuedRun::State::Completed) {
    value = kProgressMaximum;
  } else if (run.totalSteps() > 0) {
    value = static_cast<int>(static_cast<double>(run.stepsDone()) * kProgressMaximum /
                             static_cast<double>(run.totalSteps()));
  }
  bar->setValue(std::clamp(value, 0, kProgressMaximum));
  // A disturbed run is kept but marked: its numbers may be slower and noisier than the device.
  const bool disturbed = !run.disturbance.isEmpty();
  // setFormat treats '%' specially; the texts built here never contain one.
  bar->setFormat(disturbed ? progressText(run) + QStringLiteral(" \u26a0") : progressText(run));
  bar->setToolTip(disturbed
                      ? progressDetail(run) + tr("\n\nDisturbed run:\n%1").arg(run.disturbance)
                      : progressDetail(run));
  // The bar is a widget over the cell: the cell says what it shows, for screen readers.
  item->setData(kProgressColumn, Qt::AccessibleTextRole,
                disturbed ? progressDetail(run) + tr(", disturbed: %1").arg(run.disturbance)
                          : progressDetail(run));
}

}  // namespace tb::ui
