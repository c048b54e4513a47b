// ProfileDialog: the GUI's per-step time breakdown (`trainbench-cli profile` in a window). Times
// a few hundred training steps of each configured run phase by phase on a thread of its own and
// draws one stacked bar per run: where its step's milliseconds go, and what bounds the step.
#pragma once

#include "common/worker_thread.h"
#include "devices/profile_chart.h"
#include "devices/profile_worker.h"

#include <QDialog>
#include <QString>
#include <QVector>

#include <atomic>
#include <memory>

class QCustomPlot;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;

namespace tb::ui {

class ProfileDialog final : public QDialog {
  Q_OBJECT

 public:
  explicit ProfileDialog(const QVector<tb::RunConfig>& configs, QWidget* parent = nullptr);
  ~ProfileDialog() override;  // cancels and waits for the step in flight

  // Timed steps per run (10 to 5000; 200 unless set); read when profiling starts.
  void setSteps(int steps);
  int steps() const;

  // Profiles every configuration in turn; does nothing while a profile is running.
  void start();
  bool isProfiling() const { return m_profiling; }

  QCustomPlot* chart() const { return m_chart; }
  int profiledCount() const;  // runs of the last start() with a profile
  QString reportText() const;

 public Q_SLOTS:
  void reject() override;  // closing cancels the profile and waits for its current step

 Q_SIGNALS:
  // Once per start(), when every run has been profiled or has failed (or a close skipped it).
  void allDone();

 protected:
  void changeEvent(QEvent* event) override;

 private:
  void showProfile(int index, const tb::StepProfile& profile);
  void showFailure(int index, const QString& message);
  void finish();
  void drawChart();
  void writeReport();

  QVector<tb::RunConfig> m_configs;
  WorkerThread<ProfileWorker> m_worker;
  bool m_profiling = false;
  // Read by the worker between steps; a fresh flag per start(), like the probe's.
  std::shared_ptr<std::atomic<bool>> m_cancel;
  bool m_closeWhenDone = false;
  QVector<ProfileRow> m_rows;  // one per configuration, in order
  QSpinBox* m_steps = nullptr;
  QCustomPlot* m_chart = nullptr;
  QPlainTextEdit* m_report = nullptr;
  QLabel* m_status = nullptr;
  QPushButton* m_start = nullptr;
  QPushButton* m_close = nullptr;
};

}  // namespace tb::ui
