// History panel: one table row per saved result. The model is rebuilt from the library on every
// change (10 000 runs take a second), keeping the selection by file path.
#include "history/history_panel.h"

#include "common/host_names.h"
#include "common/qt_convert.h"
#include "common/table_copy.h"
#include "history/folder_watch.h"
#include "history/history_rows.h"
#include "history/history_texts.h"
#include "history/path_selection.h"
#include "history/result_library.h"

#include <QAction>
#include <QDir>
#include <QEvent>
#include <QFileInfo>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QList>
#include <QMessageBox>
#include <QRegularExpression>
#include <QSet>
#include <QSortFilterProxyModel>
#include <QStandardItem>
#include <QStandardItemModel>
#include <QStyle>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

#include <algorithm>

namespace tb::ui {

namespace {

// A device tells its runs apart at its start ("cpu (1 thread) bf16 — AMD EPYC"): cut at the end,
// the CPU or GPU model, which its tooltip has whole. The middle, where other names are cut, held
// the threads and the precision ("cpu (1 threa…6 — AMD EPYC").
class ElideRightDelegate final : public QStyledItemDelegate {
 public:
  using QStyledItemDelegate::QStyledItemDelegate;

 protected:
  void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override {
    QStyledItemDelegate::initStyleOption(option, index);
    option->textElideMode = Qt::ElideRight;
  }
};


// How many unreadable files the summary's tooltip and the notice name: a folder shared with
// 1,500 files of other tools made a tooltip taller than the screen.
constexpr qsizetype kProblemsOnHover = 12;
constexpr qsizetype kProblemsInNotice = 3;

// The first `shown` of `problems`, joined by `separator`, and how many more there are.
QString someProblems(const QStringList& problems, qsizetype shown, const QString& separator) {
  QStringList listed = problems.mid(0, shown);
  if (problems.size() > shown) {
    listed << HistoryPanel::tr("\u2026and %1 more").arg(problems.size() - shown);
  }
  return listed.join(separator);
}

// Sorts by kSortRole with the rows that have no value (no total, no date that parses) last in
// either order: Qt puts them first when sorting descending, so the newest-first default showed
// a run of unknown date above the newest, and a slowest-first sort every failed run.
// It also filters: a row stays when its kFilterRole text has every word of the filter.
class MissingLastProxy final : public QSortFilterProxyModel {
 public:
  using QSortFilterProxyModel::QSortFilterProxyModel;

  void setWords(const QString& text) {
    static const QRegularExpression space(QStringLiteral("\\s+"));  // a pasted tab or no-break space too
    const QStringList words = text.toLower().split(space, Qt::SkipEmptyParts);
    if (words == m_words) return;
    m_words = words;
    invalidateFilter();
  }

 protected:
  bool filterAcceptsRow(int row, const QModelIndex& parent) const override {
    if (m_words.isEmpty()) return true;
    const QString text = sourceModel()
                             ->index(row, HistoryPanel::DateColumn, parent)
                             .data(HistoryPanel::kFilterRole)
                             .toString();
    return std::all_of(m_words.begin(), m_words.end(),
                       [&](const QString& word) { return text.contains(word); });
  }

  bool lessThan(const QModelIndex& left, const QModelIndex& right) const override {
    const bool leftMissing = !left.data(sortRole()).isValid();
    const bool rightMissing = !right.data(sortRole()).isValid();
    if (!leftMissing && !rightMissing) return QSortFilterProxyModel::lessThan(left, right);
    if (leftMissing == rightMissing) return false;
    // Descending lists the greater first: a missing value is then the least.
    return sortOrder() == Qt::AscendingOrder ? rightMissing : leftMissing;
  }

