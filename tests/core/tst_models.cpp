// Tests for the workload models: Keras's exact parameter counts for ResNet-50, output shapes,
// analytic facts matching the built modules layer by layer, and one training step that learns.
#include "data/dataset_registry.h"
#include "data/synthetic.h"
#include "engine/keras_adam.h"
#include "models/cifar_cnn.h"
#include "models/resnet18.h"
#include "models/resnet50.h"
#include "models/workload.h"
#include "models/workload_catalog.h"
#include "results/comparison.h"

#include <torch/torch.h>

#include <QtTest>

#include <cmath>
#include <functional>
#include <memory>

namespace {

const tb::ImageShape kCifarShape{3, 32, 32};

// BatchNorm running means and variances: Keras's "non-trainable params".
std::int64_t runningStatistics(const torch::nn::Module& module) {
  std::int64_t count = 0;
  for (const auto& buffer : module.named_buffers()) {
    const std::string& name = buffer.key();
    if (name.find("running_mean") != std::string::npos ||
        name.find("running_var") != std::string::npos) {
      count += buffer.value().numel();
    }
  }
  return count;
}

// Trainable values under the module path `prefix` (e.g. "conv2_block1.0_conv").
std::int64_t parametersUnder(const torch::nn::Module& module, const std::string& prefix) {
  std::int64_t count = 0;
  for (const auto& parameter : module.named_parameters()) {
    if (parameter.key().rfind(prefix + ".", 0) == 0) count += parameter.value().numel();
  }
  return count;
}

struct ModelCase {
  std::function<std::shared_ptr<tb::Classifier>()> make;
  std::function<tb::ModelFacts()> facts;
};

ModelCase modelCase(const QString& name) {
  if (name == QLatin1String("resnet50")) {
    return {[] { return std::make_shared<tb::KerasResNet50>(); },
            [] { return tb::KerasResNet50::facts(kCifarShape); }};
  }
  if (name == QLatin1String("resnet18")) {
    return {[] { return std::make_shared<tb::CifarResNet18>(); },
            [] { return tb::CifarResNet18::facts(kCifarShape); }};
  }
  return {[] { return std::make_shared<tb::CifarCnn>(); },
          [] { return tb::CifarCnn::facts(kCifarShape); }};
}

}  // namespace

