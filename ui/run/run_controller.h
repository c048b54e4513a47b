// Runs queued training runs one after another on a worker thread it owns, and reports their
// events as queued signals on the GUI thread.
#pragma once

#include "common/metatypes.h"
#include "common/worker_thread.h"

#include <QElapsedTimer>
#include <QHash>
#include <QSet>
#include <QObject>
#include <QString>
#include <QTimer>
#include <QVector>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace tb::ui {

class CliRun;
class RunWorker;

struct QueuedRun {
  enum class State { Waiting, Running, Completed, Cancelled, Failed };
  int queueId = 0;  // unique for the controller's lifetime
  RunConfig config;
  State state = State::Waiting;
  int epoch = 0;  // epochs finished
  int epochs = 0;
  std::int64_t step = 0;  // steps finished in the epoch being trained; 0 once it has finished
  std::int64_t stepsPerEpoch = 0;
  double elapsedSeconds = 0.0;  // since the run's clock started
  std::optional<double> etaSeconds;
  QString message;          // the error of a failed run; why a cancelled one never ran
  bool evaluating = false;  // training is over and the test set is being evaluated
  // --repeat auto: when this run completes, the controller queues another of its group until
  // the interval is tight enough (stats/summary.h).
  bool autoRepeat = false;
  // Above 0: a data-parallel run on this many ranks, trained by trainbench-cli (run/cli_run.h);
  // `cudaDevices` ("0,2") are the GPUs it may use, empty for CPU ranks.
  int ranks = 0;
  QString cudaDevices;
  // Why a finished run's numbers may not be trusted (its validity warnings), one per line.
  QString disturbance;

  // Training steps finished across all epochs, and the run's total (0 until it has started).
  std::int64_t stepsDone() const { return epoch * stepsPerEpoch + step; }
  std::int64_t totalSteps() const { return epochs * stepsPerEpoch; }
  bool isFinished() const {
    return state == State::Completed || state == State::Cancelled || state == State::Failed;
  }
};

class RunController final : public QObject {
  Q_OBJECT

 public:
  explicit RunController(QObject* parent = nullptr);
  ~RunController() override;  // cancels a running run, quits and waits for the thread

  // Appends runs to the queue; they start one after another (concurrent runs would distort
  // the measurement). Returns their queue ids.
  QVector<int> enqueue(const QVector<RunConfig>& configs, bool autoRepeat = false);
  // Appends one data-parallel run (see QueuedRun::ranks); returns its queue id.
  int enqueueDataParallel(const RunConfig& config, int ranks, const QString& cudaDevices);
  // Cancels the running run within one batch (sets the core's cancel flag directly) and drops
  // the waiting ones.
  void stop();
  // Cancels one entry: the running run as stop() does, a waiting one before it starts; the
  // rest of the queue goes on. Nothing for a finished entry.
  void cancel(int queueId);
  // Removes finished and cancelled entries from the queue.
  void clearFinished();

  bool isBusy() const;  // a run is running or waiting
  const QVector<QueuedRun>& queue() const { return m_queue; }

 Q_SIGNALS:
  // Entries added, removed or changed state: emitted at once. Progress (step, epoch, ETA):
  // coalesced, at most every ~100 ms.
  void queueChanged();
  void runStarted(int queueId, const tb::RunStarted& event);
  void batchProgress(int queueId, const tb::BatchProgress& event);
  void epochFinished(int queueId, const tb::EpochRecord& epoch);
  void evaluationFinished(int queueId, const tb::TestRecord& test);
  void telemetry(int queueId, const tb::TelemetrySample& sample);
  void runFinished(int queueId, const tb::RunResult& result);
  void idle();  // the queue has nothing left to run
  // The last run of a group of repeats finished: median, interval and n of its throughput.
  void repeatsFinished(const QString& summary);

 private:
  // Connects a source of run events: the worker thread's RunWorker or the CliRun.
  template <typename Source>
  void connectRunEvents(Source* source);
  void startNext();
  QueuedRun* entry(int queueId);
  // Progress of the running entry: updates its clock and ETA and schedules one coalesced
  // queueChanged (progress arrives ~20 times a second; state changes are signalled at once).
  void progressChanged(QueuedRun& run);
  void onRunFinished(int queueId, const tb::RunResult& result);
  // Collects a grouped run's result, queues the next auto repeat or reports the group's summary.
  // `cancelRequested`: cancel() was asked for it; no auto repeat follows, even if it completed.
  void onRepeatFinished(int queueId, const tb::RunResult& result, bool cancelRequested);
  // Reports `group`'s summary and forgets it once no entry but `finishedId` is left to run.
  void reportGroupIfDone(const QString& group, const std::string& device, int finishedId,
                         bool gaveUp);

  WorkerThread<RunWorker> m_worker;
  CliRun* m_cliRun = nullptr;  // data-parallel runs
  std::shared_ptr<std::atomic<bool>> m_cancel;
  QVector<QueuedRun> m_queue;
  int m_nextQueueId = 1;
  int m_runningId = 0;       // 0: nothing running
  bool m_stopped = false;    // stop() since the last enqueue: no auto repeat is added
  QElapsedTimer m_runClock;  // started at the running run's runStarted
  QTimer m_changeTimer;      // coalesces progress-only queueChanged signals
  QHash<QString, std::vector<RunResult>> m_repeats;  // completed runs of each group so far
  // Entries cancel() was asked to stop while running: a result that comes back completed
  // anyway (it finished as the cancel came) queues no further auto repeat.
  QSet<int> m_cancelledIds;
};

}  // namespace tb::ui
