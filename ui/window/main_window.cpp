#include "window/main_window.h"

#include "charts/chart_panel.h"
#include "charts/gpu_charts.h"
#include "charts/run_legend.h"
#include "common/focus_in_view.h"
#include "common/qt_convert.h"
#include "common/screen_fit.h"
#include "common/settings_values.h"
#include "comparison/comparison_panel.h"
#include "data/dataset_gate.h"
#include "devices/blas_library.h"
#include "devices/build_info.h"
#include "devices/probe_dialog.h"
#include "devices/profile_dialog.h"
#include "devices/system_info.h"
#include "help/user_guide.h"
#include "history/history_panel.h"
#include "history/result_library.h"
#include "machine/disturbance.h"
#include "model/removed_runs.h"
#include "model/run_collection.h"
#include "model/run_recorder.h"
#include "panels/queue_panel.h"
#include "panels/setup_panel.h"
#include "results/result_file.h"
#include "results/result_paths.h"
#include "results/table_text.h"
#include "run/run_controller.h"
#include "window/export_actions.h"
#include "window/launch_checks.h"
#include "window/notice_bar.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QResizeEvent>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QThread>
#include <QVBoxLayout>

#include <algorithm>
#include <cstdio>

namespace tb::ui {

namespace {

// A message from the core as a sentence, so a hint can follow it.
QString sentence(const std::string& text) {
  QString message = toQString(text).trimmed();
  if (!message.isEmpty() && !QStringLiteral(".!?").contains(message.back())) message += u'.';
  return message;
}

// A core warning as a sentence of the notice, in the Setup panel's words: "a training step ...
// --batch-size" as "A training step ... “Batch size”". Only a plain word is capitalised, not a
// device or a flag ("cuda:0", "--threads").
QString warningSentence(const std::string& text) {
  QString message = SetupPanel::inFieldNames(sentence(text));
  const QString firstWord = message.section(u' ', 0, 0);
  const bool plainWord =
      !firstWord.isEmpty() && std::all_of(firstWord.begin(), firstWord.end(),
                                          [](QChar letter) { return letter.isLetter(); });
  if (plainWord && message.front().isLower()) message.front() = message.front().toUpper();
  return message;
}

// What the Download dataset menu can do about a run that failed on its data: fetch data that is
// not there, or check a downloaded copy and replace damaged files.
QString dataHint(const RunResult& result) {
  if (result.failure != FailureKind::Data) return {};
  if (result.error.find("data not found") != std::string::npos) {
    return MainWindow::tr(" File \u203a Download dataset fetches it.");
  }
  return MainWindow::tr(" File \u203a Download dataset can check a downloaded copy and replace "
                        "damaged files.");
}

}  // namespace

MainWindow::MainWindow(const QString& settingsFile, const QString& resultsFolder, QWidget* parent)
    : QMainWindow(parent),
      m_discardedSettings(discardsSettings(settingsFile) ? std::make_unique<QTemporaryDir>()
                                                         : nullptr),
      // The user's settings where none are named (main() puts them in userConfigHome()).
      m_settings(m_discardedSettings
                     ? std::make_unique<QSettings>(
                           m_discardedSettings->filePath(QStringLiteral("discarded.ini")),
                           QSettings::IniFormat)
                 : settingsFile.isEmpty()
                     ? std::make_unique<QSettings>()
                     : std::make_unique<QSettings>(settingsFile, QSettings::IniFormat)),
      m_collection(new RunCollection(this)),
      // Read in the background: a folder of thousands of runs must not hold the window back.
      m_library(new ResultLibrary(
          resultsFolder.isEmpty() ? toQString(defaultResultsDir()) : resultsFolder, this,
          ResultLibrary::FirstScan::InBackground)),
      m_controller(new RunController(this)) {
  setWindowTitle(tr("TrainBench"));
  setAcceptDrops(true);
  m_recorder = new RunRecorder(m_controller, m_collection, m_library, this);
  m_removed = new RemovedRuns(m_collection, this);

  m_mainSplitter = new QSplitter(Qt::Horizontal);
  m_mainSplitter->addWidget(buildSidebar());
  m_mainSplitter->addWidget(buildMainArea());
  m_mainSplitter->setStretchFactor(1, 1);

  m_notice = new NoticeBar;
  auto* central = new QWidget;
  auto* layout = new QVBoxLayout(central);
  layout->setContentsMargins(6, 6, 6, 0);
  layout->addWidget(m_notice);
  layout->addWidget(m_mainSplitter, 1);
  setCentralWidget(central);

  m_export = new ExportActions(this);
  m_gate = new DatasetGate(this);
  // 1280x800, or the screen's free area less the frame's title bar where that is smaller (a
  // 1366x768 laptop). The offscreen platform's made-up 800x600 screen is no user's: bounded to
  // it, a --screenshot cut the charts off at epoch 1 and left the comparison out.
  QSize size(1280, 800);
  if (QGuiApplication::platformName() != QLatin1String("offscreen")) {
    size = sizeWithinScreen(this, size);
  }
  resize(size);
  // The sidebar takes 30% of the window, at most 380 pixels: on a small or scaled screen (853
  // logical pixels across at 1280x720 and 150%) the charts keep the rest. A saved layout
  // (restoreSettings) replaces this.
  const int sidebar = std::min(380, size.width() * 3 / 10);
  m_mainSplitter->setSizes({sidebar, size.width() - sidebar});
  restoreSettings();  // before the menus, so their check marks show the restored state
  // Said now, not only on stderr as the window closes: a session's settings would be lost.
  if (const QString why = settingsSaveProblem(m_settings->fileName()); !why.isEmpty()) {
    showNotice(tr("The settings cannot be saved: %1. What you change here is lost when "
                  "TrainBench closes; start it with --settings FILE to keep them in another file.")
                   .arg(why),
               true);
  }
  buildMenus();
  wireRuns();
  // A run the last app never finished (killed for lack of memory, say) is said and kept; so is
  // one it finished but could not save.
  const RunRecorder::Recovered recovered = m_recorder->recoverAbandonedRuns();
  QStringList said;
  if (!recovered.killed.isEmpty()) {
    said << tr("TrainBench ended last time while a run trained, without saving it (killed, as "
               "the system does when memory runs out, or crashed): %1. It is in History as "
               "failed; a smaller batch size may fit.")
                .arg(recovered.killed.join(QStringLiteral("; ")));
  }
  if (!recovered.kept.isEmpty()) {
    said << tr("Saved now, to History: %n result(s) the results folder could not take last "
               "time: %1.",
               nullptr, static_cast<int>(recovered.kept.size()))
                .arg(recovered.kept.join(QStringLiteral("; ")));
  }
  if (!said.isEmpty()) showNotice(said.join(QLatin1Char(' ')), !recovered.killed.isEmpty());

  rememberSettingsAsRestored();
  for (QLineEdit* field : findChildren<QLineEdit*>()) field->installEventFilter(this);
  statusBar()->addPermanentWidget(new QLabel(
      tr("TrainBench %1 \u00b7 LibTorch %2 \u00b7 Qt %3")
          .arg(toQString(appVersion()), toQString(libtorchVersion()), QLatin1String(qVersion()))));
}

MainWindow::~MainWindow() {
  if (m_machineCheck) m_machineCheck->wait();  // at most its one-second sample
}

// The sidebar keeps its width as the window narrows, down to two fifths of it: at 380 pixels it
// left a window tiled to 700 across 290 for the charts and the table, which scrolled sideways.
// (The window's layout has already resized the splitter.)
void MainWindow::resizeEvent(QResizeEvent* event) {
  QMainWindow::resizeEvent(event);
  // Only as it narrows: a sidebar dragged wider stays so through other changes.
  const int before = event->oldSize().width();
  if (before > 0 && event->size().width() >= before) return;
  const QList<int> sizes = m_mainSplitter->sizes();
  const int most =
      std::max(m_sideSplitter->minimumSizeHint().width(), event->size().width() * 2 / 5);
  if (sizes.size() == 2 && sizes[0] > most)
    m_mainSplitter->setSizes({most, sizes[0] + sizes[1] - most});
}

QWidget* MainWindow::buildSidebar() {
  m_setup = new SetupPanel;
  m_queue = new QueuePanel(m_controller);
  m_sideSplitter = new QSplitter(Qt::Vertical);
  m_sideSplitter->addWidget(m_setup);  // its fields scroll; Run and Stop stay in view
  m_sideSplitter->addWidget(m_queue);
  m_sideSplitter->setStretchFactor(0, 3);
  m_sideSplitter->setStretchFactor(1, 1);
  return m_sideSplitter;
}

QWidget* MainWindow::buildMainArea() {
  m_charts = new ChartPanel(m_collection);
  // GPU utilisation and memory: hidden until a run has GPU telemetry.
  for (const ChartSpec& spec : gpuChartSpecs()) m_charts->addChart(spec);
  connect(m_charts->legend(), &RunLegend::removeRequested, this,
          [this](const QString& id) { removeFromView({id}); });
  m_comparison = new ComparisonPanel(m_collection);
  connect(m_comparison, &ComparisonPanel::removeRequested, this, &MainWindow::removeFromView);
  m_history = new HistoryPanel(m_library);
  // Kept as it is chosen, as the export folder is.
  m_history->setImportFolder(m_settings->value(QStringLiteral("import/folder")).toString());
  connect(m_history, &HistoryPanel::importFolderChosen, this, [this](const QString& folder) {
    m_settings->setValue(QStringLiteral("import/folder"), folder);
  });
  m_resultsSplitter = new QSplitter(Qt::Vertical);
  m_resultsSplitter->addWidget(m_charts);
  m_resultsSplitter->addWidget(m_comparison);
  m_resultsSplitter->setStretchFactor(0, 4);
  m_resultsSplitter->setStretchFactor(1, 3);
  m_resultsSplitter->setSizes({420, 330});  // at 1280x800 both charts rows and 4 table rows fit
  // On a small screen, with a notice or the comparison's note above, the charts and the table
  // keep their readable heights and the tab scrolls, rather than the window outgrowing the
  // screen.
  m_resultsArea = new QScrollArea;
  m_resultsArea->setWidget(m_resultsSplitter);
  m_resultsArea->setWidgetResizable(true);
  m_resultsArea->setFrameShape(QFrame::NoFrame);
  // No Tab stop of its own (it showed no focus); it scrolls to whichever of its widgets has it.
  m_resultsArea->setFocusPolicy(Qt::NoFocus);
  keepFocusInView(m_resultsArea);
  m_tabs = new QTabWidget;
  m_tabs->addTab(m_resultsArea, tr("Charts && comparison"));
  m_tabs->addTab(m_history, tr("History"));
  return m_tabs;
}

void MainWindow::buildMenus() {
  auto* file = menuBar()->addMenu(tr("&File"));
  auto* import = file->addAction(tr("&Import results\u2026"));
  import->setShortcut(QKeySequence::Open);
  connect(import, &QAction::triggered, m_history, &HistoryPanel::importWithDialog);
  m_saveUnsavedAction = file->addAction(tr("&Save unsaved results"));
  m_saveUnsavedAction->setObjectName(QStringLiteral("saveUnsavedResults"));
  m_saveUnsavedAction->setEnabled(false);
  connect(m_saveUnsavedAction, &QAction::triggered, this, &MainWindow::saveUnsavedResults);
  file->addMenu(m_export->menu());
  m_downloadMenu =
      file->addMenu(m_gate->createDownloadMenu([this] { return m_setup->dataDir(); }, this));
  file->addSeparator();
  auto* quit = file->addAction(tr("&Quit"));
  quit->setShortcut(QKeySequence::Quit);
  connect(quit, &QAction::triggered, this, &QWidget::close);

  auto* run = menuBar()->addMenu(tr("&Run"));
  m_runAction = run->addAction(tr("&Run"));
  m_runAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
  connect(m_runAction, &QAction::triggered, this, &MainWindow::requestRuns);
  auto* stop = run->addAction(tr("&Stop\u2026"));
  stop->setObjectName(QStringLiteral("stopRunsAction"));
  stop->setShortcut(QKeySequence(Qt::Key_Escape));
  connect(stop, &QAction::triggered, this, &MainWindow::stopRunsAfterAsking);
  run->addSeparator();
  run->setToolTipsVisible(true);  // a menu hides its actions' tooltips unless told
  auto* probe = run->addAction(tr("&Measure device peaks\u2026"));
  probe->setToolTip(tr("Measure the ticked devices' peak TFLOPS and memory bandwidth"));
  connect(probe, &QAction::triggered, this, &MainWindow::measurePeaks);
  auto* profile = run->addAction(tr("&Profile a training step\u2026"));
  profile->setToolTip(tr("Time the ticked devices' training steps phase by phase: data, "
                         "forward, backward, optimizer, and what bounds the step"));
  connect(profile, &QAction::triggered, this, &MainWindow::profileSteps);
  auto* clear = run->addAction(tr("&Clear charts"));
  clear->setObjectName(QStringLiteral("clearCharts"));
  connect(clear, &QAction::triggered, this, &MainWindow::clearCharts);
  m_undoRemove = run->addAction(tr("&Undo Remove"));
  m_undoRemove->setObjectName(QStringLiteral("undoRemove"));
  m_undoRemove->setShortcut(QKeySequence::Undo);  // a text field with the focus keeps its own
  m_undoRemove->setToolTip(tr("Show the runs last cleared or removed from view again"));
  m_undoRemove->setEnabled(false);
  connect(m_undoRemove, &QAction::triggered, this, &MainWindow::undoRemove);
  connect(m_removed, &RemovedRuns::undoAvailable, m_undoRemove, &QAction::setEnabled);

  auto* view = menuBar()->addMenu(tr("&View"));
  auto* published = view->addAction(tr("Show &published figures"));
  published->setCheckable(true);
  published->setChecked(m_comparison->showPublished());
  connect(published, &QAction::toggled, m_comparison, &ComparisonPanel::setShowPublished);
  // The panel's own checkbox sets the same thing: the menu's tick follows it.
  connect(m_comparison, &ComparisonPanel::showPublishedChanged, published, &QAction::setChecked);
  auto* fit = view->addAction(tr("&Fit Charts to Data"));
  fit->setObjectName(QStringLiteral("fitCharts"));
  fit->setToolTip(
      tr("Undo the charts' zoom (a rectangle dragged over a chart); a double-click "
         "on a chart fits that one"));
  connect(fit, &QAction::triggered, m_charts, [this] { m_charts->fitChartsToData(); });
  // Each tab with the keyboard's focus in it: Tab took some twenty presses to get there.
  auto* history = view->addAction(tr("&History"));
  history->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_H));
  connect(history, &QAction::triggered, this, [this] {
    m_tabs->setCurrentWidget(m_history);
    m_history->view()->setFocus(Qt::ShortcutFocusReason);
  });
  auto* charts = view->addAction(tr("&Charts and comparison"));
  charts->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_G));
  connect(charts, &QAction::triggered, this, [this] {
    m_tabs->setCurrentIndex(0);
    m_comparison->table()->setFocus(Qt::ShortcutFocusReason);
  });

  auto* help = menuBar()->addMenu(tr("&Help"));
  addUserGuideAction(help, this);
  auto* about = help->addAction(tr("&About TrainBench"));
  connect(about, &QAction::triggered, this, &MainWindow::showAbout);
  connect(help->addAction(tr("About &Qt")), &QAction::triggered, qApp, &QApplication::aboutQt);
}