class TestModels : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { at::set_num_threads(2); }

  // The seed quotes Keras's summary: 23 555 082 trainable, 23 608 202 in all; any other count
  // means the port is not the seed's network.
  void resnet50HasKerasParameterCounts() {
    torch::manual_seed(1);
    const tb::KerasResNet50 model;
    QCOMPARE(tb::countTrainableParameters(model), std::int64_t{23555082});
    QCOMPARE(runningStatistics(model), std::int64_t{53120});
  }

  // Keras's details that change training: BN epsilon 1.001e-5 and momentum 0.99 (0.01 here),
  // every conv with a zero bias and a Glorot-uniform kernel, the stride on the first 1x1 conv.
  void resnet50FollowsKerasLayers() {
    torch::manual_seed(2);
    tb::KerasResNet50 model;
    int convs = 0;
    int norms = 0;
    for (const auto& item : model.named_modules(/*name_prefix=*/"", /*include_self=*/false)) {
      if (const auto* conv = dynamic_cast<const torch::nn::Conv2dImpl*>(item.value().get())) {
        ++convs;
        QVERIFY2(conv->bias.defined(), item.key().c_str());
        QCOMPARE(conv->bias.abs().max().item<float>(), 0.0f);
        const auto& w = conv->weight;
        const double fans =
            static_cast<double>(w.size(1) + w.size(0)) * static_cast<double>(w.size(2) * w.size(3));
        const double limit = std::sqrt(6.0 / fans);
        QVERIFY2(w.abs().max().item<double>() <= limit * (1 + 1e-6),
                 item.key().c_str());  // float rounding
        // Uniform on [-limit, limit] has standard deviation limit / sqrt(3).
        if (w.numel() >= 4096) {
          QVERIFY2(std::abs(w.std().item<double>() * std::sqrt(3.0) / limit - 1) < 0.05,
                   item.key().c_str());
        }
      }
      if (const auto* bn = dynamic_cast<const torch::nn::BatchNorm2dImpl*>(item.value().get())) {
        ++norms;
        QCOMPARE(bn->options.eps(), 1.001e-5);
        QCOMPARE(bn->options.momentum().value_or(-1), 0.01);
      }
    }
    QCOMPARE(convs, 53);  // stem + 16 blocks x 3 + 4 projections
    QCOMPARE(norms, 53);
    const auto stride = [&](const std::string& path) {
      auto* conv = model.named_modules("", false)[path]->as<torch::nn::Conv2d>();
      return conv->options.stride()->at(0);
    };
    QCOMPARE(stride("conv1_conv"), std::int64_t{2});
    QCOMPARE(stride("conv2_block1.1_conv"), std::int64_t{1});
    QCOMPARE(stride("conv3_block1.0_conv"), std::int64_t{2});
    QCOMPARE(stride("conv3_block1.1_conv"), std::int64_t{2});
    QCOMPARE(stride("conv3_block1.2_conv"), std::int64_t{1});
    QCOMPARE(stride("conv5_block1.1_conv"), std::int64_t{2});
  }

  // The common CIFAR ResNet-18 and the tutorial CNN have well-known sizes.
  void companionModelsHaveKnownSizes() {
    QCOMPARE(tb::countTrainableParameters(tb::CifarResNet18()), std::int64_t{11173962});
    QCOMPARE(tb::countTrainableParameters(tb::CifarCnn()), std::int64_t{122570});
  }

  void outputsAreLogitsPerImage_data() {
    QTest::addColumn<QString>("model");
    QTest::newRow("resnet50") << "resnet50";
    QTest::newRow("resnet18") << "resnet18";
    QTest::newRow("cnn") << "cnn";
  }
  // The engine needs (N, 10) logits in training and in evaluation (BatchNorm's two modes).
  void outputsAreLogitsPerImage() {
    QFETCH(QString, model);
    torch::manual_seed(3);
    auto net = modelCase(model).make();
    const torch::Tensor images = torch::rand({3, 3, 32, 32});
    QCOMPARE(net->forward(images).sizes().vec(), (std::vector<std::int64_t>{3, 10}));
    net->eval();
    torch::NoGradGuard noGrad;
    const torch::Tensor logits = net->forward(images);
    QCOMPARE(logits.sizes().vec(), (std::vector<std::int64_t>{3, 10}));
    QVERIFY(torch::isfinite(logits).all().item<bool>());
  }

  void factsMatchBuiltModel_data() { outputsAreLogitsPerImage_data(); }
  // Parameter counts and FLOPs are listed from the analytic facts without building a model; they
  // must describe the built model exactly, layer by layer.
  void factsMatchBuiltModel() {
    QFETCH(QString, model);
    const ModelCase item = modelCase(model);
    const auto net = item.make();
    const tb::ModelFacts facts = item.facts();
    QCOMPARE(facts.parameters(), tb::countTrainableParameters(*net));
    QCOMPARE(facts.runningStatistics(), runningStatistics(*net));
    for (const auto& layer : facts.layers()) {
      QVERIFY2(parametersUnder(*net, layer.name) == layer.parameters, layer.name.c_str());
    }
  }

  // Users pick these by name; each must train on its dataset's shape with the seed's defaults.
  void cifarWorkloadsAreRegistered() {
    const auto cifar = tb::findDataset("cifar10");
    QVERIFY(cifar.has_value());
    QCOMPARE(cifar->shape.channels, std::int64_t{3});
    QCOMPARE(cifar->trainSamples, std::int64_t{50000});
    QCOMPARE(cifar->testSamples, std::int64_t{10000});
    const auto resnet = tb::findWorkload("cifar10-resnet50");
    QVERIFY(resnet.has_value());
    QCOMPARE(QString::fromStdString(resnet->dataset), QStringLiteral("cifar10"));
    QCOMPARE(resnet->defaultEpochs, 10);
    QCOMPARE(resnet->defaultBatchSize, 32);
    QCOMPARE(resnet->learningRate, 1e-3);
    QCOMPARE(resnet->parameters, std::int64_t{23555082});
    for (const char* name : {"cifar10-resnet18", "cifar10-cnn", "mnist-mlp"}) {
      QVERIFY2(tb::findWorkload(name).has_value(), name);
    }
    // The GUI's list shows the dataset's title.
    bool listed = false;
    for (const auto& info : tb::workloadCatalog()) {
      if (info.name != "cifar10-cnn") continue;
      listed = true;
      QCOMPARE(QString::fromStdString(info.datasetTitle), QStringLiteral("CIFAR-10"));
      QCOMPARE(info.parameters, std::int64_t{122570});
    }
    QVERIFY(listed);
  }

  // The article's published ResNet-50 times join a run's comparison by workload name.
  void publishedReferencesNameWorkloads() {
    int resnet = 0;
    for (const auto& reference : tb::publishedReferences()) {
      QVERIFY2(tb::findWorkload(reference.workload).has_value(), reference.workload.c_str());
      if (reference.workload == "cifar10-resnet50") ++resnet;
    }
    QCOMPARE(resnet, 2);
  }

  void trainingStepLowersLoss_data() {
    QTest::addColumn<QString>("workload");
    QTest::newRow("resnet50") << "cifar10-resnet50";
    QTest::newRow("cnn") << "cifar10-cnn";
  }
  // One Adam step on a few synthetic images must lower their loss: gradients flow through every
  // block and the model's output is what cross-entropy expects.
  void trainingStepLowersLoss() {
    QFETCH(QString, workload);
    const auto spec = tb::findWorkload(workload.toStdString());
    QVERIFY(spec.has_value());
    const auto data = tb::makeSyntheticDataset(kCifarShape, 16, 0, 10, 7);
    const torch::Tensor images = data.train.images.to(torch::kFloat).div(255.0);
    torch::manual_seed(4);
    auto model = spec->makeModel();
    model->train();
    tb::KerasAdam optimizer(model->parameters());
    const auto loss = [&] {
      return torch::nn::functional::cross_entropy(model->forward(images), data.train.labels);
    };
    const torch::Tensor before = loss();
    optimizer.zeroGrad();
    before.backward();
    optimizer.step();
    const double after = loss().item<double>();
    QVERIFY2(after < before.item<double>(),
             qPrintable(QStringLiteral("%1 -> %2").arg(before.item<double>()).arg(after)));
  }
};

QTEST_GUILESS_MAIN(TestModels)
#include "tst_models.moc"
