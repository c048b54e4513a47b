// What front ends show about each workload, without pulling in LibTorch headers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tb {

struct WorkloadInfo {
  std::string name;         // "fashion-mlp"
  std::string title;        // "Fashion-MNIST MLP — seed script 1"
  std::string description;
  std::string dataset;       // "fashion-mnist"
  std::string datasetTitle;  // "Fashion-MNIST"
  int defaultEpochs = 10;
  int defaultBatchSize = 32;
  double learningRate = 1e-3;
  std::int64_t parameters = 0;
  double flopsPerSample = 0.0;  // analytic training FLOPs per sample; 0: not known
};

std::vector<WorkloadInfo> workloadCatalog();

}  // namespace tb
