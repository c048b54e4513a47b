// Drives the window from the command line: sets up the runs, presses Run and exports when done.
#include "window/automation.h"

#include "charts/chart_panel.h"
#include "comparison/comparison_panel.h"
#include "history/result_library.h"
#include "model/run_recorder.h"
#include "panels/setup_panel.h"
#include "results/run_result.h"
#include "run/run_controller.h"
#include "window/export_actions.h"
#include "window/main_window.h"

#include <QApplication>
#include <QTimer>

#include <algorithm>
#include <cstdio>

namespace tb::ui {

Automation::Automation(MainWindow* window, AutomationOptions options)
    : QObject(window), m_window(window), m_options(std::move(options)) {}

void Automation::start() {
  // A file that cannot be opened fails the command, as a failed run does: a script exporting a
  // report must not get one that silently lacks it.
  for (const QString& problem : m_window->openResultFiles(m_options.openFiles)) {
    std::fprintf(stderr, "trainbench: error: %s\n", qPrintable(problem));
    m_exitCode = 1;
  }
  if (!m_options.runs()) {
    // Nothing to train: export once the event loop has shown the window; finish() draws the rest.
    QTimer::singleShot(0, this, &Automation::finish);
    return;
  }
  m_window->keepSavedSettings();
  auto* setup = m_window->setupPanel();
  setup->setWorkload(m_options.workload);
  setup->setCheckedDevices(m_options.devices.isEmpty() ? QStringList{QStringLiteral("cpu")}
                                                       : m_options.devices);
  setup->setSynthetic(m_options.synthetic);
  if (!m_options.dataDir.isEmpty()) setup->setDataDir(m_options.dataDir);
  if (m_options.epochs > 0) setup->setEpochs(m_options.epochs);
  setup->setTrainLimit(m_options.trainLimit);
  setup->setTestLimit(m_options.testLimit);
  setup->setRepeats(m_options.repeats);
  setup->setTimeBudget(m_options.timeBudget);
  setup->setDataParallel(m_options.dataParallelRanks > 0,
                         static_cast<int>(std::max<qint64>(0, m_options.dataParallelRanks)));
  // Not the saved settings': a script's run is what its command line says.
  setup->setScaling(m_options.scaling);

  // Scripts read these lines like the CLI's: which run started, where each result went.
  connect(m_window->controller(), &RunController::runStarted, this,
          [](int, const RunStarted& event) {
            std::printf("Running %s on %s\n", event.header.workload.name.c_str(),
                        event.header.device.id.c_str());
            std::fflush(stdout);
          });
  connect(m_window->recorder(), &RunRecorder::runRecorded, this,
          [this](const RunResult& result, const QString& path, const QString& saveError) {
            if (result.status != RunStatus::Completed) m_exitCode = 1;
            // The reason is in the saved file too, but a script reads stderr.
            if (result.status == RunStatus::Failed) {
              std::fprintf(stderr, "trainbench: error: the run on %s failed: %s\n",
                           result.device.id.c_str(), result.error.c_str());
            }
            if (path.isEmpty()) {
              std::fprintf(stderr, "trainbench: error: the result was not saved: %s\n",
                           qPrintable(saveError));
              m_exitCode = 1;
            } else {
              std::printf("Result saved to %s\n", qPrintable(path));
              std::fflush(stdout);
            }
          });
  // Queued: the window is grabbed after the controller has finished handling the last run.
  connect(m_window->controller(), &RunController::idle, this, &Automation::finish,
          Qt::QueuedConnection);
  if (const QString problem = m_window->startRuns(); !problem.isEmpty()) {
    std::fprintf(stderr, "trainbench: error: %s\n", qPrintable(problem));
  }
  if (!m_window->controller()->isBusy()) {  // nothing could be queued
    m_exitCode = 1;
    QTimer::singleShot(0, this, &Automation::finish);
  }
}

int Automation::appExitCode(int loopExitCode) const {
  return m_options.quitWhenDone ? std::max(loopExitCode, m_exitCode) : loopExitCode;
}

void Automation::finish() {
  if (m_finished) return;
  // History is shown as the results folder has it: a picture of "Reading the result files…"
  // would show none of them.
  ResultLibrary* library = m_window->library();
  if (m_options.historyTab && library->reading()) {
    connect(library, &ResultLibrary::readingChanged, this, &Automation::finish,
            Qt::SingleShotConnection);
    return;
  }
  m_finished = true;
  if (m_options.historyTab) {
    m_window->showHistoryTab();
  } else {
    m_window->showResultsTab();
  }
  // The charts and the comparison coalesce their redraws on timers; draw both now rather than
  // wait for those timers, so the screenshot and the report show every point and row.
  m_window->chartPanel()->replotNow();
  m_window->comparisonPanel()->refreshNow();
  // Views lay out on zero-time timers (the queue's columns after its last state, the widgets in
  // its rows): let those run, or the grab shows a column still sized for the previous text.
  QCoreApplication::processEvents(QEventLoop::ExcludeUserInputEvents);
  QString error;
  if (!m_options.screenshot.isEmpty() &&
      !m_window->exportActions()->saveWindowPng(m_options.screenshot, &error)) {
    std::fprintf(stderr, "trainbench: error: --screenshot: %s\n", qPrintable(error));
    m_exitCode = 1;
  }
  if (!m_options.report.isEmpty() &&
      !m_window->exportActions()->saveReport(m_options.report, &error)) {
    std::fprintf(stderr, "trainbench: error: --report: %s\n", qPrintable(error));
    m_exitCode = 1;
  }
  if (m_options.quitWhenDone) {
    // Closed as a signal closes it, with the code that tells scripts whether every run
    // completed: a result the results folder refused is kept in the temporary folder (and said
    // on stderr), where exiting the event loop dropped it with the window.
    // The settings file stays as it was, as after a run from the command line.
    m_window->keepSavedSettings();
    QTimer::singleShot(0, m_window, [window = m_window, code = m_exitCode] {
      window->requestQuit(code);
      // Closed: the app ends even where another window (a dialog left open) would keep it.
      if (!window->isVisible()) QApplication::exit(code);
    });
  }
}

}  // namespace tb::ui