 private:
  QStringList m_words;  // the filter's, lower case
};

}  // namespace

HistoryPanel::HistoryPanel(ResultLibrary* library, QWidget* parent)
    : QWidget(parent),
      m_library(library),
      m_model(new QStandardItemModel(0, ColumnCount, this)),
      m_proxy(new MissingLastProxy(this)),
      m_view(new QTableView(this)),
      m_filter(new QLineEdit(this)),
      m_summary(new QLabel(this)),
      m_openAction(
          new QAction(style()->standardIcon(QStyle::SP_DialogOpenButton), tr("Open"), this)),
      m_deleteAction(new QAction(style()->standardIcon(QStyle::SP_TrashIcon), tr("Delete"), this)),
      m_useSettingsAction(new QAction(style()->standardIcon(QStyle::SP_ArrowBack),
                                      tr("Use Settings"), this)),
      m_importAction(
          new QAction(style()->standardIcon(QStyle::SP_FileDialogStart), tr("Import…"), this)),
      m_refreshAction(
          new QAction(style()->standardIcon(QStyle::SP_BrowserReload), tr("Refresh"), this)),
      m_folderWatch(new FolderWatch(library->folder(), this)) {
  setUpView();
  setUpActions();
  m_summary->setWordWrap(true);
  m_summary->setTextFormat(Qt::PlainText);  // it names a folder, which may hold anything
  m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);

  QToolBar* buttons = buildToolBar();
  setUpFilter();

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(buttons);
  layout->addWidget(m_filter);
  layout->addWidget(m_view, 1);
  layout->addWidget(m_summary);

  setAcceptDrops(true);

  connect(m_openAction, &QAction::triggered, this, &HistoryPanel::openSelected);
  connect(m_deleteAction, &QAction::triggered, this, &HistoryPanel::deleteSelected);
  connect(m_useSettingsAction, &QAction::triggered, this, [this] {
    const QStringList paths = selectedPaths();
    if (paths.size() == 1) Q_EMIT settingsRequested(paths.constFirst());
  });
  connect(m_importAction, &QAction::triggered, this, &HistoryPanel::importWithDialog);
  connect(m_refreshAction, &QAction::triggered, this, &HistoryPanel::refresh);
  connect(m_view, &QAbstractItemView::doubleClicked, this, &HistoryPanel::openIndex);
  connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
          &HistoryPanel::updateActions);
  connect(m_library, &ResultLibrary::changed, this, &HistoryPanel::rebuild);
  // Hidden, it rescans when shown (showEvent); unchanged files are not read again.
  connect(m_library, &ResultLibrary::changed, m_folderWatch, &FolderWatch::rewatch);
  connect(m_folderWatch, &FolderWatch::changed, this, [this] {
    if (isVisible()) m_library->reloadInBackground();
  });
  connect(m_library, &ResultLibrary::readingChanged, this, [this] {
    updateSummary();
    reportProblemsOnceRead();
  });

  rebuild();
}

void HistoryPanel::setUpView() {
  m_model->setHorizontalHeaderLabels({tr("Date"), tr("Machine"), tr("Device"), tr("Workload"),
                                      tr("Data"), tr("Status"), tr("Total time"),
                                      tr("Test accuracy")});
  m_proxy->setSourceModel(m_model);
  m_proxy->setSortRole(kSortRole);

  m_view->setModel(m_proxy);
  // Tab moves on to the buttons, arrows between rows: Tab wrapped inside the table.
  m_view->setTabKeyNavigation(false);
  m_view->installEventFilter(this);
  m_view->setAccessibleName(tr("Saved runs"));
  m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
  m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
  m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
  m_view->setSortingEnabled(true);
  m_view->sortByColumn(DateColumn, Qt::DescendingOrder);
  m_view->setAlternatingRowColors(true);
  m_view->setWordWrap(false);
  // A cut host or device name keeps its start and its end (the node number): their tooltips
  // have them whole.
  m_view->setTextElideMode(Qt::ElideMiddle);
  m_view->setItemDelegateForColumn(DeviceColumn, new ElideRightDelegate(m_view));
  m_view->verticalHeader()->hide();
  m_view->horizontalHeader()->setStretchLastSection(false);
  m_view->viewport()->installEventFilter(this);
  connect(m_view->horizontalHeader(), &QHeaderView::sectionResized, this,
          [this](int column, int, int width) { columnResized(column, width); });
  m_view->addActions({m_openAction, m_useSettingsAction, m_deleteAction});
  addCopyActions(m_view);  // the context menu's Copy and Copy Table, and Ctrl+C
}

