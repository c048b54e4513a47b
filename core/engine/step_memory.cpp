// measureStepMemory, stepMemoryProblem (step_memory.h).
#include "engine/step_memory.h"

#include "data/dataset.h"
#include "data/dataset_registry.h"
#include "engine/run_data.h"
#include "machine/cpu_budget.h"
#include "models/classifier.h"
#include "models/workload.h"
#include "results/table_text.h"

#include <ATen/CPUGeneratorImpl.h>
#include <c10/core/Allocator.h>
#include <c10/util/ThreadLocalDebugInfo.h>
#include <torch/torch.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <optional>

namespace tb {

namespace {

// The two batches measured: BatchNorm needs two images where its maps are 1x1, and a step
// larger than the smallest keeps the line's slope clear of per-step constants.
constexpr std::int64_t kSmallBatch = 4;
constexpr std::int64_t kLargeBatch = 8;

// The byte counts' types of LibTorch's report differ between its versions: taken from its own
// declaration, the override below compiles against each.
template <typename>
struct ReportSignature;
template <typename Owner, typename Size, typename Allocated, typename Reserved>
struct ReportSignature<void (Owner::*)(void*, Size, Allocated, Reserved, c10::Device)> {
  using AllocSize = Size;
  using TotalAllocated = Allocated;
  using TotalReserved = Reserved;
};
using Report = ReportSignature<decltype(&c10::MemoryReportingInfoBase::reportMemoryUsage)>;

// Told of every allocation and release of LibTorch's CPU allocator on this thread (and the
// autograd threads it hands work to), as the profiler's memory view is: the bytes live, and
// their peak since the last restart.
class PeakCounter final : public c10::MemoryReportingInfoBase {
 public:
  void reportMemoryUsage(void* /*pointer*/, Report::AllocSize bytes,
                         Report::TotalAllocated /*allocated*/, Report::TotalReserved /*reserved*/,
                         c10::Device device) override {
    if (!device.is_cpu()) return;
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_live += static_cast<double>(bytes);
    m_peak = std::max(m_peak, m_live);
  }
  bool memoryProfilingEnabled() const override { return true; }

  void restart() {
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_live = 0;
    m_peak = 0;
  }
  double peak() const {
    const std::lock_guard<std::mutex> lock(m_mutex);
    return m_peak;
  }

 private:
  mutable std::mutex m_mutex;
  double m_live = 0;
  double m_peak = 0;
};

// The fresh model's weights are drawn from torch's global generator: the run seeds it after, but
// a caller that seeded first must find it as it left it.
class GeneratorKept {
 public:
  GeneratorKept() : m_generator(at::detail::getDefaultCPUGenerator()) {
    const std::lock_guard<std::mutex> lock(m_generator.mutex());
    m_state = m_generator.get_state();
  }
  ~GeneratorKept() {
    const std::lock_guard<std::mutex> lock(m_generator.mutex());
    m_generator.set_state(m_state);
  }
  GeneratorKept(const GeneratorKept&) = delete;
  GeneratorKept& operator=(const GeneratorKept&) = delete;

