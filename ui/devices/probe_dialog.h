// ProbeDialog: the GUI's "Measure device peaks" action. Measures each ticked device's peak (dense
// matmul TFLOPS per precision, copy bandwidth) on a thread of its own and fills a row per device
// as it finishes. Runs started afterwards record these figures instead of measuring again.
#pragma once

#include "common/worker_thread.h"
#include "devices/probe_worker.h"

#include <QDialog>
#include <QString>
#include <QVector>

#include <atomic>
#include <memory>

class QLabel;
class QPushButton;
class QTableWidget;

namespace tb::ui {

class ProbeDialog final : public QDialog {
  Q_OBJECT

 public:
  // Measures one device; throws std::exception with the reason when it cannot.
  using Measure = ProbeWorker::Measure;

  // `measure` defaults to the core's probe (measurePeakForRuns).
  explicit ProbeDialog(QVector<ProbeTarget> targets, QWidget* parent = nullptr,
                       Measure measure = {});
  ~ProbeDialog() override;  // waits for a device being measured (a second or two)

  void start();
  bool isMeasuring() const { return m_measuring; }
  QTableWidget* table() const { return m_table; }

 public Q_SLOTS:
  void reject() override;  // closing waits until the device being measured is done

 Q_SIGNALS:
  void allMeasured();

 private:
  void showFigures(int row, const PeakFigures& peak);
  void showFailure(int row, const QString& reason);
  void finish();

  QVector<ProbeTarget> m_targets;
  Measure m_measure;
  WorkerThread<ProbeWorker> m_worker;
  bool m_measuring = false;
  // Read by the worker between devices; a fresh flag per start(), like the download's.
  std::shared_ptr<std::atomic<bool>> m_stop;
  bool m_closeWhenDone = false;
  QTableWidget* m_table = nullptr;
  QLabel* m_status = nullptr;
  QPushButton* m_close = nullptr;
};

}  // namespace tb::ui
