// CIFAR-10 workload specs. Parameter counts and FLOPs come from each model's analytic facts, so
// listing workloads builds no model (ResNet-50 alone would allocate ~90 MB); tests check the facts
// against the built models.
#include "models/cifar_workloads.h"

#include "models/cifar_cnn.h"
#include "models/resnet18.h"
#include "models/resnet50.h"

namespace tb {
namespace {

constexpr const char* kDataset = "cifar10";
constexpr ImageShape kShape{3, 32, 32};
constexpr std::int64_t kClasses = 10;

WorkloadSpec spec(std::string name, std::string title, std::string description, int epochs,
                  int batchSize, const ModelFacts& facts) {
  WorkloadSpec spec;
  spec.name = std::move(name);
  spec.title = std::move(title);
  spec.description = std::move(description);
  spec.dataset = kDataset;
  spec.defaultEpochs = epochs;
  spec.defaultBatchSize = batchSize;
  spec.learningRate = 1e-3;  // Keras Adam's default; the engine trains with Adam
  spec.parameters = facts.parameters();
  spec.flopsPerSample = facts.trainingFlops();
  return spec;
}

}  // namespace

std::vector<WorkloadSpec> cifarWorkloads() {
  std::vector<WorkloadSpec> workloads;

  // The seed's script 2: fit(epochs=10) with Keras's default batch of 32.
  workloads.push_back(spec("cifar10-resnet50", "CIFAR-10 ResNet-50 \xE2\x80\x94 seed script 2",
                           "keras.applications.ResNet50 from scratch, Adam, batch 32, 10 epochs",
                           10, 32, KerasResNet50::facts(kShape, kClasses)));
  workloads.back().makeModel = [] { return std::make_shared<KerasResNet50>(kClasses); };
  // Its last stage works on 1x1 maps of CIFAR's 32x32 images.
  workloads.back().minimumBatch = 2;

  // The recipes train it with batch 128; 10 epochs of Adam keep it a benchmark, not a week.
  workloads.push_back(spec("cifar10-resnet18", "CIFAR-10 ResNet-18",
                           "The common CIFAR ResNet-18 (3x3 stem, no max-pool), Adam, batch 128",
                           10, 128, CifarResNet18::facts(kShape, kClasses)));
  workloads.back().makeModel = [] { return std::make_shared<CifarResNet18>(kClasses); };

  // TensorFlow's CNN tutorial: fit(epochs=10), default batch 32.
  workloads.push_back(spec("cifar10-cnn", "CIFAR-10 small CNN",
                           "3 conv + 2 dense layers (TensorFlow's CNN tutorial), trains in minutes",
                           10, 32, CifarCnn::facts(kShape, kClasses)));
  workloads.back().makeModel = [] { return std::make_shared<CifarCnn>(kShape, kClasses); };

  return workloads;
}

}  // namespace tb
