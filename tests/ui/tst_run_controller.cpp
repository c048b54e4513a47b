// RunController: event order and thread, one run at a time, failures, Stop, responsiveness and
// destruction during a run.
#include "run/run_controller.h"

#include "../support/absent_device.h"
#include "../support/synthetic_run.h"
#include "../support/watchdog.h"

#include <QCoreApplication>
#include <QPointer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include <memory>

using namespace tb;
using namespace tb::ui;

namespace {

constexpr int kRunTimeoutMs = 120000;  // generous: the 2-core CI machine may be busy
// Far more epochs than any test waits for: such a run ends only when it is stopped.
constexpr int kEndlessEpochs = 100000;
// Progress steps the GUI thread must watch go by while the run trains.
constexpr int kAdvancesToSee = 5;

using tbtest::syntheticRun;

bool onGuiThread() { return QThread::currentThread() == qApp->thread(); }

const QueuedRun* findRun(const RunController& controller, int queueId) {
  for (const QueuedRun& run : controller.queue()) {
    if (run.queueId == queueId) return &run;
  }
  return nullptr;
}

int runningCount(const RunController& controller) {
  int count = 0;
  for (const QueuedRun& run : controller.queue()) {
    count += run.state == QueuedRun::State::Running ? 1 : 0;
  }
  return count;
}

}  // namespace

class RunControllerTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // Charts and the recorder rely on getting every event on the GUI thread, in the core's order,
  // with the queue entry's progress already updated when the event arrives.
  void eventsArriveInOrderOnGuiThread() {
    RunController controller;
    QString events;
    bool allOnGuiThread = true;
    bool progressTracked = true;
    bool sawEta = false;
    auto note = [&](QChar letter) {
      allOnGuiThread = allOnGuiThread && onGuiThread();
      events += letter;
    };
    connect(&controller, &RunController::runStarted, this,
            [&](int, const RunStarted&) { note(QLatin1Char('S')); });
    connect(&controller, &RunController::batchProgress, this,
            [&](int queueId, const BatchProgress& event) {
              allOnGuiThread = allOnGuiThread && onGuiThread();
              const QueuedRun* run = findRun(controller, queueId);
              progressTracked = progressTracked && run && run->step == event.step &&
                                run->epoch == event.epoch - 1 && run->epochs == event.epochs &&
                                run->stepsPerEpoch == event.stepsPerEpoch;
              sawEta = sawEta || (run && run->etaSeconds && *run->etaSeconds >= 0);
            });
    connect(&controller, &RunController::epochFinished, this,
            [&](int, const EpochRecord&) { note(QLatin1Char('E')); });
    connect(&controller, &RunController::evaluationFinished, this,
            [&](int, const TestRecord&) { note(QLatin1Char('V')); });
    connect(&controller, &RunController::telemetry, this,
            [&](int, const TelemetrySample&) { allOnGuiThread = allOnGuiThread && onGuiThread(); });
    connect(&controller, &RunController::runFinished, this,
            [&](int, const RunResult&) { note(QLatin1Char('F')); });
    QSignalSpy idle(&controller, &RunController::idle);

    const int id = controller.enqueue({syntheticRun(2, 6000)}).value(0);
    QVERIFY(controller.isBusy());
    QVERIFY(idle.wait(kRunTimeoutMs));

    QCOMPARE(events, QStringLiteral("SEEVF"));
    QVERIFY(allOnGuiThread);
    QVERIFY(progressTracked);
    QVERIFY(sawEta);
    const QueuedRun* run = findRun(controller, id);
    QVERIFY(run);
    QCOMPARE(run->state, QueuedRun::State::Completed);
    QCOMPARE(run->epoch, 2);
    QVERIFY(run->elapsedSeconds > 0);
    QVERIFY(!controller.isBusy());
  }

  // Concurrent runs would distort the timings, and one bad entry (unknown device, missing data)
  // must not stall the runs queued behind it.
  void queuedRunsRunOneAfterAnotherAndFailuresDoNotStopTheQueue() {
    QTemporaryDir emptyDataDir;
    QVERIFY(emptyDataDir.isValid());
    RunController controller;
    RunConfig badDevice = syntheticRun(1, 256);
    badDevice.device = tbtest::absentCudaDevice();
    RunConfig missingData = syntheticRun(1, 256);
    missingData.synthetic = false;
    missingData.dataDir = emptyDataDir.path().toStdString();

    int current = 0;
    bool overlapped = false;
    QVector<int> started;
    QVector<int> finished;
    QHash<int, RunResult> results;
    connect(&controller, &RunController::runStarted, this, [&](int queueId, const RunStarted&) {
      overlapped = overlapped || current != 0 || runningCount(controller) != 1;
      current = queueId;
      started.append(queueId);
    });
    connect(&controller, &RunController::batchProgress, this,
            [&](int queueId, const BatchProgress&) {
              overlapped = overlapped || current != queueId || runningCount(controller) != 1;
            });
    connect(&controller, &RunController::runFinished, this,
            [&](int queueId, const RunResult& result) {
              if (current == queueId) current = 0;
              overlapped = overlapped || current != 0 || runningCount(controller) != 0;
              finished.append(queueId);
              results.insert(queueId, result);
            });
    QSignalSpy idle(&controller, &RunController::idle);

    const QVector<int> ids =
        controller.enqueue({syntheticRun(1, 2000), badDevice, missingData, syntheticRun(1, 2000)});
    QCOMPARE(ids.size(), 4);
    QCOMPARE(runningCount(controller), 1);
    QVERIFY(idle.wait(kRunTimeoutMs));
    QCOMPARE(idle.size(), 1);

    QVERIFY(!overlapped);
    QCOMPARE(finished, ids);
    QCOMPARE(started, (QVector<int>{ids[0], ids[3]}));  // failed runs never start training
    QCOMPARE(findRun(controller, ids[0])->state, QueuedRun::State::Completed);
    QCOMPARE(findRun(controller, ids[3])->state, QueuedRun::State::Completed);
    for (const int failedId : {ids[1], ids[2]}) {
      const QueuedRun* run = findRun(controller, failedId);
      QCOMPARE(run->state, QueuedRun::State::Failed);
      QVERIFY(!run->message.isEmpty());
      QCOMPARE(run->message, QString::fromStdString(results.value(failedId).error));
    }
    QVERIFY(
        findRun(controller, ids[1])->message.contains(QString::fromStdString(badDevice.device)));

    controller.clearFinished();
    QVERIFY(controller.queue().isEmpty());
  }

  // Stop must reach the run although the worker's event loop is busy in it (so it sets the
  // core's flag directly; tst_trainer pins the one-batch granularity), and must drop the waiting
  // runs instead of starting them. The run is far longer than the test waits: only Stop ends it.
  void stopCancelsTheRunningRunAndDropsWaitingOnes() {
    RunController controller;
    QVector<int> started;
    bool stopped = false;
    connect(&controller, &RunController::runStarted, this,
            [&](int queueId, const RunStarted&) { started.append(queueId); });
    connect(&controller, &RunController::batchProgress, this, [&](int, const BatchProgress&) {
      if (!stopped) {
        stopped = true;
        controller.stop();
      }
    });
    RunResult result;
    connect(&controller, &RunController::runFinished, this,
            [&](int, const RunResult& finishedResult) { result = finishedResult; });
    QSignalSpy idle(&controller, &RunController::idle);

    const QVector<int> ids = controller.enqueue(
        {syntheticRun(kEndlessEpochs, 60000), syntheticRun(1, 256), syntheticRun(1, 256)});
    QVERIFY(idle.wait(kRunTimeoutMs));

    QVERIFY(stopped);
    QCOMPARE(result.status, RunStatus::Cancelled);
    QCOMPARE(started, QVector<int>{ids[0]});
    for (const int id : ids) QCOMPARE(findRun(controller, id)->state, QueuedRun::State::Cancelled);
    QVERIFY(!controller.isBusy());
  }

  // One run can be dropped without stopping the queue: a waiting one before it starts, the
  // running one as Stop does; the runs after them still run.
  void cancelDropsOneRunAndTheQueueGoesOn() {
    RunController controller;
    QVector<int> started;
    connect(&controller, &RunController::runStarted, this,
            [&](int queueId, const RunStarted&) { started.append(queueId); });
    QVector<int> ids;
    bool cancelled = false;
    connect(&controller, &RunController::batchProgress, this, [&](int queueId, const BatchProgress&) {
      if (!cancelled && queueId == ids.value(0)) {
        cancelled = true;
        controller.cancel(ids[1]);  // waiting
        QCOMPARE(findRun(controller, ids[1])->state, QueuedRun::State::Cancelled);
        QCOMPARE(findRun(controller, ids[0])->state, QueuedRun::State::Running);
        controller.cancel(ids[0]);  // running
      }
    });
    QSignalSpy idle(&controller, &RunController::idle);
    ids = controller.enqueue(
        {syntheticRun(kEndlessEpochs, 60000), syntheticRun(1, 256), syntheticRun(1, 256)});
    QVERIFY(idle.wait(kRunTimeoutMs));
    QVERIFY(cancelled);
    QCOMPARE(started, (QVector<int>{ids[0], ids[2]}));
    QCOMPARE(findRun(controller, ids[0])->state, QueuedRun::State::Cancelled);
    QCOMPARE(findRun(controller, ids[1])->state, QueuedRun::State::Cancelled);
    QCOMPARE(findRun(controller, ids[2])->state, QueuedRun::State::Completed);
    QCOMPARE(idle.count(), 1);
  }

  // Cancelling the last repeat still to run ends its group with the repeats it has: its summary
  // comes then, not never.
  void cancellingAGroupsLastRepeatEndsTheGroup() {
    RunController controller;
    QSignalSpy summaries(&controller, &RunController::repeatsFinished);
    QSignalSpy idle(&controller, &RunController::idle);
    RunConfig repeat = syntheticRun(1, 256);
    repeat.group = "group-c";
    QVector<int> ids;
    connect(&controller, &RunController::runStarted, this, [&](int queueId, const RunStarted&) {
      if (queueId != ids.value(1)) return;
      QCOMPARE(summaries.count(), 0);  // the group's second repeat still waits
      controller.cancel(ids[2]);
      QCOMPARE(summaries.count(), 1);
      controller.cancel(ids[1]);
    });
    ids = controller.enqueue({repeat, syntheticRun(kEndlessEpochs, 60000), repeat});
    QVERIFY(idle.wait(kRunTimeoutMs));
    QCOMPARE(summaries.count(), 1);
    const QString summary = summaries.first().first().toString();
    QVERIFY2(summary.startsWith(QLatin1String("cpu: ")), qPrintable(summary));
  }

  // A repeat that fails fails the same way again (here: the data are missing): the group's
  // other repeats are not run, as the CLI does not run them, and say why; other runs go on.
  void aFailedRepeatDropsTheGroupsOthers() {
    QTemporaryDir emptyDataDir;
    QVERIFY(emptyDataDir.isValid());
    RunController controller;
    RunConfig missingData = syntheticRun(1, 256);
    missingData.synthetic = false;
    missingData.dataDir = emptyDataDir.path().toStdString();
    missingData.group = "group-f";
    QSignalSpy finished(&controller, &RunController::runFinished);
    QSignalSpy idle(&controller, &RunController::idle);
    const QVector<int> ids =
        controller.enqueue({missingData, missingData, missingData, syntheticRun(1, 256)});
    QVERIFY(idle.wait(kRunTimeoutMs));
    QCOMPARE(finished.count(), 2);  // the first repeat and the other run
    QCOMPARE(findRun(controller, ids[0])->state, QueuedRun::State::Failed);
    for (const int id : {ids[1], ids[2]}) {
      const QueuedRun* run = findRun(controller, id);
      QCOMPARE(run->state, QueuedRun::State::Cancelled);
      QVERIFY2(run->message.contains(QLatin1String("earlier repeat failed")), qPrintable(run->message));
    }
    QCOMPARE(findRun(controller, ids[3])->state, QueuedRun::State::Completed);
  }

  // Training must never block the GUI thread: while a run trains, a timer on the GUI thread
  // keeps firing and sees the run progress between its ticks. (Were the GUI thread blocked by the
  // run, the ticks could not watch it advance, and only the end of the endless run would come.)
  void eventLoopStaysResponsiveDuringRun() {
    RunController controller;
    QSignalSpy finished(&controller, &RunController::runFinished);
    const int id = controller.enqueue({syntheticRun(kEndlessEpochs, 60000)}).value(0);

    std::int64_t lastStepSeen = 0;
    int advancesSeen = 0;
    QTimer ticker;
    ticker.setInterval(10);
    connect(&ticker, &QTimer::timeout, this, [&] {
      const QueuedRun* run = findRun(controller, id);
      if (run == nullptr || run->state != QueuedRun::State::Running) return;
      if (run->stepsDone() > lastStepSeen) {
        lastStepSeen = run->stepsDone();
        ++advancesSeen;
      }
      if (advancesSeen >= kAdvancesToSee) controller.stop();
    });
    ticker.start();
    QVERIFY(finished.wait(kRunTimeoutMs));
    ticker.stop();

    QVERIFY2(advancesSeen >= kAdvancesToSee, qPrintable(QString::number(advancesSeen)));
    QCOMPARE(findRun(controller, id)->state, QueuedRun::State::Cancelled);
  }

  // A quick run's ETA counts down its budget, not the ten thousand epochs it will never train.
  void quickRunEtaStaysWithinItsBudget() {
    RunController controller;
    QSignalSpy idle(&controller, &RunController::idle);
    RunConfig quick = syntheticRun(10000, 3200);
    quick.timeBudgetSeconds = 5;
    double largestEta = 0.0;
    bool sawEta = false;
    connect(&controller, &RunController::queueChanged, this, [&] {
      const QueuedRun& run = controller.queue().front();
      if (!run.etaSeconds) return;
      sawEta = true;
      largestEta = std::max(largestEta, *run.etaSeconds);
    });
    controller.enqueue({quick});
    QVERIFY(idle.wait(kRunTimeoutMs));
    QCOMPARE(controller.queue().front().state, QueuedRun::State::Completed);
    QVERIFY(sawEta);
    QVERIFY2(largestEta <= 5.0, qPrintable(QString::number(largestEta)));
  }

  // Fixed repeats run back to back, before the next device's, and end with one summary line.
  void repeatsRunBackToBackAndEndWithASummary() {
    RunController controller;
    QSignalSpy idle(&controller, &RunController::idle);
    QSignalSpy summaries(&controller, &RunController::repeatsFinished);
    RunConfig repeat = syntheticRun(2, 640);
    repeat.group = "group-a";
    RunConfig other = syntheticRun(1, 256);
    controller.enqueue({repeat, repeat, other});
    QVERIFY(idle.wait(kRunTimeoutMs));
    QCOMPARE(controller.queue().size(), 3);
    QCOMPARE(summaries.count(), 1);
    const QString summary = summaries.first().first().toString();
    QVERIFY2(summary.startsWith(QLatin1String("cpu: ")) &&
                 summary.contains(QLatin1String("(median of 2; 95% interval ")),
             qPrintable(summary));
  }

  // Auto repeats: the controller queues another run of the group until the interval is tight
  // or ten have run; never fewer than three. Each new repeat comes right after the last one.
  void autoRepeatsQueueMoreUntilTight() {
    RunController controller;
    QSignalSpy idle(&controller, &RunController::idle);
    QSignalSpy summaries(&controller, &RunController::repeatsFinished);
    RunConfig repeat = syntheticRun(2, 640);
    repeat.group = "group-auto";
    RunConfig other = syntheticRun(1, 256);
    controller.enqueue({repeat}, /*autoRepeat=*/true);
    controller.enqueue({other});
    QVERIFY(idle.wait(kRunTimeoutMs * 3));
    const auto& queue = controller.queue();
    const int repeats = static_cast<int>(queue.size()) - 1;
    QVERIFY2(repeats >= 3 && repeats <= 10, qPrintable(QString::number(repeats)));
    for (int i = 0; i < repeats; ++i) QCOMPARE(queue[i].config.group, std::string("group-auto"));
    QVERIFY(queue.back().config.group.empty());  // the other run still comes last
    QCOMPARE(summaries.count(), 1);
    QVERIFY(summaries.first().first().toString().contains(
        QStringLiteral("(median of %1").arg(repeats)));
  }

  // Stop pressed as a run completes (its result already on its way) ends the auto repeats:
  // no further repeat is queued, and the group's summary still comes.
  void stopAsARepeatCompletesQueuesNoMore() {
    RunController controller;
    QSignalSpy idle(&controller, &RunController::idle);
    QSignalSpy summaries(&controller, &RunController::repeatsFinished);
    // Before the controller handles the result: the moment of the race.
    connect(&controller, &RunController::runFinished, &controller, [&controller] { controller.stop(); });
    RunConfig repeat = syntheticRun(2, 640);
    repeat.group = "group-stopped";
    controller.enqueue({repeat}, /*autoRepeat=*/true);
    QVERIFY(idle.wait(kRunTimeoutMs));
    QCOMPARE(controller.queue().size(), 1);
    QCOMPARE(summaries.count(), 1);
  }

  // Cancelling a running auto repeat as it completes (its result on its way, done training):
  // it still counts as completed, but no further repeat is queued, as with Stop.
  void cancellingARepeatAsItCompletesQueuesNoMore() {
    RunController controller;
    QSignalSpy idle(&controller, &RunController::idle);
    QSignalSpy summaries(&controller, &RunController::repeatsFinished);
    int cancelled = 0;
    connect(&controller, &RunController::evaluationFinished, &controller,
            [&controller, &cancelled](int queueId) {
              if (cancelled++ == 0) controller.cancel(queueId);
            });
    RunConfig repeat = syntheticRun(2, 640);
    repeat.group = "group-cancelled";
    controller.enqueue({repeat}, /*autoRepeat=*/true);
    QVERIFY(idle.wait(kRunTimeoutMs));
    QCOMPARE(cancelled, 1);
    QCOMPARE(controller.queue().size(), 1);
    QCOMPARE(summaries.count(), 1);
  }

  // Closing the window mid-run destroys the controller: it must cancel, join and not crash. The
  // run is far longer than the watchdog's limit, so only a cancelling destructor returns.
  void destroyingDuringRunReturnsPromptly() {
    auto controller = std::make_unique<RunController>();
    QSignalSpy progress(controller.get(), &RunController::batchProgress);
    controller->enqueue({syntheticRun(kEndlessEpochs, 60000), syntheticRun(1, 256)});
    QVERIFY(progress.wait(kRunTimeoutMs));
    {
      const tbtest::Watchdog watchdog("~RunController during a run");
      controller.reset();
    }
    // Events the worker had already queued must be dropped, not delivered to a dead object.
    QCoreApplication::processEvents();
  }

  // The same, while the run is still queued to the worker or loading its data.
  void destroyingRightAfterEnqueueReturnsPromptly() {
    {
      auto controller = std::make_unique<RunController>();
      controller->enqueue({syntheticRun(kEndlessEpochs, 60000)});
      const tbtest::Watchdog watchdog("~RunController right after enqueue");
      controller.reset();
    }
    QCoreApplication::processEvents();
  }
};

QTEST_MAIN(RunControllerTest)
#include "tst_run_controller.moc"
