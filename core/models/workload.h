// The training workloads TrainBench runs: a model, its dataset and the seed script's settings.
#pragma once

#include "models/classifier.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tb {

struct WorkloadSpec {
  std::string name;         // "fashion-mlp"
  std::string title;        // "Fashion-MNIST MLP — seed script 1"
  std::string description;  // one line for lists
  std::string dataset;      // a name from knownDatasets()
  int defaultEpochs = 10;
  int defaultBatchSize = 32;
  double learningRate = 1e-3;
  std::int64_t parameters = 0;  // trainable parameters of the model
  double flopsPerSample = 0.0;  // analytic training FLOPs per sample; 0: not known
  // Images a training step needs at least: 2 where a BatchNorm layer sees 1x1 maps (one image
  // gives it one value per channel, which training-mode BatchNorm refuses).
  std::int64_t minimumBatch = 1;
  // Builds the model with its initial weights, drawn from torch's global generator.
  std::function<std::shared_ptr<Classifier>()> makeModel;
};

const std::vector<WorkloadSpec>& knownWorkloads();
std::optional<WorkloadSpec> findWorkload(const std::string& name);
// "fashion-mlp, mnist-mlp, ...": the known workloads' names, for messages and help.
std::string workloadNames();

std::int64_t countTrainableParameters(const torch::nn::Module& module);

// Why `spec` cannot train in steps of `batch` images on `trainSamples` images (0: not known
// yet): a batch, or an epoch's last, partial step, below spec.minimumBatch. Empty when it can.
std::string batchProblem(const WorkloadSpec& spec, std::int64_t batch, std::int64_t trainSamples);

}  // namespace tb