void MainWindow::wireRuns() {
  connect(m_setup, &SetupPanel::runRequested, this, &MainWindow::requestRuns);
  connect(m_gate, &DatasetGate::datasetDownloaded, this,
          [this](const QString& dataset, const QString& folder) {
            m_setup->refreshDataStatus();
            statusBar()->showMessage(tr("%1 downloaded to %2").arg(dataset, folder), 8000);
          });
  connect(m_setup, &SetupPanel::stopRequested, this, &MainWindow::stopRuns);
  connect(m_controller, &RunController::queueChanged, this, [this] {
    m_setup->setRunning(m_controller->isBusy());
    m_runAction->setEnabled(!m_controller->isBusy());
    // A download beside a training run would distort its measurement.
    m_downloadMenu->setEnabled(!m_controller->isBusy());
  });
  connect(m_controller, &RunController::repeatsFinished, this,
          [this](const QString& summary) { showNotice(summary, false); });
  connect(m_controller, &RunController::idle, this, [this] {
    // Nothing left to stop: the question would stay, naming a run that ended.
    if (m_stopQuestion) m_stopQuestion->reject();
    if (m_closeRequested) close();
  });
  connect(m_recorder, &RunRecorder::unsavedChanged, this,
          [this] { m_saveUnsavedAction->setEnabled(m_recorder->unsavedCount() > 0); });
  connect(m_recorder, &RunRecorder::runRecorded, this,
          [this](const RunResult& result, const QString& path, const QString& saveError,
                 bool shown) {
            if (!saveError.isEmpty()) {
              showNotice(shown ? tr("Could not save the result: %1. It is kept in this window "
                                    "only: File \u203a Save unsaved results tries again.")
                                     .arg(saveError)
                               : tr("Could not save the result: %1.").arg(saveError),
                         true);
            }
            if (result.status == RunStatus::Failed) {
              showNotice(tr("Run on %1 failed: %2")
                                 .arg(toQString(result.device.id),
                                      SetupPanel::inFieldNames(sentence(result.error))) +
                             dataHint(result),
                         true);
            }
            if (result.validity && !result.validity->warnings.empty()) {
              // Every warning: the first alone named the other programs' load, not the stalls
              // that made its median-step samples/s overstate the run.
              QStringList warnings;
              for (const std::string& warning : result.validity->warnings) {
                warnings << warningSentence(warning);
              }
              // A note about the run itself (left-out images) is no disturbance.
              showNotice((result.validity->disturbed ? tr("\u26a0 The run on %1 was disturbed: %2")
                                                     : tr("\u26a0 The run on %1: %2"))
                             .arg(toQString(result.device.id), warnings.join(u' ')),
                         true);
            }
            if (!result.config.executionFallback.empty()) {
              showNotice(tr("The run on %1: %2")
                             .arg(toQString(result.device.id), toQString(result.config.executionFallback)),
                         false);
            }
            if (!path.isEmpty()) statusBar()->showMessage(tr("Saved %1").arg(path), 8000);
          });
  connect(m_history, &HistoryPanel::openRequested, this, &MainWindow::openResultFiles);
  connect(m_history, &HistoryPanel::message, this, &MainWindow::showNotice);
  connect(m_history, &HistoryPanel::settingsRequested, this, [this](const QString& path) {
    for (const auto& entry : m_library->entries()) {
      if (entry.path != path) continue;
      QStringList notice = {tr("Setup has the settings of %1: Run runs it again.")
                                .arg(QFileInfo(path).fileName())};
      notice << m_setup->useSettingsOf(entry.result);
      // The Setup holds one run's settings: what the last Use Settings said is out of date.
      showNotice(notice.join(u' '), false, m_settingsNotice);
      m_settingsNotice = notice.join(u' ');
      m_setup->runButton()->setFocus(Qt::OtherFocusReason);
      return;
    }
  });
  connect(m_history, &HistoryPanel::filesRemoved, this, [this](const QStringList& paths) {
    // Deleted runs stay on screen until closed, but are no longer backed by a file.
    for (const QString& path : paths) m_collection->setFilePath(m_collection->idForFile(path), QString());
    m_removed->forgetFiles(paths);
  });
}

