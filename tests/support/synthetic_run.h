// The tests' standard quick run: fashion-mlp on synthetic data, one CPU thread, telemetry every
// 0.1 s so that even a short run records samples.
#pragma once

#include "engine/run_config.h"

#include <cstdint>

namespace tbtest {

inline tb::RunConfig syntheticRun(int epochs, std::int64_t trainSamples,
                                  std::int64_t testSamples = 128) {
  tb::RunConfig config;
  config.workload = "fashion-mlp";
  config.synthetic = true;
  config.epochs = epochs;
  config.trainLimit = trainSamples;
  config.testLimit = testSamples;
  config.threads = 1;
  config.telemetryIntervalSeconds = 0.1;
  return config;
}

}  // namespace tbtest
