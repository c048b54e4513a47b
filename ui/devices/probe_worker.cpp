// ProbeWorker: the peak measurements of the probe dialog, off the GUI thread.
#include "devices/probe_worker.h"

#include <exception>

namespace tb::ui {

void ProbeWorker::measure(const QVector<ProbeTarget>& targets, const Measure& measure,
                          const std::shared_ptr<std::atomic<bool>>& stop) {
  for (int row = 0; row < targets.size() && !stop->load(); ++row) {
    Q_EMIT measuring(row);
    try {
      const PeakFigures peak = measure(targets[row]);
      Q_EMIT measured(row, peak);
    } catch (const std::exception& e) {
      Q_EMIT failed(row, QString::fromUtf8(e.what()));
    }
  }
  Q_EMIT finished();
}

}  // namespace tb::ui
