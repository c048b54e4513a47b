// The memory a training step takes on the CPU, measured, so that a batch the machine cannot hold
// is refused with a message naming --batch-size. Past the memory the system kills the process
// without a word: the CLI's run, or the app itself, which trains a single device in its own
// process, and nothing of the run is saved.
#pragma once

#include <cstdint>
#include <string>

namespace tb {

struct DatasetSplits;
struct WorkloadSpec;

struct StepMemory {
  // What a step holds whatever its batch: the weights, their gradients, the optimiser's two
  // moments, the kernels' workspaces.
  double fixedBytes = 0;
  // The activations the forward pass keeps for the backward pass, and their gradients.
  double bytesPerImage = 0;

  double bytesFor(std::int64_t batch) const {
    return fixedBytes + bytesPerImage * static_cast<double>(batch);
  }
};

// Trains two small steps of a fresh model of `workload` on the CPU and counts the bytes
// LibTorch's allocator holds at their peaks: a line through the two. The model is not the run's
// (its weights and BatchNorm statistics stay as they were) and torch's global generator is left
// as it was. A fraction of a second for ResNet-50.
//
// In fp32 for a bf16 run too: bf16's convolutions (oneDNN's) hold memory LibTorch's allocator
// does not report, so counting a bf16 step gave ResNet-50 0.51 MiB an image where the process
// grew 1.02 MiB an image (peak RSS, batches 64 and 640); fp32's 1.26 MiB bounds it.
StepMemory measureStepMemory(const WorkloadSpec& workload);

// Why a step of `batch` images cannot train within `usableBytes` (the machine's memory, or its
// container's limit, named by `usableName`) beside the `heldBytes` the run already holds (its
// data): the need, and the largest batch that fits, if one of at least `smallestBatch` does.
// Empty when it fits.
std::string stepMemoryProblem(const StepMemory& memory, std::int64_t batch, double heldBytes,
                              double usableBytes, const std::string& usableName,
                              std::int64_t smallestBatch = 1);

// Why a step of `batch` images that the machine can hold (stepMemoryProblem) may still not have
// found its memory free: more than the `availableBytes` the system could give when the run
// started without moving other memory to disk, which slows the steps the run times, or stops
// it. The warning its result carries; empty when the step fits.
std::string stepMemoryWarning(const StepMemory& memory, std::int64_t batch, double availableBytes);

// The bytes a CPU run holds for `data`: the training images as the floats they are normalised
// into, the test images as bytes, the labels.
double heldDataBytes(const DatasetSplits& data);

// stepMemoryProblem for a CPU run about to train `data` in steps of `batch` images, within
// usableMemoryBytes(): the training images are held as the floats they are normalised into.
std::string cpuStepMemoryProblem(const WorkloadSpec& workload, std::int64_t batch,
                                 const DatasetSplits& data);

}  // namespace tb