void HistoryPanel::setUpActions() {
  m_openAction->setToolTip(tr("Show the selected runs in the charts and the comparison"));
  m_openAction->setShortcuts({QKeySequence(Qt::Key_Return), QKeySequence(Qt::Key_Enter)});
  m_openAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
  m_useSettingsAction->setToolTip(
      tr("Put the selected run's settings in Setup, to run it again (as trainbench-cli run "
         "--from FILE)"));
  m_deleteAction->setToolTip(tr("Move the selected result files to the trash"));
  m_deleteAction->setShortcut(QKeySequence::Delete);
  m_deleteAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
  m_importAction->setToolTip(
      tr("Copy result files (.json), e.g. from another machine, into the "
         "library; you can also drop them here"));
  m_refreshAction->setToolTip(tr("Rescan the results folder"));
  // F5, not QKeySequence::Refresh: GNOME's and macOS's key schemes add Ctrl+R (Cmd+R) to it,
  // which Run has; two actions on one key, Qt fires neither.
  m_refreshAction->setShortcut(QKeySequence(Qt::Key_F5));
  // Wherever the focus is while History is shown (its tab bar, say); nothing else takes F5.
  m_refreshAction->setShortcutContext(Qt::WindowShortcut);
  addActions({m_openAction, m_deleteAction, m_refreshAction});
}

QToolBar* HistoryPanel::buildToolBar() {
  // A tool bar: on a narrow window (a small or scaled screen) the actions that do not fit go
  // into its » menu, where a row of buttons held the whole window 470 pixels wide. Its buttons
  // take no Tab stop of their own; these do, as the row's did. (Buttons added as widgets never
  // reach the » menu outside a main window.)
  auto* buttons = new QToolBar(this);
  buttons->setFloatable(false);
  buttons->setMovable(false);
  buttons->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  for (QAction* action :
       {m_openAction, m_useSettingsAction, m_deleteAction, m_importAction, m_refreshAction}) {
    buttons->addAction(action);
    buttons->widgetForAction(action)->setFocusPolicy(Qt::TabFocus);
  }
  return buttons;
}

void HistoryPanel::setUpFilter() {
  // A year of runs, or a team's shared folder, holds thousands: sorting and scrolling was the
  // only way to find some. A line of its own, whatever the width.
  m_filter->setPlaceholderText(tr("Filter: words in a run's host, device, workload, status or "
                                  "date (Ctrl+F)"));
  m_filter->setClearButtonEnabled(true);
  m_filter->setAccessibleName(tr("Filter the saved runs"));
  auto* findAction = new QAction(this);
  findAction->setShortcut(QKeySequence::Find);
  // Wherever the focus is while History is shown (its tab, just clicked), as F5.
  findAction->setShortcutContext(Qt::WindowShortcut);
  connect(findAction, &QAction::triggered, m_filter, [this] {
    m_filter->setFocus(Qt::ShortcutFocusReason);
    m_filter->selectAll();
  });
  addAction(findAction);
  connect(m_filter, &QLineEdit::textChanged, this, &HistoryPanel::setFilterText);
}

void HistoryPanel::rebuild() {
  const QStringList selected = selectedPaths();
  const KeyboardRow keyboard = keyboardRow(m_view, kPathRole, DateColumn);
  m_model->removeRows(0, m_model->rowCount());
  // A cluster's hosts read apart by their first labels ("gpu-node-07…"), the whole name on hover.
  QStringList hosts;
  for (const ResultLibrary::Entry& entry : m_library->entries()) {
    const QString host = QString::fromStdString(entry.result.system.hostname);
    if (isQualifiedHost(host) && !hosts.contains(host)) hosts << host;
  }
  // One machine's name stays whole: there is nothing to tell it apart from.
  const QString hostDomain = hosts.size() > 1 ? sharedDomain(hosts) : QString();
  for (const ResultLibrary::Entry& entry : m_library->entries()) {
    m_model->appendRow(historyRowItems(entry, hostDomain));
  }
  fitColumns();
  selectPaths(selected);
  restoreKeyboardRow(m_view, keyboard, kPathRole, DateColumn);
  updateActions();
  updateSummary();
}

