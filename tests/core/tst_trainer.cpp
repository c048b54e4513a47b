// The training engine: the seed's model and optimiser, events, cancellation and failures.
#include "engine/keras_adam.h"
#include "machine/cpu_budget.h"
#include "engine/trainer.h"
#include "models/fashion_mlp.h"
#include "models/workload.h"
#include "telemetry/telemetry_sampler.h"

#include "../support/absent_device.h"
#include "../support/synthetic_run.h"

#include <torch/torch.h>

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>

using namespace tb;
using namespace std::chrono_literals;

namespace {

// Records every event as a letter so tests can check their order.
class RecordingObserver : public RunObserver {
 public:
  std::string events;
  int progressEvents = 0;
  std::vector<EpochRecord> epochs;
  RunStarted started;
  std::function<void(const BatchProgress&)> onProgress;
  std::function<void(const TelemetrySample&)> onTelemetry;

  void runStarted(const RunStarted& event) override {
    started = event;
    events += 'S';
  }
  void batchProgress(const BatchProgress& event) override {
    ++progressEvents;
    if (onProgress) onProgress(event);
  }
  void epochFinished(const EpochRecord& epoch) override {
    epochs.push_back(epoch);
    events += 'E';
  }
  void evaluationStarted() override { events += 'v'; }
  void evaluationFinished(const TestRecord&) override { events += 'V'; }
  void telemetry(const TelemetrySample& sample) override {
    if (onTelemetry) onTelemetry(sample);
  }
  void runFinished(const RunResult&) override { events += 'F'; }
};

RunConfig smallSyntheticRun(int epochs, std::int64_t trainSamples) {
  return tbtest::syntheticRun(epochs, trainSamples, /*testSamples=*/500);
}

}  // namespace

class TrainerTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // The seed's MLP must have exactly Keras's parameter count, or timings are not comparable.
  void mlpHasSeedParameterCount() {
    FashionMlp model;
    QCOMPARE(countTrainableParameters(model), std::int64_t{101770});
    QCOMPARE(findWorkload("fashion-mlp")->parameters, std::int64_t{101770});
    QCOMPARE(model.forward(torch::zeros({4, 1, 28, 28})).sizes().vec(),
             (std::vector<std::int64_t>{4, 10}));
  }

  // Keras initialises biases to zero and kernels Glorot-uniform within sqrt(6/(in+out)).
  void mlpUsesKerasInitialisation() {
    torch::manual_seed(1);
    FashionMlp model;
    const double limit = std::sqrt(6.0 / (784 + 128));
    for (const auto& item : model.named_parameters()) {
      if (item.key().find("bias") != std::string::npos) {
        QCOMPARE(item.value().abs().max().item<double>(), 0.0);
      } else if (item.value().size(1) == 784) {
        QVERIFY(item.value().abs().max().item<double>() <= limit);
        QVERIFY(item.value().abs().max().item<double>() > 0.9 * limit);
      }
    }
  }

  // Keras adds epsilon to sqrt(v) before bias correction; torch's Adam does not. Hand-computed:
  // step 1 with g = 0.5: m = 0.05, v = 0.00025, lr_t = 1e-3*sqrt(0.001)/0.1,
  // p = 1 - lr_t * 0.05 / (sqrt(0.00025) + 1e-7).
  void kerasAdamMatchesHandComputedStep() {
    auto p = torch::ones({1}, torch::kDouble).requires_grad_(true);
    KerasAdam adam({p});
    (p * 0.5).sum().backward();
    adam.step();
    const double lrT = 1e-3 * std::sqrt(1 - 0.999) / (1 - 0.9);
    const double expected = 1.0 - lrT * 0.05 / (std::sqrt(0.00025) + 1e-7);
    QCOMPARE(p.item<double>(), expected);

    // Step 2 with g = -1: m = 0.9*0.05 - 0.1 = -0.055, v = 0.999*0.00025 + 0.001.
    adam.zeroGrad();
    (p * -1.0).sum().backward();
    adam.step();
    const double m2 = 0.9 * 0.05 + 0.1 * -1.0;
    const double v2 = 0.999 * 0.00025 + 0.001 * 1.0;
    const double lrT2 = 1e-3 * std::sqrt(1 - 0.999 * 0.999) / (1 - 0.9 * 0.9);
    QCOMPARE(p.item<double>(), expected - lrT2 * m2 / (std::sqrt(v2) + 1e-7));
    QCOMPARE(adam.iterations(), std::int64_t{2});
  }

  // A short run on synthetic data must learn: loss falls and test accuracy beats chance.
  void shortSyntheticRunLearns() {
    RecordingObserver observer;
    std::atomic<bool> cancel{false};
    const RunResult result = runTraining(smallSyntheticRun(3, 3000), observer, cancel);
    QCOMPARE(toString(result.status), "completed");
    QCOMPARE(result.epochs.size(), std::size_t{3});
    QVERIFY(result.epochs.back().trainLoss < result.epochs.front().trainLoss);
    QVERIFY(result.test.has_value());
    QVERIFY2(result.test->accuracy > 0.5, "far above the 0.1 of guessing");
    QVERIFY(result.totalSeconds.has_value() && *result.totalSeconds > 0);
    QCOMPARE(result.workload.dataSource, std::string("synthetic"));
    QCOMPARE(result.workload.trainSamples, std::int64_t{3000});
    QCOMPARE(result.config.batchSize, 32);
    QCOMPARE(result.config.optimizer, std::string("adam"));
    QCOMPARE(result.config.threads, 1);
    QCOMPARE(observer.started.stepsPerEpoch, std::int64_t{94});  // 3000/32, last batch kept
    for (const auto& epoch : result.epochs) {
      QVERIFY(epoch.seconds > 0 && epoch.samplesPerSecond > 0);
    }
  }

  // A CPU run with more threads than the CPUs it may use says so in its result; one that fits
  // does not. (The warning used to exist nowhere: --threads 64 on 2 cores just looked slow.)
  void tooManyThreadsAreWarnedInTheResult() {
    for (const int threads : {1, usableCpuCount() + 1}) {
      RecordingObserver observer;
      std::atomic<bool> cancel{false};
      RunConfig config = smallSyntheticRun(1, 256);
      config.threads = threads;
      const RunResult result = runTraining(config, observer, cancel);
      QCOMPARE(toString(result.status), "completed");
      bool said = false;
      for (const auto& warning :
           result.validity ? result.validity->warnings : std::vector<std::string>{}) {
        said = said || warning.find("CPU threads, but this process may run on only") != std::string::npos;
      }
      QCOMPARE(said, threads > 1 && threads > usableCpuCount());
    }
  }

  // Front ends rely on this order: started, each epoch, evaluation, finished.
  void eventsArriveInOrder() {
    RecordingObserver observer;
    std::atomic<bool> cancel{false};
    runTraining(smallSyntheticRun(2, 1000), observer, cancel);
    QCOMPARE(observer.events, std::string("SEEvVF"));
  }

  // The same seed gives the same curve, so runs on two machines train the same model.
  void sameSeedSameResult() {
    std::atomic<bool> cancel{false};
    RecordingObserver a, b;
    const auto first = runTraining(smallSyntheticRun(1, 500), a, cancel);
    const auto second = runTraining(smallSyntheticRun(1, 500), b, cancel);
    QCOMPARE(first.epochs[0].trainLoss, second.epochs[0].trainLoss);
    QCOMPARE(first.test->accuracy, second.test->accuracy);
  }

  // Progress is throttled (~20 a second) so front ends are not flooded: within an epoch, the
  // k-th report comes no sooner than k times 50 ms into it. Telemetry reaches the observer and
  // the result's timeline. The run goes on until two telemetry samples have arrived.
  void progressIsThrottledAndTelemetryRecorded() {
    RecordingObserver observer;
    std::atomic<bool> cancel{false};
    std::vector<BatchProgress> reports;
    observer.onProgress = [&](const BatchProgress& progress) { reports.push_back(progress); };
    int samples = 0;
    observer.onTelemetry = [&](const TelemetrySample&) {
      if (++samples >= 2) cancel = true;
    };
    const auto result = runTraining(smallSyntheticRun(100000, 20000), observer, cancel);
    QCOMPARE(toString(result.status), "cancelled");
    int epoch = 0;
    int inEpoch = 0;
    for (const BatchProgress& report : reports) {
      inEpoch = report.epoch == epoch ? inEpoch + 1 : 1;
      epoch = report.epoch;
      QVERIFY2(report.epochSeconds >= 0.05 * inEpoch - 1e-6,
               qPrintable(QStringLiteral("report %1 of epoch %2 at %3 s")
                              .arg(inEpoch)
                              .arg(epoch)
                              .arg(report.epochSeconds)));
    }
    QVERIFY(result.timeline.size() >= 2);
    QVERIFY(result.timeline.back().t > result.timeline.front().t);
    QVERIFY(result.timeline.back().rssMb.has_value());
  }

  // A run shorter than one telemetry interval still gets a reading: the closing sample over its
  // whole length, in the result's timeline and live to the observer. The run is held (busy, so
  // that its CPU shows) until it has lasted longer than the shortest closing window.
  void runShorterThanTheIntervalGetsOneSample() {
    class HoldingObserver final : public RunObserver {
     public:
      std::vector<TelemetrySample> live;
      void epochFinished(const EpochRecord&) override { m_epochEnd = Clock::now(); }
      void evaluationStarted() override {
        volatile double sink = 0.0;
        while (Clock::now() - m_epochEnd < TelemetrySampler::kMinClosingWindow + 50ms) sink += 1.0;
      }
      void telemetry(const TelemetrySample& sample) override { live.push_back(sample); }

     private:
      using Clock = std::chrono::steady_clock;
      Clock::time_point m_epochEnd;
    } observer;
    RunConfig config = smallSyntheticRun(1, 320);
    config.telemetryIntervalSeconds = kMaxTelemetryIntervalSeconds;  // an hour: no periodic one
    std::atomic<bool> cancel{false};
    const RunResult result = runTraining(config, observer, cancel);
    QCOMPARE(toString(result.status), "completed");
    QCOMPARE(result.timeline.size(), std::size_t{1});
    const TelemetrySample& closing = result.timeline.front();
    QVERIFY(closing.t >= TelemetrySampler::kMinClosingWindow.count());
    QVERIFY(closing.cpuPercent && *closing.cpuPercent > 0.0);
    QVERIFY(closing.processCpuPercent && *closing.processCpuPercent > 0.0);
    QCOMPARE(observer.live.size(), std::size_t{1});
    QCOMPARE(observer.live.front().t, closing.t);
  }

  // Stop must take effect within one batch: the run ends cancelled, not completed.
  void cancelStopsWithinOneBatch() {
    RecordingObserver observer;
    std::atomic<bool> cancel{false};
    std::int64_t stepAtCancel = -1;
    observer.onProgress = [&](const BatchProgress& progress) {
      if (stepAtCancel < 0) {
        stepAtCancel = progress.step;
        cancel = true;
      }
    };
    const auto result = runTraining(smallSyntheticRun(5, 60000), observer, cancel);
    QCOMPARE(toString(result.status), "cancelled");
    QVERIFY(stepAtCancel > 0);
    QVERIFY(result.epochs.empty());  // cancelled inside epoch 1 of 5
    QCOMPARE(observer.progressEvents, 1);  // no further batch was reported
    QVERIFY(!result.totalSeconds.has_value());
    QVERIFY(!result.test.has_value());
    QCOMPARE(observer.events.back(), 'F');
  }

  // A run stopped mid-epoch keeps the steps it trained there: its steady state is read from
  // them (the step clock reads an epoch's steps back as it ends, and a stop ends it early).
  void cancelledRunKeepsItsSteps() {
    RecordingObserver observer;
    std::atomic<bool> cancel{false};
    std::int64_t stepAtCancel = -1;
    observer.onProgress = [&](const BatchProgress& progress) {
      if (stepAtCancel < 0 && progress.step >= 20) {
        stepAtCancel = progress.step;
        cancel = true;
      }
    };
    const auto result = runTraining(smallSyntheticRun(5, 60000), observer, cancel);
    QCOMPARE(toString(result.status), "cancelled");
    QVERIFY(stepAtCancel >= 20);
    QVERIFY(result.steadyState);
    QCOMPARE(result.steadyState->warmupSteps + result.steadyState->steps, stepAtCancel);
  }

  // A run stopped while the device's peak is measured (its first seconds), or failed on a device
  // that is not there, keeps the settings it was asked for: it was saved as "0 epochs, batch 0",
  // in a group of its own, and `run --from` it trained the workload's defaults.
  void runEndedBeforeTrainingKeepsItsSettings() {
    RecordingObserver observer;
    RunConfig config = smallSyntheticRun(4, 640);
    config.batchSize = 64;
    config.probePeak = true;
    const QByteArray skipProbe = qgetenv("TRAINBENCH_SKIP_PROBE");
    qunsetenv("TRAINBENCH_SKIP_PROBE");
    std::atomic<bool> cancel{true};  // stopped before the measurement could end
    const RunResult cancelled = runTraining(config, observer, cancel);
    if (!skipProbe.isNull()) qputenv("TRAINBENCH_SKIP_PROBE", skipProbe);
    config.device = tbtest::absentCudaDevice();
    cancel = false;
    const RunResult failed = runTraining(config, observer, cancel);
    QCOMPARE(toString(cancelled.status), "cancelled");
    QCOMPARE(toString(failed.failure), "device");
    for (const RunResult& result : {cancelled, failed}) {
      QCOMPARE(result.config.epochs, 4);
      QCOMPARE(result.config.batchSize, 64);
      QCOMPARE(result.config.optimizer, std::string("adam"));
      QCOMPARE(result.config.threads, 1);
      QCOMPARE(result.workload.dataset, std::string("fashion-mnist"));
      QVERIFY(result.workload.parameters > 0);
    }
  }

  // A loss that becomes NaN/inf fails the run and says where, instead of reporting garbage.
  void divergenceFailsTheRun() {
    RecordingObserver observer;
    std::atomic<bool> cancel{false};
    RunConfig config = smallSyntheticRun(2, 2000);
    config.learningRate = 1e30;  // weights overflow float32 after a few steps
    const auto result = runTraining(config, observer, cancel);
    QCOMPARE(toString(result.status), "failed");
    QVERIFY2(result.error.find("diverged at epoch 1, step ") != std::string::npos,
             result.error.c_str());
    QVERIFY2(result.error.find("the learning rate, 1e+30, may be too high") != std::string::npos,
             result.error.c_str());
    QVERIFY(!result.totalSeconds.has_value());
    // Steps timed on NaN weights are no throughput: a failed run keeps no steady state (a
    // script ranking `compare --json` rows by samples/s ranked it).
    QVERIFY(!result.steadyState.has_value());
  }

  // One step whose update ruins the weights: its training loss was measured before the update,
  // so only the test pass sees it. The run fails rather than save chance accuracy as completed.
  void divergenceInTheLastStepFailsTheRun() {
    RecordingObserver observer;
    std::atomic<bool> cancel{false};
    RunConfig config = tbtest::syntheticRun(1, 32, /*testSamples=*/16);
    config.batchSize = 32;
    config.learningRate = 1e30;
    const auto result = runTraining(config, observer, cancel);
    QCOMPARE(toString(result.status), "failed");
    QVERIFY2(result.error.find("diverged in its last steps: the test loss is NaN or infinite") !=
                 std::string::npos,
             result.error.c_str());
    QVERIFY(!result.test.has_value());
    QVERIFY(!result.totalSeconds.has_value());
  }

  // Bad input never throws out of the engine; it becomes a failed result of the right kind.
  void errorsBecomeFailedResults() {
    std::atomic<bool> cancel{false};
    RecordingObserver observer;
    RunConfig config = smallSyntheticRun(1, 100);
    config.device = tbtest::absentCudaDevice();
    auto result = runTraining(config, observer, cancel);
    QCOMPARE(toString(result.failure), "device");
    QVERIFY(result.error.find("available devices: cpu") != std::string::npos);

    QTemporaryDir empty;
    config = smallSyntheticRun(1, 100);
    config.synthetic = false;
    config.dataDir = empty.path().toStdString();
    result = runTraining(config, observer, cancel);
    QCOMPARE(toString(result.failure), "data");
    QVERIFY(result.error.find(config.dataDir) != std::string::npos);

    config = smallSyntheticRun(1, 100);
    config.workload = "no-such-workload";
    result = runTraining(config, observer, cancel);
    QCOMPARE(toString(result.status), "failed");
    QVERIFY(result.error.find("fashion-mlp") != std::string::npos);

    config = smallSyntheticRun(1, 100);
    config.precision = "fp16";
    result = runTraining(config, observer, cancel);
    QCOMPARE(toString(result.failure), "device");
  }

  // Every completed run reports its steady state apart from warm-up (the first epoch here), and
  // the seed-style total stays what it was: training plus evaluation.
  void completedRunsReportSteadyState() {
    RecordingObserver observer;
    std::atomic<bool> cancel{false};
    const RunResult result = runTraining(smallSyntheticRun(2, 3200), observer, cancel);
    QCOMPARE(toString(result.status), "completed");
    QVERIFY(result.steadyState);
    const SteadyStateRecord& steady = *result.steadyState;
    QCOMPARE(steady.warmupSteps, std::int64_t{100});  // 3200 / 32: all of epoch 1
    QCOMPARE(steady.steps, std::int64_t{100});
    QVERIFY(steady.stepSecondsP50 > 0);
    QVERIFY(steady.stepSecondsP95 >= steady.stepSecondsP50);
    QVERIFY(std::fabs(steady.samplesPerSecond - 32 / steady.stepSecondsP50) < 1e-6);
    QVERIFY(*result.totalSeconds >= result.epochs[0].seconds + result.epochs[1].seconds);
    QVERIFY(!result.projection);
    // Every finished run is judged; whatever this machine is doing, the verdict is recorded.
    QVERIFY(result.validity);
    QCOMPARE(result.validity->disturbed, !result.validity->warnings.empty());
  }

  // A run far longer than its budget stops after it, evaluates, and projects the full run from
  // its steady steps. (10 000 epochs of 3 200 images cannot fit in 5 s on any CPU.)
  void timeBudgetProjectsTheFullRun() {
    RecordingObserver observer;
    std::atomic<bool> cancel{false};
    RunConfig config = smallSyntheticRun(10000, 3200);
    config.testLimit = 3200;
    config.timeBudgetSeconds = 5;
    const RunResult result = runTraining(config, observer, cancel);
    QCOMPARE(toString(result.status), "completed");
    QVERIFY(result.projection);
    const ProjectionRecord& projection = *result.projection;
    QCOMPARE(projection.epochs, 10000);
    QCOMPARE(projection.trainSamples, std::int64_t{3200});
    QCOMPARE(projection.testSamples, std::int64_t{3200});
    QCOMPARE(projection.budgetSeconds, 5.0);
    QVERIFY(result.epochs.size() < 10000u);
    QVERIFY(projection.basisSteps > 0);
    QVERIFY(projection.low <= projection.totalSeconds);
    QVERIFY(projection.totalSeconds <= projection.high);
    QVERIFY(projection.totalSeconds > *result.totalSeconds);
    QVERIFY(result.test);  // evaluated, on the images it got through
    QVERIFY(result.workload.testSamples > 0 && result.workload.testSamples <= 3200);
  }

  // A run that fits in its budget is an ordinary, measured run.
  void runWithinItsBudgetIsMeasured() {
    RecordingObserver observer;
    std::atomic<bool> cancel{false};
    RunConfig config = smallSyntheticRun(1, 320);
    config.timeBudgetSeconds = 3600;
    const RunResult result = runTraining(config, observer, cancel);
    QCOMPARE(toString(result.status), "completed");
    QVERIFY(!result.projection);
    QCOMPARE(result.epochs.size(), std::size_t{1});
    QCOMPARE(result.workload.testSamples, std::int64_t{500});
  }

  // Fewer images than one batch: every step is a smaller one, so a budget has no full step to
  // project from. Refused, where it would have trained thousands of epochs into a "completed"
  // run of the full length that said neither that it stopped early nor what the rest takes.
  void timeBudgetNeedsOneFullBatch() {
    RecordingObserver observer;
    std::atomic<bool> cancel{false};
    RunConfig config = smallSyntheticRun(100000, 10);
    config.batchSize = 32;
    config.timeBudgetSeconds = 5;
    const RunResult result = runTraining(config, observer, cancel);
    QCOMPARE(toString(result.status), "failed");
    const QString error = QString::fromStdString(result.error);
    QVERIFY2(error.contains(QLatin1String("--time-budget")) &&
                 error.contains(QLatin1String("10 training images")) &&
                 error.contains(QLatin1String("one batch of 32")),
             qPrintable(error));
    QVERIFY(result.epochs.empty());
  }

  // Without a budget such a run trains, and its result says why it has no steady state.
  void runSmallerThanOneBatchSaysSo() {
    RecordingObserver observer;
    std::atomic<bool> cancel{false};
    RunConfig config = smallSyntheticRun(2, 10);
    config.batchSize = 32;
    const RunResult result = runTraining(config, observer, cancel);
    QCOMPARE(toString(result.status), "completed");
    QVERIFY(!result.steadyState);
    QVERIFY(result.validity);
    const auto& warnings = result.validity->warnings;
    QVERIFY(std::any_of(warnings.begin(), warnings.end(), [](const std::string& warning) {
      return warning.find("fewer than one batch of 32") != std::string::npos;
    }));
  }

  void groupIdIsRecorded() {
    RecordingObserver observer;
    std::atomic<bool> cancel{false};
    RunConfig config = smallSyntheticRun(1, 64);
    config.group = "20261202T101500Z-0000abcd";
    QCOMPARE(QString::fromStdString(runTraining(config, observer, cancel).group),
             QStringLiteral("20261202T101500Z-0000abcd"));
  }
};

QTEST_APPLESS_MAIN(TrainerTest)
#include "tst_trainer.moc"
