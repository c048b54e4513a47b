// RunController: the queue of runs, the worker thread they train on, and the events they send.
#include "run/run_controller.h"

#include "common/qt_convert.h"
#include "run/cli_run.h"
#include "run/run_worker.h"

#include "results/repeats.h"

#include <algorithm>

namespace tb::ui {

namespace {

// Long enough to merge the ~20 progress events a second, short enough to look live.
constexpr int kChangeCoalesceMs = 100;

}  // namespace

RunController::RunController(QObject* parent)
    : QObject(parent), m_worker(QStringLiteral("TrainBench run")), m_cliRun(new CliRun(this)) {
  connectRunEvents(m_worker.worker());
  connectRunEvents(m_cliRun);

  m_changeTimer.setSingleShot(true);
  m_changeTimer.setInterval(kChangeCoalesceMs);
  connect(&m_changeTimer, &QTimer::timeout, this, [this] { Q_EMIT queueChanged(); });
}

RunController::~RunController() {
  // Late events of the cancelled run must not reach a half-destroyed controller.
  disconnect(m_worker.worker(), nullptr, this, nullptr);
  disconnect(m_cliRun, nullptr, this, nullptr);
  if (m_cancel) m_cancel->store(true);
  m_worker.quitAndWait();  // the run sees the flag within one batch
}

template <typename Source>
void RunController::connectRunEvents(Source* worker) {
  // The worker emits on its thread, so these connections are queued: every handler runs on
  // the GUI thread, in the order the core reported the events. (CliRun lives on this thread.)
  connect(worker, &Source::runStarted, this, [this](int queueId, const RunStarted& event) {
    if (QueuedRun* run = entry(queueId)) {
      m_runClock.start();
      run->epochs = event.header.config.epochs;
      run->stepsPerEpoch = event.stepsPerEpoch;
      run->epoch = 0;
      run->step = 0;
      progressChanged(*run);
    }
    Q_EMIT runStarted(queueId, event);
  });
  connect(worker, &Source::batchProgress, this, [this](int queueId, const BatchProgress& event) {
    if (QueuedRun* run = entry(queueId)) {
      run->epoch = event.epoch - 1;
      run->epochs = event.epochs;
      run->step = event.step;
      run->stepsPerEpoch = event.stepsPerEpoch;
      progressChanged(*run);
    }
    Q_EMIT batchProgress(queueId, event);
  });
  connect(worker, &Source::epochFinished, this, [this](int queueId, const EpochRecord& epoch) {
    if (QueuedRun* run = entry(queueId)) {
      run->epoch = epoch.epoch;
      run->step = 0;
      progressChanged(*run);
    }
    Q_EMIT epochFinished(queueId, epoch);
  });
  connect(worker, &Source::evaluationStarted, this, [this](int queueId) {
    if (QueuedRun* run = entry(queueId)) {
      run->evaluating = true;
      progressChanged(*run);
    }
  });
  connect(
      worker, &Source::evaluationFinished, this,
      [this](int queueId, const TestRecord& test) { Q_EMIT evaluationFinished(queueId, test); });
  connect(worker, &Source::telemetry, this, [this](int queueId, const TelemetrySample& sample) {
    Q_EMIT telemetry(queueId, sample);
  });
  connect(worker, &Source::runFinished, this, &RunController::onRunFinished);
}

QVector<int> RunController::enqueue(const QVector<RunConfig>& configs, bool autoRepeat) {
  m_stopped = false;
  QVector<int> ids;
  ids.reserve(configs.size());
  for (const RunConfig& config : configs) {
    QueuedRun run;
    run.queueId = m_nextQueueId++;
    run.config = config;
    run.autoRepeat = autoRepeat && !config.group.empty();
    run.epochs = std::max(config.epochs, 0);  // 0 (the workload's default) until it starts
    m_queue.append(run);
    ids.append(run.queueId);
  }
  if (!ids.isEmpty()) Q_EMIT queueChanged();
  startNext();
  return ids;
}

int RunController::enqueueDataParallel(const RunConfig& config, int ranks,
                                       const QString& cudaDevices) {
  m_stopped = false;
  QueuedRun run;
  run.queueId = m_nextQueueId++;
  run.config = config;
  run.ranks = ranks;
  run.cudaDevices = cudaDevices;
  run.epochs = std::max(config.epochs, 0);
  m_queue.append(run);
  Q_EMIT queueChanged();
  startNext();
  return run.queueId;
}

void RunController::stop() {
  // A run that completed just before (its result still on its way) must not queue a repeat.
  m_stopped = true;
  // Set directly, not through a queued call: the worker's event loop is blocked in the run.
  if (m_runningId != 0 && m_cancel) m_cancel->store(true);
  if (m_cliRun->isRunning()) m_cliRun->stop();
  bool changed = false;
  for (QueuedRun& run : m_queue) {
    if (run.state == QueuedRun::State::Waiting) {
      run.state = QueuedRun::State::Cancelled;
      changed = true;
    }
  }
  if (changed) Q_EMIT queueChanged();
}

void RunController::cancel(int queueId) {
  QueuedRun* run = entry(queueId);
  if (run == nullptr || run->isFinished()) return;
  if (run->state == QueuedRun::State::Running) {
    // Its result comes back cancelled (onRunFinished), and the next entry starts then.
    m_cancelledIds.insert(queueId);
    if (m_cancel) m_cancel->store(true);
    if (m_cliRun->isRunning()) m_cliRun->stop();
    return;
  }
  run->state = QueuedRun::State::Cancelled;
  // The last of a group's repeats still to run: the group ends with the ones it has.
  if (const QString group = toQString(run->config.group); !group.isEmpty()) {
    reportGroupIfDone(group, run->config.device, queueId, false);
  }
  Q_EMIT queueChanged();
  if (m_runningId == 0) startNext();  // idle() when nothing is left
}

void RunController::clearFinished() {
  const auto removed = m_queue.removeIf([](const QueuedRun& run) { return run.isFinished(); });
  if (removed > 0) Q_EMIT queueChanged();
}

bool RunController::isBusy() const {
  return m_runningId != 0 ||
         std::any_of(m_queue.cbegin(), m_queue.cend(),
                     [](const QueuedRun& run) { return run.state == QueuedRun::State::Waiting; });
}

void RunController::startNext() {
  if (m_runningId != 0) return;  // one run at a time: concurrent runs distort the timings
  const auto next = std::find_if(m_queue.begin(), m_queue.end(), [](const QueuedRun& run) {
    return run.state == QueuedRun::State::Waiting;
  });
  if (next == m_queue.end()) {
    Q_EMIT idle();
    return;
  }
  next->state = QueuedRun::State::Running;
  m_runningId = next->queueId;
  // A fresh flag per run: a Stop aimed at one run can never cancel the next.
  m_cancel = std::make_shared<std::atomic<bool>>(false);
  m_runClock.start();
  if (next->ranks > 0) {
    m_cliRun->start(next->queueId, next->config, next->ranks, next->cudaDevices);
    Q_EMIT queueChanged();
    return;
  }
  m_worker.post([queueId = next->queueId, config = next->config,
                 cancel = m_cancel](RunWorker& worker) { worker.run(queueId, config, cancel); });
  Q_EMIT queueChanged();
}

QueuedRun* RunController::entry(int queueId) {
  const auto it = std::find_if(m_queue.begin(), m_queue.end(),
                               [queueId](const QueuedRun& run) { return run.queueId == queueId; });
  return it == m_queue.end() ? nullptr : &*it;
}

void RunController::progressChanged(QueuedRun& run) {
  run.elapsedSeconds = static_cast<double>(m_runClock.elapsed()) / 1000.0;
  const std::int64_t done = run.stepsDone();
  const std::int64_t total = run.totalSteps();
  // Extrapolates the average pace so far over the steps left, across all epochs.
  if (done > 0 && total >= done) {
    run.etaSeconds =
        run.elapsedSeconds * static_cast<double>(total - done) / static_cast<double>(done);
    // A quick run stops training at its budget, whatever the epochs would take.
    if (const double budget = run.config.timeBudgetSeconds; budget > 0) {
      run.etaSeconds = std::min(*run.etaSeconds, std::max(0.0, budget - run.elapsedSeconds));
    }
  } else {
    run.etaSeconds.reset();
  }
  if (!m_changeTimer.isActive()) m_changeTimer.start();
}

void RunController::onRunFinished(int queueId, const RunResult& result) {
  if (QueuedRun* run = entry(queueId)) {
    if (run->state == QueuedRun::State::Running) {
      run->elapsedSeconds =
          result.totalSeconds.value_or(static_cast<double>(m_runClock.elapsed()) / 1000.0);
    }
    run->evaluating = false;
    run->etaSeconds.reset();
    if (result.validity && result.validity->disturbed) {
      QStringList warnings;
      for (const auto& warning : result.validity->warnings) warnings << toQString(warning);
      run->disturbance = warnings.join(QLatin1Char('\n'));
    }
    switch (result.status) {
      case RunStatus::Completed:
        run->state = QueuedRun::State::Completed;
        run->epoch = run->epochs;
        run->step = 0;
        break;
      case RunStatus::Cancelled:
        run->state = QueuedRun::State::Cancelled;
        break;
      case RunStatus::Failed:
        run->state = QueuedRun::State::Failed;
        run->message = toQString(result.error);
        break;
    }
    // A failure repeats the same way (missing data, a device out of memory): the group's
    // other repeats are not run, as the CLI does not run them.
    if (result.status == RunStatus::Failed && !run->config.group.empty()) {
      for (QueuedRun& other : m_queue) {
        if (other.state == QueuedRun::State::Waiting && other.config.group == run->config.group) {
          other.state = QueuedRun::State::Cancelled;
          other.message = tr("an earlier repeat failed, and would again");
        }
      }
    }
  }
  if (m_runningId == queueId) {
    m_runningId = 0;
    m_cancel.reset();
  }
  const bool cancelRequested = m_cancelledIds.remove(queueId);
  Q_EMIT runFinished(queueId, result);
  if (!result.group.empty()) onRepeatFinished(queueId, result, cancelRequested);
  Q_EMIT queueChanged();
  startNext();
}

void RunController::onRepeatFinished(int queueId, const RunResult& result, bool cancelRequested) {
  const QString group = toQString(result.group);
  std::vector<RunResult>& runs = m_repeats[group];
  const bool completed = result.status == RunStatus::Completed;
  if (completed) runs.push_back(result);
  const auto at = std::find_if(m_queue.begin(), m_queue.end(),
                               [queueId](const QueuedRun& run) { return run.queueId == queueId; });
  bool gaveUp = false;
  if (at != m_queue.end() && at->autoRepeat && completed && !m_stopped && !cancelRequested) {
    const RepeatDecision decision = autoRepeatDecision(runs.size(), steadyThroughputs(runs));
    if (decision == RepeatDecision::Continue) {
      // The next repeat goes right after this one: a device's repeats stay back to back.
      QueuedRun next;
      next.queueId = m_nextQueueId++;
      next.config = at->config;
      next.autoRepeat = true;
      next.epochs = std::max(at->config.epochs, 0);
      m_queue.insert(at + 1, next);
      return;
    }
    gaveUp = decision == RepeatDecision::GaveUp;
  }
  reportGroupIfDone(group, result.device.id, queueId, gaveUp);
}

void RunController::reportGroupIfDone(const QString& group, const std::string& device,
                                      int finishedId, bool gaveUp) {
  const bool more = std::any_of(m_queue.begin(), m_queue.end(), [&](const QueuedRun& run) {
    return !run.isFinished() && run.queueId != finishedId && toQString(run.config.group) == group;
  });
  if (more) return;
  if (const auto runs = m_repeats.constFind(group); runs != m_repeats.constEnd() && !runs->empty()) {
    Q_EMIT repeatsFinished(toQString(repeatSummary(device, *runs, gaveUp)));
  }
  m_repeats.remove(group);
}

}  // namespace tb::ui
