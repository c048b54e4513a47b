// RunController: event order and thread, one run at a time, failures, Stop, responsiveness and
// destruction during a run.
#include "run/run_controller.h"

#include "../support/synthetic_run.h"

#include <QCoreApplication>
#include <QElapsedTimer>
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
    badDevice.device = "cuda:7";
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
    QVERIFY(findRun(controller, ids[1])->message.contains(QStringLiteral("cuda:7")));

    controller.clearFinished();
    QVERIFY(controller.queue().isEmpty());
  }

  // Stop must take effect within one batch even though the worker's event loop is busy, and
  // must drop the waiting runs instead of starting them.
  void stopEndsTheRunWithinOneBatchAndCancelsWaitingRuns() {
    RunController controller;
    QElapsedTimer sinceStop;
    QVector<int> started;
    connect(&controller, &RunController::runStarted, this,
            [&](int queueId, const RunStarted&) { started.append(queueId); });
    connect(&controller, &RunController::batchProgress, this, [&](int, const BatchProgress&) {
      if (!sinceStop.isValid()) {
        sinceStop.start();
        controller.stop();
      }
    });
    qint64 stopLatencyMs = -1;
    RunResult result;
    connect(&controller, &RunController::runFinished, this,
            [&](int, const RunResult& finishedResult) {
              if (sinceStop.isValid() && stopLatencyMs < 0) stopLatencyMs = sinceStop.elapsed();
              result = finishedResult;
            });
    QSignalSpy idle(&controller, &RunController::idle);

    const QVector<int> ids =
        controller.enqueue({syntheticRun(2, 60000), syntheticRun(1, 256), syntheticRun(1, 256)});
    QVERIFY(idle.wait(kRunTimeoutMs));

    QVERIFY(sinceStop.isValid());
    QVERIFY2(stopLatencyMs >= 0 && stopLatencyMs < 1000,
             qPrintable(QStringLiteral("stop took %1 ms").arg(stopLatencyMs)));
    QCOMPARE(result.status, RunStatus::Cancelled);
    QCOMPARE(started, QVector<int>{ids[0]});
    for (const int id : ids) QCOMPARE(findRun(controller, id)->state, QueuedRun::State::Cancelled);
    QVERIFY(!controller.isBusy());
  }

  // Training must never block the GUI thread: a 10 ms timer keeps ticking on time.
  void eventLoopStaysResponsiveDuringRun() {
    RunController controller;
    QSignalSpy finished(&controller, &RunController::runFinished);
    controller.enqueue({syntheticRun(3, 60000)});

    QElapsedTimer sinceTick;
    QElapsedTimer measuring;
    qint64 largestGapMs = 0;
    QTimer ticker;
    ticker.setInterval(10);
    connect(&ticker, &QTimer::timeout, this, [&] {
      if (sinceTick.isValid()) largestGapMs = std::max(largestGapMs, sinceTick.elapsed());
      sinceTick.start();
      // About two seconds of training are enough; stop instead of waiting for a slow machine.
      if (measuring.elapsed() > 2000 && controller.isBusy()) controller.stop();
    });
    measuring.start();
    ticker.start();
    QVERIFY(finished.wait(kRunTimeoutMs));
    ticker.stop();

    QVERIFY(measuring.elapsed() >= 1000);  // a meaningful window, not an instant failure
    QVERIFY2(largestGapMs < 100,
             qPrintable(QStringLiteral("largest event-loop gap: %1 ms").arg(largestGapMs)));
  }

  // Closing the window mid-run destroys the controller: it must cancel, join and not crash.
  void destroyingDuringRunReturnsPromptly() {
    auto controller = std::make_unique<RunController>();
    QSignalSpy progress(controller.get(), &RunController::batchProgress);
    controller->enqueue({syntheticRun(2, 60000), syntheticRun(1, 256)});
    QVERIFY(progress.wait(kRunTimeoutMs));

    QElapsedTimer timer;
    timer.start();
    controller.reset();
    QVERIFY2(timer.elapsed() < 2000,
             qPrintable(QStringLiteral("destruction took %1 ms").arg(timer.elapsed())));
    // Events the worker had already queued must be dropped, not delivered to a dead object.
    QCoreApplication::processEvents();
  }

  // The same, while the run is still queued to the worker or loading its data.
  void destroyingRightAfterEnqueueReturnsPromptly() {
    QElapsedTimer timer;
    timer.start();
    {
      RunController controller;
      controller.enqueue({syntheticRun(2, 60000)});
    }
    QVERIFY2(timer.elapsed() < 2000,
             qPrintable(QStringLiteral("destruction took %1 ms").arg(timer.elapsed())));
    QCoreApplication::processEvents();
  }
};

QTEST_MAIN(RunControllerTest)
#include "tst_run_controller.moc"
