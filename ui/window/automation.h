// Command-line automation for docs and tests: `trainbench --run WORKLOAD --device D ...` goes
// through the normal GUI path (setup panel, controller, worker, charts) and exports when done.
#pragma once

#include <QObject>
#include <QStringList>

namespace tb::ui {

class MainWindow;

struct AutomationOptions {
  QString workload;     // empty: no run
  QStringList devices;  // empty: cpu
  bool synthetic = false;
  int epochs = 0;  // 0: the preset's
  qint64 trainLimit = 0;
  qint64 testLimit = 0;
  int repeats = 1;     // runs per device; 0: auto
  double timeBudget = 0.0;  // seconds of a time-budgeted, projected run (--quick: 60); 0: full
  qint64 dataParallelRanks = 0;  // above 0: one data-parallel run (N ranks on the CPU)
  QString scaling = QStringLiteral("weak");  // of a data-parallel run, as the CLI's default
  QString dataDir;
  QStringList openFiles;  // result files to overlay before running
  QString screenshot;     // PNG of the whole window when done
  QString report;         // PDF report when done
  bool historyTab = false;  // when done, History shown (once it has read the results folder)
  bool quitWhenDone = false;

  bool runs() const { return !workload.isEmpty(); }
  bool active() const {
    return runs() || !screenshot.isEmpty() || !report.isEmpty() || !openFiles.isEmpty() || historyTab;
  }
};

class Automation final : public QObject {
  Q_OBJECT

 public:
  Automation(MainWindow* window, AutomationOptions options);

  // Applies the options and presses Run; exports (and quits) when the queue is idle.
  void start();
  int exitCode() const { return m_exitCode; }
  // The app's exit code once its event loop returned `loopExitCode`. With --quit-when-done, 1
  // where a run did not complete, also when the user closed the window during it: the loop then
  // ends with 0 (the last window closed) before finish() can exit with the code.
  int appExitCode(int loopExitCode) const;

 private:
  void finish();

  MainWindow* m_window;
  AutomationOptions m_options;
  int m_exitCode = 0;
  bool m_finished = false;
};

}  // namespace tb::ui