QStringList MainWindow::openResultFiles(const QStringList& paths) {
  QStringList problems;
  for (const QString& given : paths) {
    // One spelling per file ("r.json", "./r.json", the library's absolute path): a file opened
    // twice is one run, and History's Delete finds it by the library's path.
    const QString path = QDir::cleanPath(QFileInfo(given).absoluteFilePath());
    if (!m_collection->idForFile(path).isEmpty()) continue;
    try {
      RunResult result = readResultFile(toStdString(path));
      // A copy of a run on screen is that run: counting it twice would make up a repeat.
      if (const QString shown = m_collection->idForRun(result); !shown.isEmpty()) {
        if (m_collection->find(shown)->filePath.isEmpty()) m_collection->setFilePath(shown, path);
        statusBar()->showMessage(tr("%1 is a run already shown").arg(path), 8000);
        continue;
      }
      m_collection->add(result, /*live=*/false, path);
    } catch (const ResultFileError& e) {
      // The file's name from anywhere: a bidi control in it showed the notice mirrored.
      problems << toQString(table::printable(e.what()));
      showNotice(problems.last(), true);
    }
  }
  showResultsTab();
  return problems;
}

void MainWindow::showNotice(const QString& text, bool error, const QString& replacing) {
  m_notice->showNotice(text, error, replacing);
  statusBar()->showMessage(text, 8000);
}

