// RunWorker: the QObject that lives on the run controller's thread and runs one training run at
// a time, turning the core's observer callbacks into signals.
#pragma once

#include "common/metatypes.h"

#include <QObject>

#include <atomic>
#include <memory>

namespace tb::ui {

class RunWorker final : public QObject {
  Q_OBJECT

 public:
  using QObject::QObject;

  // Runs `config` on the calling (worker) thread until it ends or `cancel` is set. The flag is
  // shared because the GUI thread sets it while this call is busy training.
  void run(int queueId, const tb::RunConfig& config,
           const std::shared_ptr<std::atomic<bool>>& cancel);

 Q_SIGNALS:
  void runStarted(int queueId, const tb::RunStarted& event);
  void batchProgress(int queueId, const tb::BatchProgress& event);
  void epochFinished(int queueId, const tb::EpochRecord& epoch);
  void evaluationStarted(int queueId);
  void evaluationFinished(int queueId, const tb::TestRecord& test);
  void telemetry(int queueId, const tb::TelemetrySample& sample);
  // Emitted exactly once per run(), after every other event of that run.
  void runFinished(int queueId, const tb::RunResult& result);
};

}  // namespace tb::ui
