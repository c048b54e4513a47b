// How the optimiser lays the weights out (engine/weight_layout.h). bf16 copies of the linear and
// convolution weights train bit for bit what autocast's per-weight casts train, with two casts
// fewer per weight and step. Channels-last kernels train what contiguous ones train, up to
// rounding. Which layout each device and precision gets.
#include "data/dataset_registry.h"
#include "data/synthetic.h"
#include "engine/epoch_stats.h"
#include "engine/keras_adam.h"
#include "engine/train_step.h"
#include "engine/weight_layout.h"
#include "models/workload.h"

#include <torch/torch.h>

#include <QtTest>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <functional>

using namespace tb;

Q_DECLARE_METATYPE(tb::Precision)

namespace {

constexpr std::int64_t kBatch = 16;
constexpr std::int64_t kImages = 64;
constexpr int kSteps = 6;

std::atomic<int> g_casts{0};

std::unique_ptr<at::ObserverContext> countCast(const at::RecordFunction& function) {
  if (std::strcmp(function.name(), "aten::_to_copy") == 0) ++g_casts;
  return nullptr;
}

using LayoutFor = std::function<WeightLayout(const Classifier& model)>;

WeightLayout copiesOnly(const Classifier& model) {
  WeightLayout layout;
  layout.bf16Copies = weightLayoutFor(model, Precision::Bf16, torch::kCPU, false).bf16Copies;
  return layout;
}

// A workload's model trained kSteps steps on the CPU in `precision`, its weights laid out by
// `layoutFor` (none: each parameter as it is).
struct Training {
  std::shared_ptr<Classifier> model;
  WeightLayout layout;
  std::unique_ptr<KerasAdam> optimizer;
  double meanLoss = 0.0;
  int castsInLastStep = 0;

  Training(const std::string& workloadName, Precision precision, const LayoutFor& layoutFor) {
    const auto workload = findWorkload(workloadName);
    const auto dataset = findDataset(workload->dataset);
    const auto data = makeSyntheticDataset(dataset->shape, kImages, 1, dataset->numClasses, 5).train;
    torch::manual_seed(7);
    model = workload->makeModel();
    if (layoutFor) layout = layoutFor(*model);
    optimizer = std::make_unique<KerasAdam>(model->parameters(), KerasAdamOptions{}, kSteps, layout);
    TrainStepParts parts;
    parts.model = model.get();
    parts.optimizer = optimizer.get();
    parts.parameters = model->parameters();
    parts.images = normalised(data.images);
    parts.labels = data.labels;
    parts.batchSize = kBatch;
    parts.precision = precision;
    TrainStep step(parts);
    torch::manual_seed(11);
    EpochStats stats(kImages, kBatch, torch::kCPU);
    for (int s = 0; s < kSteps; ++s) {
      if (s % (kImages / kBatch) == 0) step.startEpoch(torch::randperm(kImages, torch::kLong), stats);
      if (s + 1 < kSteps) {
        step.runFull();
        continue;
      }
      g_casts = 0;
      const auto handle = at::addGlobalCallback(
          at::RecordFunctionCallback(countCast).scopes({at::RecordScope::FUNCTION}));
      step.runFull();
      at::removeCallback(handle);
      castsInLastStep = g_casts;
    }
    meanLoss = stats.meanLoss(kSteps - kImages / kBatch);
  }
};

}  // namespace

