// ProbeDialog: the GUI's "Measure device peaks" action. Measures each ticked device's peak (dense
// matmul TFLOPS per precision, copy bandwidth) on a thread of its own and fills a row per device
// as it finishes. Runs started afterwards record these figures instead of measuring again.
#pragma once

#include "results/run_result.h"

#include <QDialog>
#include <QString>
#include <QVector>

#include <atomic>
#include <functional>
#include <memory>

class QLabel;
class QPushButton;
class QTableWidget;
class QThread;

namespace tb::ui {

struct ProbeTarget {
  QString device;   // "cpu", "cuda:0", ...
  int threads = 0;  // CPU threads (0: the physical cores), as the run would use
};

class ProbeDialog final : public QDialog {
  Q_OBJECT

 public:
  // Measures one device; throws std::exception with the reason when it cannot.
  using Measure = std::function<PeakFigures(const ProbeTarget& target)>;

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
  std::unique_ptr<QThread> m_thread;
  bool m_measuring = false;
  std::atomic<bool> m_stop{false};  // read by the measuring thread between devices
  bool m_closeWhenDone = false;
  QTableWidget* m_table = nullptr;
  QLabel* m_status = nullptr;
  QPushButton* m_close = nullptr;
};

}  // namespace tb::ui
