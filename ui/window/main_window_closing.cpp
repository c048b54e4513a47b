// MainWindow (main_window.h): how the window ends. A run still training is stopped (after
// asking) and saved first; results the library could not save are offered for saving again;
// a signal quits without asking anyone.
#include "window/main_window.h"

#include "history/result_library.h"
#include "model/run_recorder.h"
#include "run/run_controller.h"

#include <QCloseEvent>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMessageBox>
#include <QStatusBar>

#include <cstdio>

#include <unistd.h>

namespace tb::ui {

void MainWindow::saveUnsavedResults() {
  const int unsaved = m_recorder->unsavedCount();
  const QStringList errors = m_recorder->saveUnsaved();
  if (!errors.isEmpty()) {
    showNotice(tr("%n result(s) still not saved: %1", nullptr, static_cast<int>(errors.size()))
                   .arg(errors.first()),
               true);
    return;
  }
  statusBar()->showMessage(tr("%n result(s) saved", nullptr, unsaved), 8000);
}

void MainWindow::requestQuit(int exitCode) {
  m_quitCode = exitCode;
  // Asking about unsaved results already: the close that asked goes on once the question is
  // gone, now without asking.
  if (m_unsavedQuestion) {
    m_unsavedQuestion->reject();
    return;
  }
  // Asking whether to stop: the close stops the run anyway (where a close asked, that one does).
  if (m_stopQuestion) m_stopQuestion->reject();
  close();
}

void MainWindow::closeEvent(QCloseEvent* event) {
  // Quit during a run asks first, as Stop does: a stray Ctrl+Q or click on the window's close
  // button ended runs of hours without a word. A signal has nobody to ask.
  if (m_controller->isBusy() && !m_closeRequested && !m_quitCode) {
    if (m_stopQuestion) {  // Stop's question is open: it is answered first
      event->ignore();
      return;
    }
    const bool stop = askToStopRuns(true);
    // Keep Training. A signal while asking (requestQuit) closed the question and goes on below:
    // its own close() came inside this one, which Qt ignores.
    if (!stop && !m_quitCode && m_controller->isBusy()) {
      event->ignore();
      return;
    }
    // Stop and Quit, a signal, or the run ended while asking: quitting goes on.
  }
  // Closing during a run cancels it, and the window stays until the cancelled run is saved
  // (the idle handler closes it then): the worker's last result must not be dropped.
  // A second close waits too: letting the window go would not stop the run any sooner (the
  // controller's destructor waits for the worker), only drop its result unsaved.
  if (m_controller->isBusy()) {
    if (!m_closeRequested) {
      m_closeRequested = true;
      m_controller->stop();
    }
    statusBar()->showMessage(tr("Stopping: the run is saved, then TrainBench closes"));
    event->ignore();
    return;
  }
  if (!letUnsavedGo()) {
    // Closing was called off: a close asked for during a run no longer waits for its end.
    m_closeRequested = false;
    statusBar()->clearMessage();
    event->ignore();
    return;
  }
  if (!m_keepSavedSettings) saveSettings();
  event->accept();
}

bool MainWindow::letUnsavedGo() {
  const int unsaved = m_recorder->unsavedCount();
  if (unsaved == 0) return true;
  if (m_quitCode) {  // asked to quit by a signal: nobody may be there to answer
    keepUnsavedUnattended();
    return true;
  }
  QMessageBox box(QMessageBox::Warning, tr("Unsaved results"),
                  tr("%n result(s) could not be saved to the results folder and are only in "
                     "this window.", nullptr, unsaved),
                  QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, this);
  box.setInformativeText(tr("Save tries again; Discard closes without them."));
  box.setDefaultButton(QMessageBox::Save);
  m_unsavedQuestion = &box;
  const int answer = box.exec();
  m_unsavedQuestion = nullptr;
  if (m_quitCode) {  // a signal came while asking (requestQuit closed the question)
    keepUnsavedUnattended();
    return true;
  }
  if (answer == QMessageBox::Discard) {
    m_recorder->discardUnsaved();
    return true;
  }
  if (answer != QMessageBox::Save) return false;
  saveUnsavedResults();  // says why where it fails again; the window stays then
  return m_recorder->unsavedCount() == 0;
}

void MainWindow::keepUnsavedUnattended() {
  QStringList saved;
  const QStringList errors = m_recorder->saveUnsaved(&saved);
  // The folder took them at last: said as a run's save is, for a script reading the output.
  for (const QString& path : saved) std::printf("Result saved to %s\n", qPrintable(path));
  std::fflush(stdout);
  if (errors.isEmpty()) return;
  // The results folder still refuses them (full, read-only, gone): a folder of this user's in
  // the temporary folder takes them (/tmp is shared), and stderr says where, since no window is
  // left to say it. They were lost in silence.
  const QString fallback = RunRecorder::unattendedFolder(m_library->folder());
  QStringList lost;
  QStringList kept;
  if (fallback.isEmpty()) {
    lost << tr("%1/trainbench-unsaved-%2 is another user's folder, or a link")
                .arg(QDir::tempPath())
                .arg(::getuid());
  } else {
    // Only this user may read them: the temporary folder is shared.
    for (const QString& folder : {QFileInfo(fallback).path(), fallback}) {
      if (QDir().mkpath(folder)) {
        QFile::setPermissions(folder, QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                          QFileDevice::ExeOwner);
      }
    }
    kept = m_recorder->saveUnsavedInto(fallback, &lost);
  }
  if (!kept.isEmpty()) {
    std::fprintf(stderr, "trainbench: warning: the results folder did not take %lld result(s) "
                         "(%s); saved instead:\n",
                 static_cast<long long>(kept.size()), qPrintable(errors.first()));
    for (const QString& path : kept) std::fprintf(stderr, "  %s\n", qPrintable(path));
  }
  for (const QString& error : lost) {
    std::fprintf(stderr, "trainbench: error: a result could not be saved and is lost: %s\n",
                 qPrintable(error));
  }
}

}  // namespace tb::ui
