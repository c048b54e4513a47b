// The main window: wires the panels (setup, queue, charts, comparison, history) to the run
// controller and the results library. It holds no panel logic of its own.
#pragma once

#include <QHash>
#include <QMainWindow>
#include <QMessageBox>
#include <QPointer>
#include <QString>
#include <QVariant>

#include <memory>
#include <optional>

class QAction;
class QScrollArea;
class QSettings;
class QSplitter;
class QTabWidget;
class QTemporaryDir;
class QThread;

namespace tb::ui {

class ChartPanel;
class ComparisonPanel;
class DatasetGate;
class ExportActions;
class HistoryPanel;
class NoticeBar;
class QueuePanel;
class RemovedRuns;
class ResultLibrary;
class RunCollection;
class RunController;
class RunRecorder;
class SetupPanel;

class MainWindow final : public QMainWindow {
  Q_OBJECT

 public:
  // `settingsFile` empty: the user's settings; otherwise an INI file (tests, automation).
  // `resultsFolder` empty: the default results library folder.
  explicit MainWindow(const QString& settingsFile = QString(),
                      const QString& resultsFolder = QString(), QWidget* parent = nullptr);
  ~MainWindow() override;

  // Queues the ticked runs; returns why nothing was queued (empty when runs were queued).
  QString startRuns();
  // What Run does for the user: offers to download a missing dataset (or to use synthetic
  // data) first, then startRuns(). startRuns() alone never asks (automation, tests).
  void requestRuns();
  void stopRuns();
  // Run › Stop and its key, Esc: asks first (Esc is pressed to back out of many things, and a
  // stray one ended runs of hours); the Stop button stops at once.
  void stopRunsAfterAsking();
  // File › Save unsaved results: the runs the library could not save, saved again.
  void saveUnsavedResults();
  // Run › Measure device peaks: the ticked devices, in a modal dialog (not while training).
  void measurePeaks();
  // Run › Profile a training step: the ticked devices' step, phase by phase (not while training).
  void profileSteps();
  // Adds saved result files to the charts and comparison (skipping ones already shown, under
  // any spelling of their path); returns a message for each that could not be read.
  QStringList openResultFiles(const QStringList& paths);
  void showNotice(const QString& text, bool error, const QString& replacing = {});
  // Closes the window as the user would (a running run is stopped and saved first) and makes
  // the app exit with `exitCode` (e.g. after SIGTERM). quitCode() is that code, once asked.
  void requestQuit(int exitCode);
  // Closing leaves the settings file as it was: a command-line run's values (--synthetic,
  // --train-limit, ...) are for that session, not the user's next one.
  void keepSavedSettings() { m_keepSavedSettings = true; }
  std::optional<int> quitCode() const { return m_quitCode; }

  SetupPanel* setupPanel() const { return m_setup; }
  RunController* controller() const { return m_controller; }
  RunCollection* collection() const { return m_collection; }
  ChartPanel* chartPanel() const { return m_charts; }
  ComparisonPanel* comparisonPanel() const { return m_comparison; }
  ResultLibrary* library() const { return m_library; }
  RunRecorder* recorder() const { return m_recorder; }
  ExportActions* exportActions() const { return m_export; }
  NoticeBar* noticeBar() const { return m_notice; }
  // The settings file in use (--settings FILE, or the user's): what anything remembered goes to.
  QSettings* settings() const { return m_settings.get(); }
  DatasetGate* datasetGate() const { return m_gate; }
  void showResultsTab();
  void showHistoryTab();

 protected:
  void closeEvent(QCloseEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;
  // Whether closing may drop the results the library could not save: asks the user, who may
  // save them again first; true at once where there are none.
  bool letUnsavedGo();
  // Asks whether to stop the runs (Run › Stop's question, or Quit's during a run); true for
  // Stop. A question the run's end or a signal closed answers false.
  bool askToStopRuns(bool quitting);
  // The same when quitting on a signal: they are saved again, and where the results folder
  // still refuses them, into this user's folder in the temporary one; stderr says where, or
  // that one is lost.
  void keepUnsavedUnattended();
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;
  // Result files dropped on a text field (History's filter, a setup field) are imported, as
  // anywhere else in the window: the field took them as text.
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  QWidget* buildSidebar();
  QWidget* buildMainArea();
  void buildMenus();
  // Run › Clear charts, a legend entry's Remove from View and Run › Undo Remove
  // (main_window_removal.cpp).
  void clearCharts();
  void removeFromView(const QStringList& ids);
  void undoRemove();
  void wireRuns();
  void restoreSettings();
  // History's sort and column widths; returns the settings it could not use, as "key=value".
  QStringList restoreHistoryView();
  // The settings this window would save, key by key (main_window_settings.cpp).
  void writeShownSettings(QSettings& settings) const;
  QHash<QString, QVariant> shownSettings() const;
  // Notes which keys the file already holds as shown, so closing writes only the others.
  void rememberSettingsAsRestored();
  void saveSettings();
  void showAbout();
  // Warns (a notice, never a block) when other processes already keep the machine busy.
  void checkMachineInBackground();

  std::unique_ptr<QTemporaryDir> m_discardedSettings;  // --settings /dev/null: where they go
  std::unique_ptr<QSettings> m_settings;
  QHash<QString, QString> m_settingsAsRestored;  // key -> its text, as file and window had it
  std::optional<int> m_quitCode;
  bool m_closeRequested = false;  // closing waits until the stopped run is saved
  QPointer<QMessageBox> m_unsavedQuestion;  // while letUnsavedGo() asks
  QPointer<QMessageBox> m_stopQuestion;     // while askToStopRuns() asks
  bool m_keepSavedSettings = false;
  RunCollection* m_collection;
  ResultLibrary* m_library;
  RunController* m_controller;
  RunRecorder* m_recorder = nullptr;
  RemovedRuns* m_removed = nullptr;
  QAction* m_undoRemove = nullptr;
  SetupPanel* m_setup = nullptr;
  QueuePanel* m_queue = nullptr;
  ChartPanel* m_charts = nullptr;
  ComparisonPanel* m_comparison = nullptr;
  HistoryPanel* m_history = nullptr;
  NoticeBar* m_notice = nullptr;
  QString m_settingsNotice;  // the last Use Settings notice: the next one replaces it
  QAction* m_saveUnsavedAction = nullptr;  // File › Save unsaved results: on while some are
  QAction* m_runAction = nullptr;  // Run › Run (Ctrl+R): off while runs train, as the button is
  ExportActions* m_export = nullptr;
  DatasetGate* m_gate = nullptr;
  QTabWidget* m_tabs = nullptr;
  QSplitter* m_mainSplitter = nullptr;  // sidebar | charts and tabs
  QSplitter* m_sideSplitter = nullptr;
  QAction* m_downloadMenu = nullptr;  // File › Download dataset, off while a run trains
  QSplitter* m_resultsSplitter = nullptr;
  QScrollArea* m_resultsArea = nullptr;  // the results tab: m_resultsSplitter, scrolling
  QThread* m_machineCheck = nullptr;  // the running pre-run check, if any
};

}  // namespace tb::ui