class TestWeightLayout : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { at::set_num_threads(1); }

  void copiesTrainWhatAutocastTrains_data() {
    QTest::addColumn<QString>("workload");
    QTest::newRow("linear layers") << QStringLiteral("fashion-mlp");
    QTest::newRow("convolutions") << QStringLiteral("cifar10-cnn");
  }
  void copiesTrainWhatAutocastTrains() {
    QFETCH(QString, workload);
    const Training autocast(workload.toStdString(), Precision::Bf16, {});
    const Training copies(workload.toStdString(), Precision::Bf16, copiesOnly);
    QVERIFY(!autocast.optimizer->keepsBf16Copies());
    QVERIFY(copies.optimizer->keepsBf16Copies());
    QVERIFY(!copies.layout.bf16Copies.empty());

    const auto expected = autocast.model->parameters();
    const auto& weights = copies.optimizer->weights();
    const auto modelReads = copies.model->parameters();
    QCOMPARE(weights.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
      QCOMPARE(weights[i].scalar_type(), torch::kFloat);
      QVERIFY2(torch::equal(weights[i], expected[i]), qPrintable(QString::number(i)));
      // The model reads the copy of the weight after the last step.
      QVERIFY(torch::equal(modelReads[i].to(torch::kFloat),
                           expected[i].to(modelReads[i].scalar_type()).to(torch::kFloat)));
    }
    QCOMPARE(copies.meanLoss, autocast.meanLoss);

    // Autocast casts each copied weight in the forward pass and widens its gradient in backward.
    const int copied = static_cast<int>(copies.layout.bf16Copies.size());
    qInfo("casts per step: %d with copies, %d without; %d weights copied", copies.castsInLastStep,
          autocast.castsInLastStep, copied);
    QVERIFY2(copies.castsInLastStep + 2 * copied <= autocast.castsInLastStep,
             qPrintable(QStringLiteral("%1 casts with copies, %2 without, %3 weights copied")
                            .arg(copies.castsInLastStep)
                            .arg(autocast.castsInLastStep)
                            .arg(copied)));
  }

  void onlyLinearAndConvolutionWeightsAreCopied() {
    const auto model = findWorkload("cifar10-resnet18")->makeModel();
    const auto copied = weightLayoutFor(*model, Precision::Bf16, torch::kCPU, false).bf16Copies;
    std::size_t expected = 0;
    for (const auto& module : model->modules(false)) {
      const bool layer = module->as<torch::nn::Linear>() || module->as<torch::nn::Conv2d>();
      for (const auto& parameter : module->parameters(false)) {
        const bool isCopied = std::any_of(copied.begin(), copied.end(),
                                          [&](const torch::Tensor& c) { return c.is_same(parameter); });
        QCOMPARE(isCopied, layer);  // batch normalisation stays fp32, as autocast leaves it
        expected += layer ? 1 : 0;
      }
    }
    QCOMPARE(copied.size(), expected);
    QVERIFY(expected > 0);
  }

  void channelsLastTrainsWhatContiguousKernelsTrain_data() {
    QTest::addColumn<Precision>("precision");
    QTest::newRow("fp32") << Precision::Fp32;
    QTest::newRow("bf16") << Precision::Bf16;
  }
  void channelsLastTrainsWhatContiguousKernelsTrain() {
    QFETCH(Precision, precision);
    const Training contiguous("cifar10-cnn", precision, {});
    const Training channelsLast("cifar10-cnn", precision, [&](const Classifier& model) {
      WeightLayout layout = precision == Precision::Bf16 ? copiesOnly(model) : WeightLayout{};
      layout.channelsLast = true;
      return layout;
    });
    int kernels = 0;
    for (const auto& parameter : channelsLast.model->parameters()) {
      if (parameter.dim() != 4) continue;
      QVERIFY(parameter.is_contiguous(at::MemoryFormat::ChannelsLast));
      ++kernels;
    }
    QCOMPARE(kernels, 3);
    // The same training up to the convolutions' rounding: bf16 rounds each product's result.
    const double tolerance = precision == Precision::Bf16 ? 1e-2 : 1e-5;
    QVERIFY2(std::abs(channelsLast.meanLoss - contiguous.meanLoss) <= tolerance * contiguous.meanLoss,
             qPrintable(QStringLiteral("%1 against %2").arg(channelsLast.meanLoss).arg(contiguous.meanLoss)));
    // fp32: far closer than the learning rate (1e-3), by which a weight trained on another
    // weight's gradient would move. In bf16 the rounding can flip a small gradient's sign, and
    // Adam moves a weight by up to about the learning rate a step whatever the gradient's size:
    // at most 2 lr a step apart.
    const double apart = precision == Precision::Bf16 ? 2 * 1e-3 * kSteps : 1e-5;
    const auto expected = contiguous.model->parameters();
    const auto& weights = channelsLast.optimizer->weights();
    for (std::size_t i = 0; i < expected.size(); ++i) {
      const double difference = (weights[i] - expected[i]).abs().max().item<double>();
      QVERIFY2(difference <= apart, qPrintable(QStringLiteral("weight %1: %2").arg(i).arg(difference)));
    }
  }

  void eachDeviceAndPrecisionGetsItsLayout() {
    qunsetenv("TRAINBENCH_CHANNELS_LAST");
    const auto model = findWorkload("fashion-mlp")->makeModel();
    const torch::Device cpu(torch::kCPU);
    const torch::Device cuda(torch::kCUDA, 0);
    const torch::Device mps(torch::kMPS);
    // bf16 copies where autocast casts, and not for a data-parallel run.
    QVERIFY(weightLayoutFor(*model, Precision::Fp32, cpu, false).bf16Copies.empty());
    QCOMPARE(weightLayoutFor(*model, Precision::Bf16, cpu, false).bf16Copies.size(), std::size_t{4});
    QCOMPARE(weightLayoutFor(*model, Precision::Bf16, cuda, false).bf16Copies.size(), std::size_t{4});
    QVERIFY(weightLayoutFor(*model, Precision::Bf16, cpu, /*dataParallel=*/true).bf16Copies.empty());
    QVERIFY(weightLayoutFor(*model, Precision::Fp16, cuda, false).bf16Copies.empty());
    QVERIFY(weightLayoutFor(*model, Precision::Fp32, mps, false).bf16Copies.empty());
    // Channels-last on the CPU (measured faster there) and for bf16 on CUDA.
    QVERIFY(weightLayoutFor(*model, Precision::Fp32, cpu, false).channelsLast);
    QVERIFY(weightLayoutFor(*model, Precision::Bf16, cpu, false).channelsLast);
    QVERIFY(weightLayoutFor(*model, Precision::Bf16, cuda, false).channelsLast);
    QVERIFY(!weightLayoutFor(*model, Precision::Fp32, cuda, false).channelsLast);
    QVERIFY(!weightLayoutFor(*model, Precision::Fp32, mps, false).channelsLast);
    // $TRAINBENCH_CHANNELS_LAST decides, for comparing the two; other values are ignored.
    qputenv("TRAINBENCH_CHANNELS_LAST", "0");
    QVERIFY(!weightLayoutFor(*model, Precision::Fp32, cpu, false).channelsLast);
    qputenv("TRAINBENCH_CHANNELS_LAST", "1");
    QVERIFY(weightLayoutFor(*model, Precision::Fp32, cuda, false).channelsLast);
    qputenv("TRAINBENCH_CHANNELS_LAST", "yes");
    QVERIFY(!weightLayoutFor(*model, Precision::Fp32, cuda, false).channelsLast);
    qunsetenv("TRAINBENCH_CHANNELS_LAST");
  }
};

QTEST_GUILESS_MAIN(TestWeightLayout)
#include "tst_weight_layout.moc"