void HistoryPanel::updateActions() {
  const bool any = m_view->selectionModel()->hasSelection();
  m_openAction->setEnabled(any);
  m_deleteAction->setEnabled(any);
  m_useSettingsAction->setEnabled(selectedPaths().size() == 1);
}

void HistoryPanel::updateSummary() {
  const qsizetype runs = m_library->entries().size();
  QString text;
  if (m_library->reading()) {
    const QString done = tr("%1 of %2").arg(m_library->readingDone()).arg(m_library->readingTotal());
    text = runs == 0 ? tr("Reading the result files in %1: %2…").arg(m_library->folder(), done)
                     : tr("%1 in %2 · reading %3 more result files…")
                           .arg(runCount(runs), m_library->folder(), done);
  } else if (runs == 0 && QFileInfo(m_library->folder()).exists() &&
             !QFileInfo(m_library->folder()).isDir()) {
    // Replaced by a file (a mistaken `mv`, a sync tool): no run can be saved or read there.
    text = tr("%1 is a file, not a folder: no run can be saved there. Move the file away, or "
              "set TRAINBENCH_RESULTS_DIR to another folder.")
               .arg(m_library->folder());
  } else if (runs == 0) {
    text = tr("No saved runs yet in %1. Drop result files (.json) here to import them.")
               .arg(m_library->folder());
  } else if (m_proxy->rowCount() < runs) {
    text = tr("%1 of %2 in %3 match the filter")
               .arg(m_proxy->rowCount())
               .arg(runCount(runs), m_library->folder());
  } else {
    text = tr("%1 in %2").arg(runCount(runs), m_library->folder());
  }
  const QStringList& problems = m_library->problems();
  // Files of a newer TrainBench are no damage: they say what to do (update), apart from the rest.
  const auto newer = std::count_if(problems.begin(), problems.end(), [](const QString& problem) {
    return problem.contains(QLatin1String("written by a newer TrainBench"));
  });
  if (newer > 0) {
    text += QStringLiteral(" · ") +
            tr("%1 written by a newer TrainBench (update it to read them)").arg(fileCount(newer));
  }
  if (problems.size() > newer) {
    text += QStringLiteral(" · ") + tr("%1 could not be read (hover for details)")
                                        .arg(fileCount(problems.size() - newer));
  }
  m_summary->setText(text);
  m_summary->setToolTip(plainToolTip(someProblems(problems, kProblemsOnHover, QStringLiteral("\n"))));
}

QStringList HistoryPanel::selectedPaths() const {
  return tb::ui::selectedPaths(m_view, kPathRole, DateColumn);
}

void HistoryPanel::selectPaths(const QStringList& paths) {
  tb::ui::selectPaths(m_view, paths, kPathRole, DateColumn);
}

void HistoryPanel::setFilterText(const QString& text) {
  if (m_filter->text() != text) {
    m_filter->setText(text);  // back here through textChanged
    return;
  }
  static_cast<MissingLastProxy*>(m_proxy)->setWords(text);
  updateActions();
  updateSummary();
}

void HistoryPanel::openSelected() {
  const QStringList paths = selectedPaths();
  if (!paths.isEmpty()) Q_EMIT openRequested(paths);
}

void HistoryPanel::openIndex(const QModelIndex& index) {
  const QString path = index.data(kPathRole).toString();
  if (!path.isEmpty()) Q_EMIT openRequested({path});
}

