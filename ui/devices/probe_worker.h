// ProbeWorker: the QObject on the probe dialog's own thread that measures device peaks one after
// another (each a second or two of matrix products) and reports each as a signal.
#pragma once

#include "common/metatypes.h"

#include <QObject>
#include <QString>
#include <QVector>

#include <atomic>
#include <functional>
#include <memory>

namespace tb::ui {

struct ProbeTarget {
  QString device;   // "cpu", "cuda:0", ...
  int threads = 0;  // CPU threads (0: the physical cores), as the run would use
};

class ProbeWorker final : public QObject {
  Q_OBJECT

 public:
  // Measures one device; throws std::exception with the reason when it cannot.
  using Measure = std::function<PeakFigures(const ProbeTarget& target)>;

  using QObject::QObject;

  // Measures the targets in order on the calling (worker) thread, checking `stop` between
  // devices: a matrix product in flight cannot be interrupted.
  void measure(const QVector<ProbeTarget>& targets, const Measure& measure,
               const std::shared_ptr<std::atomic<bool>>& stop);

 Q_SIGNALS:
  void measuring(int row);
  void measured(int row, const tb::PeakFigures& peak);
  void failed(int row, const QString& reason);
  // Once per measure(), after the other signals of it.
  void finished();
};

}  // namespace tb::ui
