// Graph mode's run, followed on the CPU with a graph that records instead of capturing: the
// run's first full steps warm up (eagerly, on the capture's stream), one capture is tried, the
// captured step is replayed for every full step after (the partial ones stay eager), and all of
// it trains exactly what eager mode trains. A capture that fails, or a run that cannot be captured, trains eagerly and
// the result says why. (The CUDA capture itself needs a GPU: engine/step_graph.cpp.)
#include "engine/keras_adam.h"
#include "engine/step_graph.h"
#include "engine/train_step.h"
#include "engine/trainer.h"

#include "../support/lone_rank.h"
#include "../support/synthetic_run.h"

#include <QtTest>

#include <stdexcept>

using namespace tb;

namespace {

struct CaptureLog {
  int graphsMade = 0;
  int warmUps = 0;
  int captures = 0;
  int replays = 0;
  std::int64_t stepsBeforeCapture = -1;
  bool captureFails = false;
};

// Warms up and replays by training the step eagerly: what a faithful graph does, observable on
// the CPU.
class RecordedGraph final : public StepGraph {
 public:
  RecordedGraph(TrainStep& step, CaptureLog& log) : m_step(step), m_log(log) {}
  void warmUp() override {
    QVERIFY(m_log.captures == 0);
    ++m_log.warmUps;
    m_step.runFull();
  }
  void capture() override {
    ++m_log.captures;
    m_log.stepsBeforeCapture = m_step.optimizer().iterations();
    if (m_log.captureFails) {
      throw std::runtime_error("operation not permitted when stream is capturing");
    }
  }
  void replay() override {
    QVERIFY(m_log.captures == 1);
    ++m_log.replays;
    m_step.runFull();
  }

 private:
  TrainStep& m_step;
  CaptureLog& m_log;
};

// 200 images of batch 32: six full steps and a partial one of 8 each epoch.
RunConfig graphRun(std::shared_ptr<CaptureLog> log) {
  RunConfig config = tbtest::syntheticRun(/*epochs=*/2, /*trainSamples=*/200, /*testSamples=*/64);
  config.probePeak = false;
  config.execution = "graph";
  config.stepCapture = [log](TrainStep& step) -> std::unique_ptr<StepGraph> {
    ++log->graphsMade;
    return std::make_unique<RecordedGraph>(step, *log);
  };
  return config;
}

RunResult run(const RunConfig& config) {
  RunObserver observer;
  const std::atomic<bool> cancel{false};
  return runTraining(config, observer, cancel);
}

void compareTraining(const RunResult& a, const RunResult& b) {
  QCOMPARE(a.status, RunStatus::Completed);
  QCOMPARE(b.status, RunStatus::Completed);
  QCOMPARE(a.epochs.size(), b.epochs.size());
  for (std::size_t i = 0; i < a.epochs.size(); ++i) {
    QCOMPARE(a.epochs[i].trainLoss, b.epochs[i].trainLoss);  // exactly: the same arithmetic
    QCOMPARE(a.epochs[i].trainAccuracy, b.epochs[i].trainAccuracy);
  }
  QVERIFY(a.test && b.test);
  QCOMPARE(a.test->loss, b.test->loss);
  QCOMPARE(a.test->accuracy, b.test->accuracy);
}

// A graph-mode run that fell back: it trained exactly as eager mode does, and says why.
void expectEagerFallback(const RunResult& fellBack, const QString& why) {
  RunConfig eagerConfig = graphRun(nullptr);
  eagerConfig.execution = "eager";
  eagerConfig.stepCapture = nullptr;
  compareTraining(fellBack, run(eagerConfig));
  QCOMPARE(QString::fromStdString(fellBack.config.execution), QStringLiteral("eager"));
  QCOMPARE(QString::fromStdString(fellBack.config.executionFallback), why);
}

}  // namespace

class GraphModeTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void capturedStepsTrainAsEagerStepsDo() {
    auto log = std::make_shared<CaptureLog>();
    const RunResult graph = run(graphRun(log));
    RunConfig eagerConfig = graphRun(nullptr);
    eagerConfig.execution = "eager";
    eagerConfig.stepCapture = nullptr;
    const RunResult eager = run(eagerConfig);
    compareTraining(graph, eager);
    QCOMPARE(QString::fromStdString(graph.config.execution), QStringLiteral("graph"));
    QVERIFY(graph.config.executionFallback.empty());
    QCOMPARE(log->graphsMade, 1);
    QCOMPARE(log->warmUps, 3);                           // on the capture's stream
    QCOMPARE(log->captures, 1);
    QCOMPARE(log->stepsBeforeCapture, std::int64_t{3});  // the warm-up steps trained
    QCOMPARE(log->replays, 2 * 6 - 3);                   // every full step after them
  }

  void failedCaptureTrainsEagerlyAndSaysWhy() {
    auto log = std::make_shared<CaptureLog>();
    log->captureFails = true;
    const RunResult fellBack = run(graphRun(log));
    QCOMPARE(log->captures, 1);  // one try per run
    QCOMPARE(log->replays, 0);
    expectEagerFallback(fellBack, QStringLiteral("graph mode trained eagerly: the capture failed: "
                                                 "operation not permitted when stream is capturing"));
  }

  // No graph at all (e.g. a build without CUDA graphs): every step eager, and the result says why.
  void runWithoutAGraphTrainsEagerlyAndSaysWhy() {
    RunConfig config = graphRun(nullptr);
    config.stepCapture = [](TrainStep&) -> std::unique_ptr<StepGraph> {
      throw std::runtime_error("this TrainBench build cannot capture CUDA graphs");
    };
    expectEagerFallback(run(config), QStringLiteral("graph mode trained eagerly: this TrainBench "
                                                    "build cannot capture CUDA graphs"));
  }

  // A data-parallel step averages its gradients through the host (Gloo): not captured.
  void dataParallelRunTrainsEagerly() {
    auto log = std::make_shared<CaptureLog>();
    RunConfig config = graphRun(log);
    config.exchange = std::make_shared<tbtest::LoneRank>(/*rank=*/0);
    const RunResult result = run(config);
    QCOMPARE(result.status, RunStatus::Completed);
    QCOMPARE(log->graphsMade, 0);
    QCOMPARE(QString::fromStdString(result.config.execution), QStringLiteral("eager"));
    QVERIFY2(QString::fromStdString(result.config.executionFallback)
                 .contains(QLatin1String("data-parallel")),
             result.config.executionFallback.c_str());
  }
};

QTEST_GUILESS_MAIN(GraphModeTest)
#include "tst_graph_mode.moc"
