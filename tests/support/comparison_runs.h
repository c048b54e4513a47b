// Comparison fixtures shared by tst_comparison and tst_comparison_groups: runs of the seed's sizes,
// repeats of one configuration, and small text helpers.
#pragma once

#include "results/comparison_groups.h"

#include "run_result_builder.h"

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

namespace tbtest {

inline std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

inline int count(const std::string& text, char c) {
  return static_cast<int>(std::count(text.begin(), text.end(), c));
}

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

inline constexpr const char* kFashionFull = "fashion-mlp, 60000/10000 images x 10 epochs, batch 32";
inline constexpr const char* kCifarFull = "cifar10-resnet50, 50000/10000 images x 10 epochs, batch 32";
inline constexpr const char* kFashionTrial = "fashion-mlp, 6000/1000 images x 1 epoch, batch 32";

// A run of the seed MLP's full size (the article's): 60000/10000 images x 10 epochs, batch 32.
inline RunResultBuilder fullRun(const std::string& device, double totalSeconds,
                                 double steadySamplesPerSecond = 6000.0,
                                 const std::string& host = "bench-a") {
  RunResultBuilder run;
  run.workload("fashion-mlp", "fashion-mnist").dataSource("files").samples(60000, 10000);
  run.plannedEpochs(10).batchSize(32).threads(8).precision("fp32");
  run.device(device, device == "cpu" ? "AMD EPYC 7B13" : "NVIDIA H200").host(host);
  run.created("2026-12-02T10:31:00Z");
  for (int e = 0; e < 10; ++e) run.epoch(totalSeconds / 10, 600000.0 / totalSeconds);
  run.steadyState(steadySamplesPerSecond).test(0.4, 0.88).totalSeconds(totalSeconds);
  return run;
}

// The seed's ResNet-50 at its full size: 50000/10000 images x 10 epochs, batch 32.
inline RunResultBuilder cifarRun(const std::string& device, double totalSeconds) {
  RunResultBuilder run = fullRun(device, totalSeconds, 25.0);
  run.workload("cifar10-resnet50", "cifar10").samples(50000, 10000);
  return run;
}

// A quick trial of the MLP: a tenth of the images, one epoch.
inline RunResultBuilder trialRun(const std::string& device, double totalSeconds) {
  RunResultBuilder run = fullRun(device, totalSeconds);
  run.samples(6000, 1000).plannedEpochs(1);
  return run;
}

// `runs` repeats of fullRun(device) with these totals, each created a minute after the last.
inline std::vector<tb::RunResult> repeats(const std::string& device, const std::vector<double>& totals,
                               const std::string& host = "bench-a") {
  std::vector<tb::RunResult> runs;
  for (std::size_t i = 0; i < totals.size(); ++i) {
    runs.push_back(fullRun(device, totals[i], 60000.0 / totals[i], host)
                       .created("2026-12-02T10:3" + std::to_string(i) + ":00Z")
                       .group("20261202T103000Z-0badc0de"));
  }
  return runs;
}

// Every row of a comparison, in the order printed.
inline std::vector<tb::ComparisonRow> allRows(const std::vector<tb::ComparisonGroup>& groups) {
  std::vector<tb::ComparisonRow> rows;
  for (const auto& group : groups) rows.insert(rows.end(), group.rows.begin(), group.rows.end());
  return rows;
}

}  // namespace tbtest
