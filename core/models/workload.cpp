#include "models/workload.h"

#include "data/dataset_registry.h"
#include "models/cifar_workloads.h"
#include "models/fashion_mlp.h"
#include "models/flops.h"
#include "models/workload_catalog.h"

namespace tb {

namespace {

WorkloadSpec mlpWorkload(std::string name, std::string title, std::string description,
                         std::string dataset) {
  WorkloadSpec spec;
  spec.name = std::move(name);
  spec.title = std::move(title);
  spec.description = std::move(description);
  spec.dataset = std::move(dataset);
  spec.defaultEpochs = 10;     // fit(..., epochs=10)
  spec.defaultBatchSize = 32;  // Keras's fit default
  spec.learningRate = 1e-3;    // Keras Adam default
  spec.makeModel = [] { return std::make_shared<FashionMlp>(); };
  spec.parameters = countTrainableParameters(*spec.makeModel());
  spec.flopsPerSample =
      denseStackFacts({FashionMlp::kInputs, FashionMlp::kHidden, FashionMlp::kClasses})
          .trainingFlops();
  return spec;
}

std::vector<WorkloadSpec> buildWorkloads() {
  std::vector<WorkloadSpec> workloads;
  workloads.push_back(mlpWorkload(
      "fashion-mlp", "Fashion-MNIST MLP \xE2\x80\x94 seed script 1",
      "Flatten -> Dense(128, relu) -> Dense(10), Adam, batch 32, 10 epochs", "fashion-mnist"));
  workloads.push_back(mlpWorkload("mnist-mlp", "MNIST MLP",
                                  "The seed's MLP on handwritten digits", "mnist"));
  for (auto& spec : cifarWorkloads()) workloads.push_back(std::move(spec));
  return workloads;
}

}  // namespace

const std::vector<WorkloadSpec>& knownWorkloads() {
  static const std::vector<WorkloadSpec> workloads = buildWorkloads();
  return workloads;
}

std::string workloadNames() {
  std::string names;
  for (const auto& spec : knownWorkloads()) names += (names.empty() ? "" : ", ") + spec.name;
  return names;
}

std::string batchProblem(const WorkloadSpec& spec, std::int64_t batch, std::int64_t trainSamples) {
  const std::string needs = spec.name + "'s batch normalisation needs at least " +
                            std::to_string(spec.minimumBatch) + " images per training step";
  if (batch < spec.minimumBatch) {
    return "batch size (--batch-size) " + std::to_string(batch) + ": " + needs;
  }
  const std::int64_t last = batch > 0 && trainSamples > 0 ? trainSamples % batch : 0;
  if (last > 0 && last < spec.minimumBatch) {
    return std::to_string(trainSamples) + " training images in steps of " +
           std::to_string(batch) + " leave a last step of " + std::to_string(last) + " (" +
           needs + "): choose another training-image limit (--train-limit) or batch size "
           "(--batch-size)";
  }
  return {};
}

std::optional<WorkloadSpec> findWorkload(const std::string& name) {
  for (const auto& spec : knownWorkloads()) {
    if (spec.name == name) return spec;
  }
  return std::nullopt;
}

std::vector<WorkloadInfo> workloadCatalog() {
  std::vector<WorkloadInfo> catalog;
  for (const auto& spec : knownWorkloads()) {
    const auto dataset = findDataset(spec.dataset);
    catalog.push_back({spec.name, spec.title, spec.description, spec.dataset,
                       dataset ? dataset->title : spec.dataset, spec.defaultEpochs,
                       spec.defaultBatchSize, spec.learningRate, spec.parameters,
                       spec.flopsPerSample});
  }
  return catalog;
}

std::int64_t countTrainableParameters(const torch::nn::Module& module) {
  std::int64_t count = 0;
  for (const auto& parameter : module.parameters()) {
    if (parameter.requires_grad()) count += parameter.numel();
  }
  return count;
}

}  // namespace tb
