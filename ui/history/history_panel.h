// The saved-runs panel: a sortable table of the result library with Open, Delete, Import and
// Refresh, double-click to open and .json files dropped onto it imported.
#pragma once

#include <QMap>
#include <QStringList>
#include <QWidget>

class QAction;
class QLabel;
class QLineEdit;
class QMimeData;
class QModelIndex;
class QSortFilterProxyModel;
class QStandardItemModel;
class QTableView;
class QToolBar;

namespace tb::ui {

class FolderWatch;
class ResultLibrary;

class HistoryPanel final : public QWidget {
  Q_OBJECT

 public:
  enum Column {
    DateColumn,
    MachineColumn,
    DeviceColumn,
    WorkloadColumn,
    DataColumn,
    StatusColumn,
    TotalTimeColumn,
    TestAccuracyColumn,
    ColumnCount
  };
  // On every column: the item's file path (DateColumn) and the value to sort by (all columns).
  static constexpr int kPathRole = Qt::UserRole + 1;
  static constexpr int kSortRole = Qt::UserRole + 2;
  // On DateColumn: what the filter matches, the row's words whole (host, device, CPU, ...).
  static constexpr int kFilterRole = Qt::UserRole + 3;

  explicit HistoryPanel(ResultLibrary* library, QWidget* parent = nullptr);

  // Imports each file; opens the imported ones (openRequested) and reports failures (message).
  void importFiles(const QStringList& paths);

  // Files dragged onto this panel or onto the window (which hands them here), one rule for both:
  // a drag is taken when it carries a result file (a local `.json`, in any case) or, with
  // `foldersToo`, a folder; on the drop those (and a folder's .json files) are imported and
  // every other file is named in the message instead of imported.
  static bool carriesResultFiles(const QMimeData* data, bool foldersToo = true);
  void importDropped(const QMimeData* data);

  // The table; its model() is in display (sorted, filtered) order.
  QTableView* view() const { return m_view; }
  // Shows only the runs that have every word of `text` (any case) in their row: host, device,
  // CPU, workload, data, status, precision or date. Empty shows all.
  void setFilterText(const QString& text);
  // Paths of the selected runs in display order.
  QStringList selectedPaths() const;
  void selectPaths(const QStringList& paths);

  // Off in tests, which cannot click a modal dialog (every question is then answered yes); on by
  // default.
  void setConfirmDeletes(bool confirm) { m_confirmDeletes = confirm; }
  // The table's sort and the widths of the columns a person dragged, as settings text ("total
  // ascending"; "machine=140 status=90"), so a restart keeps them. restore*() take that text;
  // on anything else they change nothing and return false.
  QString sortSetting() const;
  bool restoreSort(const QString& setting);
  QString columnWidthsSetting() const;
  bool restoreColumnWidths(const QString& setting);

  // The last text sent through message(), so tests (and a late-connecting window) can see it.
  const QString& lastMessage() const { return m_lastMessage; }
  // The folder Import's dialog opens in: the last one files were imported from (a server's
  // results, copied over again), which importFolderChosen reports to be kept.
  void setImportFolder(const QString& folder) { m_importFolder = folder; }
  bool lastMessageIsError() const { return m_lastMessageIsError; }

 public Q_SLOTS:
  void openSelected();
  void deleteSelected();
  void importWithDialog();
  void refresh();

 Q_SIGNALS:
  // Paths of result files to show (overlaid with what is already on screen).
  void openRequested(const QStringList& paths);
  // "Use Settings": the selected run's settings go into Setup, to run it again.
  void settingsRequested(const QString& path);
  // Result files just deleted, so anything showing them can forget their paths.
  void filesRemoved(const QStringList& paths);
  void importFolderChosen(const QString& folder);
  // A short notice for the status bar; `error` marks it as a failure. It takes the place of
  // `replacing` (an earlier import's, which this one makes out of date) where that is shown.
  void message(const QString& text, bool error, const QString& replacing);

 protected:
  // Tabbing into the table selects the row the keyboard lands on, so Enter and Delete act on it;
  // the table's new width goes to its device column.
  bool eventFilter(QObject* watched, QEvent* event) override;
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;
  void showEvent(QShowEvent* event) override;
  void hideEvent(QHideEvent* event) override;

 private:
  // The constructor's parts: the table's model and view, the actions' tips and keys, the tool
  // bar that holds them, and the filter line with its Ctrl+F.
  void setUpView();
  void setUpActions();
  QToolBar* buildToolBar();
  void setUpFilter();
  void rebuild();
  // Each column as wide as its content, up to a limit, or as a person dragged it; the device
  // column takes the width left.
  void fitColumns();
  void fitDeviceColumn();
  void columnResized(int column, int width);
  void updateActions();
  void updateSummary();
  void openIndex(const QModelIndex& index);
  void importFiles(const QStringList& paths, const QStringList& skipped);
  void notify(const QString& text, bool error, const QString& replacing = {});
  // After Refresh: names the files that could not be read, once the rescan has read them.
  void reportProblemsOnceRead();
  // Whether to delete for good what the trash refused (path to reason).
  bool confirmPermanentDelete(const QMap<QString, QString>& untrashed);

  ResultLibrary* m_library;
  QStandardItemModel* m_model;
  QSortFilterProxyModel* m_proxy;
  QTableView* m_view;
  QLineEdit* m_filter;
  QLabel* m_summary;
  QAction* m_openAction;
  QAction* m_deleteAction;
  QAction* m_useSettingsAction;
  QAction* m_importAction;
  QAction* m_refreshAction;
  bool m_confirmDeletes = true;
  // Rescan whenever the panel comes into view, the first time too (the app's first scan may
  // still be reading), so runs the CLI saved meanwhile show up without pressing Refresh.
  bool m_reloadOnShow = true;
  bool m_reportProblems = false;  // Refresh was pressed; its rescan is still reading
  // Runs the CLI saves or removes while History is on screen show at once.
  FolderWatch* m_folderWatch;
  QString m_lastMessage;
  bool m_lastMessageIsError = false;
  QString m_importFolder;
  QString m_lastImportMessage;     // a drop's "Could not import" must not outlive the next import
  QMap<int, int> m_draggedWidths;  // column to the width a person gave it
  bool m_fittingColumns = false;   // the widths changing now are ours, not a person's
};

}  // namespace tb::ui