void HistoryPanel::deleteSelected() {
  const QStringList paths = selectedPaths();
  if (paths.isEmpty()) return;
  if (m_confirmDeletes) {
    const auto answer = QMessageBox::question(
        this, tr("Delete runs"),
        tr("Move %1 to the trash? Their result files can be restored from there.")
            .arg(runCount(paths.size())),
        QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
    if (answer != QMessageBox::Yes) return;
  }
  // Files removed outside the app since the list was read: nothing goes to the trash for them,
  // and the message must not send the user looking there.
  const auto vanished = static_cast<int>(std::count_if(
      paths.begin(), paths.end(), [](const QString& path) { return !QFileInfo::exists(path); }));
  QStringList errors;
  QMap<QString, QString> untrashed;
  const int trashed =
      m_library->remove(paths, &errors, ResultLibrary::Disposal::Trash, &untrashed) - vanished;
  int deleted = 0;
  // A folder the trash cannot take (on a volume without a trash of its own, say): deleting for
  // good is the user's choice, never a silent fallback.
  if (!untrashed.isEmpty() && confirmPermanentDelete(untrashed)) {
    deleted = m_library->remove(untrashed.keys(), &errors, ResultLibrary::Disposal::Delete);
  }
  QStringList gone;
  for (const QString& path : paths) {
    if (!m_library->find(path)) gone << path;
  }
  if (!gone.isEmpty()) Q_EMIT filesRemoved(gone);
  if (!errors.isEmpty()) {
    notify(tr("Could not delete %1: %2")
               .arg(fileCount(errors.size()), errors.join(QStringLiteral("; "))),
           true);
    return;
  }
  QStringList done;
  if (trashed > 0) done << tr("Moved %1 to the trash").arg(runCount(trashed));
  if (vanished > 0) {
    done << (vanished == 1 ? tr("1 file was already gone from the folder")
                           : tr("%1 files were already gone from the folder").arg(vanished));
  }
  if (deleted > 0) done << tr("Deleted %1").arg(runCount(deleted));
  const qsizetype kept = untrashed.size() - deleted;
  if (kept > 0) done << tr("%1 kept").arg(runCount(kept));
  notify(done.join(QStringLiteral("; ")), false);
}

bool HistoryPanel::confirmPermanentDelete(const QMap<QString, QString>& untrashed) {
  if (!m_confirmDeletes) return true;
  QMessageBox box(QMessageBox::Warning, tr("Delete runs"),
                  tr("%1 cannot be moved to the trash. Delete for good?")
                      .arg(runCount(untrashed.size())),
                  QMessageBox::Yes | QMessageBox::Cancel, this);
  box.setDefaultButton(QMessageBox::Cancel);
  box.setDetailedText(untrashed.values().join(QLatin1Char('\n')));
  return box.exec() == QMessageBox::Yes;
}

void HistoryPanel::refresh() {
  m_reportProblems = true;
  m_library->reloadInBackground();
  reportProblemsOnceRead();
}

void HistoryPanel::reportProblemsOnceRead() {
  if (!m_reportProblems || m_library->reading()) return;
  m_reportProblems = false;
  const QStringList& problems = m_library->problems();
  if (!problems.isEmpty()) {
    notify(tr("%1 in the results folder could not be read: %2")
               .arg(fileCount(problems.size()),
                    someProblems(problems, kProblemsInNotice, QStringLiteral("; "))),
           true);
  }
}

void HistoryPanel::notify(const QString& text, bool error, const QString& replacing) {
  m_lastMessage = text;
  m_lastMessageIsError = error;
  Q_EMIT message(text, error, replacing);
}

bool HistoryPanel::eventFilter(QObject* watched, QEvent* event) {
  if (watched == m_view->viewport() && event->type() == QEvent::Resize) fitDeviceColumn();
  if (watched == m_view && event->type() == QEvent::FocusIn && m_proxy->rowCount() > 0 &&
      !m_view->selectionModel()->hasSelection()) {
    const QModelIndex current = m_view->currentIndex();
    m_view->selectionModel()->setCurrentIndex(
        current.isValid() ? current : m_proxy->index(0, DateColumn),
        QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
  }
  return QWidget::eventFilter(watched, event);
}

void HistoryPanel::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  if (m_reloadOnShow) m_library->reloadInBackground();
  m_reloadOnShow = false;
}

void HistoryPanel::hideEvent(QHideEvent* event) {
  QWidget::hideEvent(event);
  // A minimised window also hides its children; rescanning when it comes back is fine too.
  m_reloadOnShow = true;
}

}  // namespace tb::ui
