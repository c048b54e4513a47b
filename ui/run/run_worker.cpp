// RunWorker: forwards the core's observer callbacks as signals (queued to the GUI thread by the
// receivers' connections).
#include "run/run_worker.h"

#include "engine/trainer.h"

#include <exception>

namespace tb::ui {

namespace {

// Adapts RunObserver to RunWorker's signals, tagging each event with its queue id.
class SignallingObserver final : public RunObserver {
 public:
  SignallingObserver(RunWorker& worker, int queueId) : m_worker(worker), m_queueId(queueId) {}

  void runStarted(const RunStarted& event) override {
    Q_EMIT m_worker.runStarted(m_queueId, event);
  }
  void batchProgress(const BatchProgress& event) override {
    Q_EMIT m_worker.batchProgress(m_queueId, event);
  }
  void epochFinished(const EpochRecord& epoch) override {
    Q_EMIT m_worker.epochFinished(m_queueId, epoch);
  }
  void evaluationStarted() override { Q_EMIT m_worker.evaluationStarted(m_queueId); }
  void evaluationFinished(const TestRecord& test) override {
    Q_EMIT m_worker.evaluationFinished(m_queueId, test);
  }
  void telemetry(const TelemetrySample& sample) override {
    Q_EMIT m_worker.telemetry(m_queueId, sample);
  }
  // runFinished is emitted by RunWorker::run from the returned result, so that it is sent
  // exactly once even if the core ever skipped or repeated the callback.

 private:
  RunWorker& m_worker;
  int m_queueId;
};

}  // namespace

void RunWorker::run(int queueId, const tb::RunConfig& config,
                    const std::shared_ptr<std::atomic<bool>>& cancel) {
  SignallingObserver observer(*this, queueId);
  RunResult result;
  result.device.id = config.device;
  result.workload.name = config.workload;
  try {
    result = runTraining(config, observer, *cancel);
  } catch (const std::exception& e) {
    // runTraining promises not to throw; if it ever does, the queue must still move on.
    result.status = RunStatus::Failed;
    result.failure = FailureKind::Run;
    result.error = e.what();
  } catch (...) {
    result.status = RunStatus::Failed;
    result.failure = FailureKind::Run;
    result.error = "unknown error";
  }
  Q_EMIT runFinished(queueId, result);
}

}  // namespace tb::ui