void MainWindow::showResultsTab() {
  const bool fromHistory = m_history->isAncestorOf(QApplication::focusWidget());
  m_tabs->setCurrentWidget(m_resultsArea);
  // The focus, hidden with History, went on to the next widget Qt found: a legend entry, where
  // Space hides a run. The comparison table instead, as Ctrl+G puts it.
  if (fromHistory) m_comparison->table()->setFocus(Qt::OtherFocusReason);
}

void MainWindow::showHistoryTab() { m_tabs->setCurrentWidget(m_history); }

void MainWindow::showAbout() {
  QMessageBox box(
      QMessageBox::Information, tr("About TrainBench"),
      tr("<h3>TrainBench %1</h3>"
         "<p>How fast does this machine, and each device in it, train a neural network?</p>"
         "<p>Runs the same training workload on each device and compares them side by side, "
         "next to the figures of the RTX 2080 Ti vs. M1 article it grew from.</p>"
         "<p>LibTorch %2 \u00b7 Qt %3 \u00b7 QCustomPlot</p>"
         "<p>CPU BLAS: %4</p>"
         "<p>Built with %5</p>")
          .arg(toQString(appVersion()), toQString(libtorchVersion()), QLatin1String(qVersion()),
               loadedBlasLibrary().name.empty()
                   ? tr("not found")
                   : toQString(loadedBlasLibrary().name).toHtmlEscaped(),
               toQString(buildText(thisBuild())).toHtmlEscaped()),
      QMessageBox::Ok, this);
  box.setIconPixmap(windowIcon().pixmap(64));
  // The versions go into bug reports: they can be selected and copied.
  box.setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
  box.exec();
}

// Drops anywhere on the window follow the history panel's rule (HistoryPanel::importDropped).
void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (HistoryPanel::carriesResultFiles(event->mimeData())) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  if (!HistoryPanel::carriesResultFiles(event->mimeData())) return;
  event->acceptProposedAction();
  m_history->importDropped(event->mimeData());
}

bool MainWindow::eventFilter(QObject* watched, QEvent* event) {
  const QEvent::Type type = event->type();
  if (type == QEvent::DragEnter || type == QEvent::DragMove || type == QEvent::Drop) {
    auto* drop = static_cast<QDropEvent*>(event);  // DragEnter and DragMove derive from it
    // A folder alone is left to the field: the dataset folder's takes one as its text.
    if (HistoryPanel::carriesResultFiles(drop->mimeData(), /*foldersToo=*/false)) {
      drop->acceptProposedAction();
      if (type == QEvent::Drop) m_history->importDropped(drop->mimeData());
      return true;
    }
  }
  return QMainWindow::eventFilter(watched, event);
}

}  // namespace tb::ui
