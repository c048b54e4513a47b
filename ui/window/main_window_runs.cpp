// MainWindow (main_window.h): starting and stopping runs, and the device tools that may not run
// beside them (peaks, step profiles).
#include "window/main_window.h"

#include "common/qt_convert.h"
#include "data/dataset_gate.h"
#include "devices/probe_dialog.h"
#include "devices/profile_dialog.h"
#include "history/result_library.h"
#include "panels/queue_panel.h"
#include "panels/setup_panel.h"
#include "results/result_file.h"
#include "run/run_controller.h"

#include <QAbstractButton>
#include <QMessageBox>
#include <QStatusBar>

#include <algorithm>

namespace tb::ui {

QString MainWindow::startRuns() {
  QString problem = m_setup->problem();
  if (problem.isEmpty()) {
    // A run that cannot be saved does not start: the folder is checked before any training.
    try {
      checkResultsFolder(toStdString(m_library->folder()));
    } catch (const ResultFileError& e) {
      // Where to save instead: the folder is the environment's choice, not a field's.
      problem = tr("Results cannot be saved, so nothing was run: %1. Start TrainBench with "
                   "TRAINBENCH_RESULTS_DIR set to a folder it can write to, to save there.")
                    .arg(toQString(e.what()));
    }
  }
  if (!problem.isEmpty()) {
    showNotice(problem, true);
    return problem;
  }
  showResultsTab();
  checkMachineInBackground();
  if (const auto plan = m_setup->dataParallelPlan()) {
    m_controller->enqueueDataParallel(plan->config, plan->ranks, plan->cudaDevices);
  } else {
    m_controller->enqueue(m_setup->configs(), m_setup->autoRepeat());
  }
  return {};
}

void MainWindow::requestRuns() {
  // Closing: the window waits only for the stopped run, never for new ones.
  if (m_closeRequested) return;
  // No download while a run trains: it would distort the measurement. startRuns() reports
  // the setup's problem, if any, itself.
  if (m_controller->isBusy() || !m_setup->problem().isEmpty()) {
    startRuns();
    return;
  }
  switch (m_gate->ensureData(m_setup->configs())) {
    case DatasetGate::Decision::Cancelled: return;
    case DatasetGate::Decision::UseSynthetic: m_setup->setSynthetic(true); break;
    case DatasetGate::Decision::Ready: break;
  }
  startRuns();
}

void MainWindow::measurePeaks() {
  // Measuring while a run trains would distort both.
  if (m_controller->isBusy()) {
    showNotice(tr("Measure device peaks once the runs have finished."), true);
    return;
  }
  // Each ticked device once, whatever the repeats.
  QVector<ProbeTarget> targets;
  for (const RunConfig& config : m_setup->deviceConfigs()) {
    targets.push_back({toQString(config.device), config.threads});
  }
  if (targets.isEmpty()) {
    showNotice(tr("Tick the devices to measure in the setup panel."), true);
    return;
  }
  ProbeDialog dialog(targets, this);
  dialog.start();
  dialog.exec();
}

void MainWindow::profileSteps() {
  // Profiling sets LibTorch's threads and would distort a run, and a run the profile.
  if (m_controller->isBusy()) {
    showNotice(tr("Profile a step once the runs have finished."), true);
    return;
  }
  const QVector<RunConfig> configs = m_setup->configs();
  if (configs.isEmpty()) {
    showNotice(tr("Tick the devices to profile in the setup panel."), true);
    return;
  }
  switch (m_gate->ensureData(configs)) {
    case DatasetGate::Decision::Cancelled: return;
    case DatasetGate::Decision::UseSynthetic: m_setup->setSynthetic(true); break;
    case DatasetGate::Decision::Ready: break;
  }
  // One profile per ticked device, whatever the repeats.
  ProfileDialog dialog(m_setup->deviceConfigs(), this);
  dialog.exec();
}

void MainWindow::stopRunsAfterAsking() {
  if (!m_controller->isBusy() || m_stopQuestion) return;
  if (askToStopRuns(false)) stopRuns();
}

bool MainWindow::askToStopRuns(bool quitting) {
  const auto& queue = m_controller->queue();
  const auto running = std::find_if(queue.cbegin(), queue.cend(), [](const QueuedRun& run) {
    return run.state == QueuedRun::State::Running;
  });
  const QString text =
      running != queue.cend()
          ? tr("The run on %1 has trained for %2. Stopping keeps its epochs so far, saved as a "
               "cancelled run, and drops the runs still waiting.")
                .arg(toQString(running->config.device),
                     QueuePanel::formatDuration(running->elapsedSeconds))
          : tr("Stopping drops the runs still waiting.");
  QMessageBox box(QMessageBox::Question, tr("Stop the run?"), text,
                  QMessageBox::Yes | QMessageBox::No, this);
  box.button(QMessageBox::Yes)->setText(quitting ? tr("Stop and Quit") : tr("Stop"));
  box.button(QMessageBox::No)->setText(tr("Keep Training"));
  box.setDefaultButton(QMessageBox::Yes);  // Esc, Enter: a deliberate second key
  box.setEscapeButton(QMessageBox::No);    // Esc, Esc: the run goes on
  m_stopQuestion = &box;
  const int answer = box.exec();
  m_stopQuestion = nullptr;
  return answer == QMessageBox::Yes;
}

void MainWindow::stopRuns() {
  if (m_controller->isBusy()) {
    m_controller->stop();
    statusBar()->showMessage(tr("Stopped"), 5000);
  }
}

}  // namespace tb::ui