 private:
  at::Generator m_generator;
  at::Tensor m_state;
};

// The peak bytes of one step of `batch` blank images, from no gradients, as the run's first.
double stepPeak(Classifier& model, std::int64_t batch, const ImageShape& shape,
                PeakCounter& counter) {
  for (auto& parameter : model.parameters()) parameter.mutable_grad().reset();
  counter.restart();
  const auto images = torch::zeros({batch, shape.channels, shape.height, shape.width});
  const auto labels = torch::zeros({batch}, torch::kLong);
  const auto loss = torch::nn::functional::cross_entropy(model.forward(images), labels);
  loss.backward();
  return counter.peak();
}

double parameterBytes(const Classifier& model) {
  double bytes = 0;
  for (const auto& parameter : model.parameters()) bytes += static_cast<double>(parameter.nbytes());
  return bytes;
}

// Elements, for bytes counted by the caller's type; none for the tensors a rank does not hold.
double tensorElements(const torch::Tensor& tensor) {
  return tensor.defined() ? static_cast<double>(tensor.numel()) : 0.0;
}

double gib(double bytes) { return bytes / (1024.0 * 1024.0 * 1024.0); }

}  // namespace

StepMemory measureStepMemory(const WorkloadSpec& workload) {
  const auto dataset = findDataset(workload.dataset);
  if (!dataset) return {};
  double weights = 0;
  double small = 0;
  double large = 0;
  {
    // Counted from the model's making to its release: LibTorch's reporter knows the size of what
    // it saw allocated only (and warns on stderr of a release it did not), and forgets an
    // allocation only while it counts.
    const auto counter = std::make_shared<PeakCounter>();
    const c10::DebugInfoGuard reporting(c10::DebugInfoKind::PROFILER_STATE, counter);
    std::shared_ptr<Classifier> model;
    {
      const GeneratorKept kept;
      model = workload.makeModel();
    }
    model->train();
    weights = parameterBytes(*model);
    small = stepPeak(*model, kSmallBatch, dataset->shape, *counter);
    large = stepPeak(*model, kLargeBatch, dataset->shape, *counter);
    model.reset();
  }
  StepMemory memory;
  memory.bytesPerImage = std::max(0.0, (large - small) / (kLargeBatch - kSmallBatch));
  // The weights were made before the measured steps, and the optimiser's two moments per weight
  // are made at its first step.
  memory.fixedBytes = std::max(0.0, small - memory.bytesPerImage * kSmallBatch) + 3 * weights;
  return memory;
}

std::string stepMemoryProblem(const StepMemory& memory, std::int64_t batch, double heldBytes,
                              double usableBytes, const std::string& usableName,
                              std::int64_t smallestBatch) {
  const double need = memory.bytesFor(batch);
  if (memory.bytesPerImage <= 0 || heldBytes + need <= usableBytes) return {};
  const double room = usableBytes - heldBytes - memory.fixedBytes;
  // One the workload cannot train (BatchNorm's two images) is none.
  const auto most = room > 0 ? static_cast<std::int64_t>(room / memory.bytesPerImage) : 0;
  const std::int64_t fits = most >= std::max<std::int64_t>(smallestBatch, 1) ? most : 0;
  std::string text = "--batch-size: a training step of " + std::to_string(batch) +
                     " images needs about " + table::fixed(gib(need), 1) + " GiB";
  if (heldBytes > 0) text += " beside the data's " + table::fixed(gib(heldBytes), 1) + " GiB";
  text += ", more than " + usableName + "; ";
  text += fits > 0 ? "a batch of at most " + std::to_string(fits) + " fits"
                   : "no batch fits beside the data (a smaller --train-limit leaves room)";
  return text;
}

std::string stepMemoryWarning(const StepMemory& memory, std::int64_t batch, double availableBytes) {
  const double need = memory.bytesFor(batch);
  if (memory.bytesPerImage <= 0 || need <= availableBytes) return {};
  return "a training step of " + std::to_string(batch) + " images needs about " +
         table::fixed(gib(need), 1) + " GiB of memory, more than the " +
         table::fixed(gib(std::max(0.0, availableBytes)), 1) +
         " GiB free when the run started: the system may have moved memory to disk, which " +
         "slows the steps it times. Close other programs or train a smaller --batch-size.";
}

double heldDataBytes(const DatasetSplits& data) {
  return tensorElements(data.train.images) * sizeof(float) + tensorElements(data.test.images) +
         (tensorElements(data.train.labels) + tensorElements(data.test.labels)) *
             sizeof(std::int64_t);
}

std::string cpuStepMemoryProblem(const WorkloadSpec& workload, std::int64_t batch,
                                 const DatasetSplits& data) {
  const std::optional<double> usable = usableMemoryBytes();
  if (!usable) return {};
  return stepMemoryProblem(measureStepMemory(workload), batch, heldDataBytes(data), *usable,
                           usableMemoryName(*usable), workload.minimumBatch);
}

}  // namespace tb
