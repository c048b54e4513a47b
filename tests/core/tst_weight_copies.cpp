// bf16 copies of the linear and convolution weights (engine/weight_copies.h): a bf16 step on
// them trains bit for bit the weights and losses that autocast's per-weight casts train, and
// makes two casts fewer per weight. Which parameters are copied, and when none are.
#include "data/dataset_registry.h"
#include "data/synthetic.h"
#include "engine/epoch_stats.h"
#include "engine/keras_adam.h"
#include "engine/train_step.h"
#include "engine/weight_copies.h"
#include "models/workload.h"

#include <torch/torch.h>

#include <QtTest>

#include <algorithm>
#include <atomic>
#include <cstring>

using namespace tb;

namespace {

constexpr std::int64_t kBatch = 16;
constexpr std::int64_t kImages = 64;
constexpr int kSteps = 6;

std::atomic<int> g_casts{0};

std::unique_ptr<at::ObserverContext> countCast(const at::RecordFunction& function) {
  if (std::strcmp(function.name(), "aten::_to_copy") == 0) ++g_casts;
  return nullptr;
}

// A workload's model trained kSteps bf16 steps on the CPU, with or without bf16 copies.
struct Bf16Training {
  std::shared_ptr<Classifier> model;
  std::vector<torch::Tensor> copied;
  std::unique_ptr<KerasAdam> optimizer;
  double meanLoss = 0.0;
  int castsInLastStep = 0;

  Bf16Training(const std::string& workloadName, bool withCopies) {
    const auto workload = findWorkload(workloadName);
    const auto dataset = findDataset(workload->dataset);
    const auto data = makeSyntheticDataset(dataset->shape, kImages, 1, dataset->numClasses, 5).train;
    torch::manual_seed(7);
    model = workload->makeModel();
    if (withCopies) copied = bf16CopiedParameters(*model, Precision::Bf16, torch::kCPU, false);
    optimizer = std::make_unique<KerasAdam>(model->parameters(), KerasAdamOptions{}, kSteps, copied);
    TrainStepParts parts;
    parts.model = model.get();
    parts.optimizer = optimizer.get();
    parts.parameters = model->parameters();
    parts.images = normalised(data.images);
    parts.labels = data.labels;
    parts.batchSize = kBatch;
    parts.precision = Precision::Bf16;
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

class TestWeightCopies : public QObject {
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
    const Bf16Training autocast(workload.toStdString(), false);
    const Bf16Training copies(workload.toStdString(), true);
    QVERIFY(!autocast.optimizer->keepsBf16Copies());
    QVERIFY(copies.optimizer->keepsBf16Copies());
    QVERIFY(!copies.copied.empty());

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
    const int copied = static_cast<int>(copies.copied.size());
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
    const auto copied = bf16CopiedParameters(*model, Precision::Bf16, torch::kCPU, false);
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

  void noCopiesWhereAutocastDoesNotCast() {
    const auto model = findWorkload("fashion-mlp")->makeModel();
    QVERIFY(bf16CopiedParameters(*model, Precision::Fp32, torch::kCPU, false).empty());
    QVERIFY(bf16CopiedParameters(*model, Precision::Bf16, torch::kCPU, /*dataParallel=*/true).empty());
    QVERIFY(bf16CopiedParameters(*model, Precision::Bf16, torch::Device(torch::kMPS), false).empty());
  }
};

QTEST_GUILESS_MAIN(TestWeightCopies)
#include "tst_weight_copies.moc"
