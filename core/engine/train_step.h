// One training step: the one code path of a run (engine/trainer.h) and of the per-step time
// breakdown (engine/step_profile.h). It gathers the step's images, runs the forward pass and
// the loss under the run's precision, backward (loss-scaled for fp16), a data-parallel run's
// gradient exchange, Keras's Adam, and adds the loss and accuracy to the epoch's figures on the
// device.
//
// Graph-safe: a full step reads nothing on the host and passes the kernels no number that
// changes from step to step. The epoch's shuffled order is on the device and each step picks its
// batch with a step counter that also lives there; the batch is gathered into the same input
// buffer every step; the optimiser's step factor is indexed on the device
// (engine/keras_adam.h). So K consecutive full steps are the same kernels on the same memory, as
// a captured CUDA graph needs; the epoch's last, partial batch has shapes of its own. The
// epoch's order and figures (EpochStats::restart) stay in the same memory from epoch to epoch,
// so one capture serves the whole run (tests/core/tst_train_step.cpp checks all of this on
// the operator calls of steps in different epochs). fp16's loss scaling keeps its scale and
// overflow flag on the device too (engine/loss_scaler.h).
#pragma once

#include "engine/precision.h"
#include "engine/step_phase.h"

#include <torch/types.h>

#include <vector>

namespace tb {

class Classifier;
class EpochStats;
class GradientExchange;
class KerasAdam;
class LossScaler;

struct TrainStepParts {
  Classifier* model = nullptr;
  KerasAdam* optimizer = nullptr;
  std::vector<torch::Tensor> parameters;  // the model's, in the exchange's order
  // The training images on the device, normalised once (normalised()), as the seed scripts
  // divide the whole set by 255 before training: no step redoes it.
  torch::Tensor images;
  torch::Tensor labels;
  std::int64_t batchSize = 32;            // this rank's
  Precision precision = Precision::Fp32;
  torch::Device device{torch::kCPU};
  LossScaler* scaler = nullptr;           // fp16 only
  GradientExchange* exchange = nullptr;   // data-parallel only
};

class TrainStep {
 public:
  explicit TrainStep(TrainStepParts parts);

  // A new epoch: `order` is its shuffled order of all training images, on the device. Full steps
  // take its batches in turn (a data-parallel rank its own part of each step's images);
  // `stats` gathers the epoch's loss and accuracy. Returns the epoch's full steps.
  std::int64_t startEpoch(const torch::Tensor& order, EpochStats& stats);
  // Trains the epoch's next full batch.
  void runFull(PhaseObserver* phases = nullptr);
  // Trains step `step` (0-based) of the epoch on the images `indices`: the last, partial batch.
  void runPartial(std::int64_t step, const torch::Tensor& indices, PhaseObserver* phases = nullptr);

  KerasAdam& optimizer() const { return *m_parts.optimizer; }

 private:
  // Forward, loss, backward, exchange and optimiser on a gathered batch; the batch's mean loss
  // and its logits.
  std::pair<torch::Tensor, torch::Tensor> train(const torch::Tensor& input,
                                                const torch::Tensor& labels, PhaseObserver* phases);

  TrainStepParts m_parts;
  torch::Tensor m_batches;     // the epoch's full batches, [steps, batch] indices
  torch::Tensor m_stepIndex;   // the step counter on the device (long, shape [1])
  torch::Tensor m_input;       // the step's images
  torch::Tensor m_labelBuffer;
  EpochStats* m_stats = nullptr;
};

// uint8 images as float in [0, 1], as the seed scripts divide by 255.
torch::Tensor normalised(const torch::Tensor& images);

}  // namespace tb
