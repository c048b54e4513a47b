// Tests for the analytic FLOPs: hand-computed values for the MLP and single conv layers, and the
// published totals of the ResNets, since achieved-TFLOPS figures are only as right as these.
#include "models/cifar_cnn.h"
#include "models/flops.h"
#include "models/resnet18.h"
#include "models/resnet50.h"
#include "models/workload.h"

#include <QtTest>

#include <stdexcept>

class TestFlops : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // The seed MLP: 2 * (784*128 + 128*10) = 203 264 forward FLOPs. A training step is 3x that,
  // less the first layer's input gradient (the images need none): 3 * 203 264 - 200 704.
  void mlpMatchesHandComputed() {
    const tb::ModelFacts facts = tb::denseStackFacts({784, 128, 10});
    QCOMPARE(facts.forwardFlops(), 203264.0);
    QCOMPARE(facts.trainingFlops(), 409088.0);
    QCOMPARE(facts.parameters(), std::int64_t{101770});  // Keras's model.summary()
    for (const char* name : {"fashion-mlp", "mnist-mlp"}) {
      const auto spec = tb::findWorkload(name);
      QVERIFY(spec.has_value());
      QCOMPARE(spec->flopsPerSample, 409088.0);
    }
  }

  // One conv layer by hand: ResNet-50's stem sees 38x38 (32 + 2*3 padding) and its 7x7 stride-2
  // window gives 16x16, so 2 * 7*7*3 * 64 * 16*16 = 4 816 896; the CNN's first conv
  // 2 * 3*3*3 * 32 * 30*30 = 1 555 200.
  void convLayerMatchesHandComputed() {
    QCOMPARE(tb::conv2dFlops(7, 3, 64, 16, 16), 4816896.0);
    const tb::ModelFacts resnet = tb::KerasResNet50::facts({3, 32, 32});
    QCOMPARE(QString::fromStdString(resnet.layers().front().name), QStringLiteral("conv1_conv"));
    QCOMPARE(resnet.layers().front().forwardFlops, 4816896.0);
    QCOMPARE(resnet.layers().front().parameters, std::int64_t{7 * 7 * 3 * 64 + 64});
    const tb::ModelFacts cnn = tb::CifarCnn::facts({3, 32, 32});
    QCOMPARE(cnn.layers().front().forwardFlops, 1555200.0);
    QCOMPARE(tb::denseFlops(1024, 64), 131072.0);
  }

  // The spatial arithmetic every model's facts rely on: Keras's valid windows after padding.
  void convOutputSizeFollowsKeras() {
    QCOMPARE(tb::convOutputSize(32, 7, 2, 3), std::int64_t{16});  // ResNet-50 stem
    QCOMPARE(tb::convOutputSize(16, 3, 2, 1), std::int64_t{8});   // its max-pool
    QCOMPARE(tb::convOutputSize(8, 1, 2, 0), std::int64_t{4});    // a stride-2 1x1 conv
    QCOMPARE(tb::convOutputSize(15, 2, 2, 0), std::int64_t{7});   // pooling floors
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, tb::convOutputSize(2, 3, 1, 0));
  }

  // He et al. (2016), Table 1: ResNet-50 is 3.8e9 multiply-adds at 224x224; Keras's ResNet50 is
  // that network, so its facts at 224x224 and 1000 classes must agree (2 FLOPs per multiply-add).
  void resnet50MatchesPublishedImageNetCost() {
    const double macs = tb::KerasResNet50::facts({3, 224, 224}, 1000).forwardFlops() / 2;
    QVERIFY2(std::abs(macs - 3.8e9) < 0.05 * 3.8e9, qPrintable(QString::number(macs)));
  }

  // The CIFAR ResNet-18 is quoted at 0.56 GMACs (e.g. thop's 556.65M, BatchNorm included).
  void resnet18MatchesPublishedCifarCost() {
    const double macs = tb::CifarResNet18::facts({3, 32, 32}).forwardFlops() / 2;
    QVERIFY2(std::abs(macs - 556.65e6) < 0.01 * 556.65e6, qPrintable(QString::number(macs)));
  }

  // Every workload feeds achieved-TFLOPS figures, so none may be left without its FLOPs.
  void everyWorkloadHasTrainingFlops() {
    for (const auto& spec : tb::knownWorkloads()) {
      QVERIFY2(spec.flopsPerSample > 0, spec.name.c_str());
    }
    const auto resnet50 = tb::findWorkload("cifar10-resnet50");
    QVERIFY(resnet50.has_value());
    const tb::ModelFacts facts = tb::KerasResNet50::facts({3, 32, 32});
    QCOMPARE(resnet50->flopsPerSample,
             3 * facts.forwardFlops() - facts.layers().front().forwardFlops);
  }
};

QTEST_GUILESS_MAIN(TestFlops)
#include "tst_flops.moc"
