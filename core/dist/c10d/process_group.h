// Joins a data-parallel run on PyTorch's c10d: a TCP key-value store for the rendezvous and a
// Gloo process group for the collectives. Built only where LibTorch's c10d and Gloo headers are
// found (core/CMakeLists.txt: trainbench_dist); the rest of TrainBench never sees c10d.
#pragma once

#include "dist/launch_env.h"
#include "engine/gradient_exchange.h"

#include <chrono>
#include <cstddef>
#include <memory>
#include <stdexcept>

namespace tb {

struct JoinOptions {
  RankPlacement placement;
  // How long any rank waits for the others (rendezvous, every collective) before it gives up
  // with an error: a rank that died or hangs must not hang the rest forever.
  std::chrono::seconds timeout{300};
  // Gradients travel in flat buckets of about this many bytes: a few allreduce calls per step,
  // not one per tensor (PyTorch's DistributedDataParallel uses the same 25 MB default).
  std::size_t bucketBytes = std::size_t{25} << 20;
};

// A rank that cannot join, or a collective that fails or times out: the message names this rank,
// its host and the rendezvous.
class DistributedError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The ranks were started with settings that cannot make one run (different world sizes): a
// usage error, not a failure of the run.
class RankMismatchError : public DistributedError {
 public:
  using DistributedError::DistributedError;
};

// Connects this process as `options.placement.rank`; returns once every rank has joined.
std::shared_ptr<GradientExchange> joinRun(const JoinOptions& options);

}  // namespace tb
