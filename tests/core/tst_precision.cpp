// Training precisions: which device supports which, the refusal users see, bf16 autocast
// training on the CPU, and the fp16 loss scaler's skip / back-off / growth rules.
#include "engine/keras_adam.h"
#include "engine/loss_scaler.h"
#include "engine/precision.h"
#include "engine/precision_scope.h"
#include "engine/trainer.h"
#include "results/run_result.h"

#include <torch/torch.h>

#include <QtTest>

#include <limits>

using namespace tb;

namespace {

RunConfig tinyRun(const std::string& precision, int epochs) {
  RunConfig config;
  config.workload = "fashion-mlp";
  config.synthetic = true;
  config.epochs = epochs;
  config.trainLimit = 2000;
  config.testLimit = 200;
  config.threads = 1;
  config.precision = precision;
  config.probePeak = false;
  return config;
}

std::vector<std::string> names(const std::vector<Precision>& precisions) {
  std::vector<std::string> out;
  for (const auto precision : precisions) out.emplace_back(toString(precision));
  return out;
}

}  // namespace

class PrecisionTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // The names are what --precision, the GUI and result files use.
  void namesRoundTrip() {
    for (const auto precision : allPrecisions()) {
      QVERIFY(parsePrecision(toString(precision)) == precision);
    }
    QVERIFY(!parsePrecision("FP32"));
    QVERIFY(!parsePrecision("fp8"));
    // Result files store these words: they must not change.
    QCOMPARE(names(allPrecisions()), (std::vector<std::string>{"fp32", "tf32", "bf16", "fp16"}));
  }

  // A run's peak is the figure of its precision; results from before precisions mean fp32.
  void peakFollowsThePrecision() {
    PeakFigures peak;
    peak.fp32Tflops = 1.0;
    peak.tf32Tflops = 2.0;
    peak.bf16Tflops = 3.0;
    peak.fp16Tflops = 4.0;
    QCOMPARE(peakTflopsFor(peak, "fp32"), std::optional<double>(1.0));
    QCOMPARE(peakTflopsFor(peak, ""), std::optional<double>(1.0));
    QCOMPARE(peakTflopsFor(peak, "tf32"), std::optional<double>(2.0));
    QCOMPARE(peakTflopsFor(peak, "bf16"), std::optional<double>(3.0));
    QCOMPARE(peakTflopsFor(peak, "fp16"), std::optional<double>(4.0));
    QVERIFY(!peakTflopsFor(peak, "fp8"));
  }

  // The support matrix: CPU fp32 + bf16; CUDA everything from Ampere, fp32 + fp16 before; MPS fp32.
  void supportMatrix() {
    using Names = std::vector<std::string>;
    QCOMPARE(names(supportedPrecisions(parseDeviceId("cpu"), std::nullopt)),
             (Names{"fp32", "bf16"}));
    QCOMPARE(names(supportedPrecisions(parseDeviceId("cuda:0"), std::string("7.5"))),
             (Names{"fp32", "fp16"}));
    QCOMPARE(names(supportedPrecisions(parseDeviceId("cuda:0"), std::string("9.0"))),
             (Names{"fp32", "tf32", "bf16", "fp16"}));
    QCOMPARE(names(supportedPrecisions(parseDeviceId("cuda:0"), std::nullopt)),
             (Names{"fp32", "tf32", "bf16", "fp16"}));
    QCOMPARE(names(supportedPrecisions(parseDeviceId("mps"), std::nullopt)), (Names{"fp32"}));
  }

  // Refusals name the precision, the device and what would work instead.
  void refusalsSayWhatIsSupported_data() {
    QTest::addColumn<QString>("device");
    QTest::addColumn<QString>("precision");
    QTest::addColumn<QString>("capability");
    QTest::addColumn<QString>("message");
    QTest::newRow("fp16 on cpu") << "cpu"
                                 << "fp16"
                                 << ""
                                 << "precision fp16 is not supported on cpu; supported: fp32, bf16";
    QTest::newRow("tf32 on cpu") << "cpu"
                                 << "tf32"
                                 << ""
                                 << "precision tf32 is not supported on cpu; supported: fp32, bf16";
    QTest::newRow("bf16 on Turing")
        << "cuda:0"
        << "bf16"
        << "7.5"
        << "precision bf16 is not supported on cuda:0 (compute capability 7.5; bf16 needs 8.0 or "
           "newer); supported: fp32, fp16";
    QTest::newRow("unknown") << "cpu"
                             << "fp8"
                             << ""
                             << "unknown precision 'fp8'; expected fp32, tf32, bf16 or fp16";
  }
  void refusalsSayWhatIsSupported() {
    QFETCH(QString, device);
    QFETCH(QString, precision);
    QFETCH(QString, capability);
    QFETCH(QString, message);
    const auto cc =
        capability.isEmpty() ? std::nullopt : std::optional<std::string>(capability.toStdString());
    try {
      checkPrecision(parseDeviceId(device.toStdString()), precision.toStdString(), cc);
      QFAIL("accepted an unsupported precision");
    } catch (const DeviceError& e) {
      QCOMPARE(QString::fromUtf8(e.what()), message);
    }
  }

  // A run asking for an unsupported precision fails as a device problem before training.
  void runRefusesUnsupportedPrecision() {
    RunObserver observer;
    std::atomic<bool> cancel{false};
    const RunResult result = runTraining(tinyRun("fp16", 1), observer, cancel);
    QCOMPARE(result.status, RunStatus::Failed);
    QCOMPARE(result.failure, FailureKind::Device);
    QCOMPARE(result.error,
             std::string("precision fp16 is not supported on cpu; supported: fp32, bf16"));
    QVERIFY(result.epochs.empty());
  }

  // Autocast runs the layers in bf16 inside the scope and leaves everything as it was after.
  void autocastScopeAppliesAndRestores() {
    torch::nn::Linear layer(8, 4);
    const auto input = torch::randn({2, 8});
    {
      const AutocastScope scope(Precision::Bf16, torch::Device(torch::kCPU));
      QCOMPARE(layer->forward(input).scalar_type(), torch::kBFloat16);
    }
    QCOMPARE(layer->forward(input).scalar_type(), torch::kFloat);
    {
      const AutocastScope fp32(Precision::Fp32, torch::Device(torch::kCPU));
      QCOMPARE(layer->forward(input).scalar_type(), torch::kFloat);
    }
  }

  // bf16 mixed precision really trains on the CPU: the loss falls and the result says bf16.
  void bf16TrainsOnCpu() {
    RunObserver observer;
    std::atomic<bool> cancel{false};
    const RunResult result = runTraining(tinyRun("bf16", 3), observer, cancel);
    QVERIFY2(result.status == RunStatus::Completed, result.error.c_str());
    QCOMPARE(result.config.precision, std::string("bf16"));
    QCOMPARE(result.epochs.size(), std::size_t{3});
    QVERIFY2(result.epochs[2].trainLoss < 0.8 * result.epochs[0].trainLoss,
             qPrintable(QStringLiteral("%1 -> %2")
                            .arg(result.epochs[0].trainLoss)
                            .arg(result.epochs[2].trainLoss)));
    QVERIFY(result.test && result.test->accuracy > 0.5);
  }

  // An overflowed fp16 step must not reach the weights, and the scale must back off.
  void lossScalerSkipsOverflowAndBacksOff() {
    LossScaler scaler(LossScalerOptions{1024.0, 2.0, 0.5, 3});
    auto weight = torch::ones({3}, torch::requires_grad());
    KerasAdam optimizer({weight});
    weight.mutable_grad() = torch::tensor({1.0f, std::numeric_limits<float>::infinity(), 2.0f});
    const auto overflow = scaler.unscale({weight});
    QCOMPARE(overflow.item<float>(), 1.0F);
    optimizer.step(overflow);  // skipped on the device
    scaler.update(overflow);
    QVERIFY(torch::equal(weight, torch::ones({3})));
    QCOMPARE(scaler.currentScale(), 512.0);
    QCOMPARE(scaler.skippedSteps(), std::int64_t{1});
  }

  // A scale finding its level skips a few steps (the back-offs from 2^16, one per growth): no
  // note. More, and the result says how many trained nothing while samples/s counted them.
  void manySkippedStepsAreNoted() {
    QVERIFY(lossScalingNote(0, 1875, 65536.0).empty());
    QVERIFY(lossScalingNote(9, 1875, 1024.0).empty());
    QVERIFY(lossScalingNote(30, 0, 1.0).empty());
    const std::string note = lossScalingNote(400, 1875, 1.0);
    QVERIFY2(note.find("fp16: 400 of 1875 steps were skipped") == 0, note.c_str());
    QVERIFY2(note.find("loss scale now 1)") != std::string::npos, note.c_str());
  }

  // Finite gradients come back divided by the scale, and good steps in a row grow the scale.
  void lossScalerUnscalesAndGrows() {
    LossScaler scaler(LossScalerOptions{1024.0, 2.0, 0.5, 3});
    auto weight = torch::zeros({2}, torch::requires_grad());
    scaler.scale((weight * torch::tensor({1.0f, 3.0f})).sum()).backward();
    QVERIFY(torch::allclose(weight.grad(), torch::tensor({1024.0f, 3072.0f})));
    QCOMPARE(scaler.unscale({weight}).item<float>(), 0.0F);
    QVERIFY(torch::allclose(weight.grad(), torch::tensor({1.0f, 3.0f})));
    const auto good = torch::zeros({1});
    for (int i = 0; i < 3; ++i) scaler.update(good);
    QCOMPARE(scaler.currentScale(), 2048.0);
    scaler.update(torch::ones({1}));
    QCOMPARE(scaler.currentScale(), 1024.0);
  }
};

QTEST_APPLESS_MAIN(PrecisionTest)
#include "tst_precision.moc"
