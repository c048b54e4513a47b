// Each figure times as many back-to-back calls as fit in the budget after a warm-up call (which
// picks kernels and touches the memory), with a device synchronisation before reading the clock.
#include "devices/peak_probe.h"

#include "devices/cuda_memory.h"
#include "devices/device_facts.h"
#include "devices/system_info.h"
#include "devices/torch_device.h"
#include "engine/precision.h"
#include "engine/precision_scope.h"

#include <torch/cuda.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>

namespace tb {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::int64_t kCpuMatrix = 1024;
constexpr std::int64_t kGpuMatrix = 8192;
constexpr std::int64_t kCpuCopyBytes = 128ll << 20;
constexpr std::int64_t kGpuCopyBytes = 1ll << 30;
constexpr std::int64_t kTrialMatrix = 256;  // small enough to be quick even without a fast path
constexpr double kSaneBf16Share = 0.5;      // bf16 below half the fp32 rate: no real bf16 path

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

bool cancelled(const std::atomic<bool>* cancel) { return cancel != nullptr && cancel->load(); }

// Mean seconds per call of `op`, over as many calls as fit in `budget` (or until `cancel`).
template <typename Op>
double secondsPerCall(Op op, const torch::Device& device, double budget,
                      const std::atomic<bool>* cancel) {
  op();
  synchronise(device);
  auto start = Clock::now();
  op();
  synchronise(device);
  const double single = std::max(secondsSince(start), 1e-7);
  const int calls = static_cast<int>(std::clamp(budget / single, 1.0, 100000.0));
  start = Clock::now();
  int done = 0;
  while (done < calls && !cancelled(cancel)) {
    op();
    ++done;
  }
  synchronise(device);
  return std::max(secondsSince(start), 1e-9) / std::max(done, 1);
}

double matmulTflops(torch::ScalarType type, std::int64_t n, const torch::Device& device,
                    double budget, const std::atomic<bool>* cancel) {
  torch::NoGradGuard noGrad;
  const auto options = torch::TensorOptions().dtype(type).device(device);
  const auto a = torch::randn({n, n}, options);
  const auto b = torch::randn({n, n}, options);
  auto c = torch::empty({n, n}, options);
  const double seconds =
      secondsPerCall([&] { torch::mm_out(c, a, b); }, device, budget, cancel);
  return 2.0 * static_cast<double>(n) * static_cast<double>(n) * static_cast<double>(n) / seconds /
         1e12;
}

double copyGbs(std::int64_t bytes, const torch::Device& device, double budget,
               const std::atomic<bool>* cancel) {
  torch::NoGradGuard noGrad;
  const auto options = torch::TensorOptions().dtype(torch::kFloat).device(device);
  const std::int64_t elements = std::max<std::int64_t>(bytes / 4, 1);
  const auto source = torch::ones({elements}, options);
  auto target = torch::empty({elements}, options);
  const double seconds =
      secondsPerCall([&] { target.copy_(source); }, device, budget, cancel);
  // Every byte is read once and written once, as STREAM's Copy counts it.
  return 2.0 * static_cast<double>(elements) * 4.0 / seconds / 1e9;
}

std::string percent(double share) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%.0f%%", 100.0 * share);
  return buffer;
}

}  // namespace

PeakFigures probeDevice(const DeviceId& device, const ProbeOptions& options) {
  const torch::Device target = torchDevice(device);
  const bool cpu = target.is_cpu();
  const std::int64_t n = options.matrixSize > 0 ? options.matrixSize
                         : cpu                  ? kCpuMatrix
                                                : kGpuMatrix;
  const std::int64_t bytes = options.copyBytes > 0 ? options.copyBytes
                             : cpu                 ? kCpuCopyBytes
                                                   : kGpuCopyBytes;
  // NaN would reach an int cast (no calls at all, and negative figures).
  const double budget = std::isfinite(options.secondsPerFigure) && options.secondsPerFigure > 0
                            ? std::max(options.secondsPerFigure, 0.001)
                            : ProbeOptions{}.secondsPerFigure;
  const auto supported = supportedPrecisions(device, device.kind == DeviceKind::Cuda
                                                         ? deviceFacts(device).computeCapability
                                                         : std::nullopt);
  const auto supports = [&supported](Precision precision) {
    return std::find(supported.begin(), supported.end(), precision) != supported.end();
  };

  const auto tflops = [&](torch::ScalarType type, std::int64_t size, double seconds) {
    return matmulTflops(type, size, target, seconds, options.cancel);
  };
  PeakFigures peak;
  {
    const MathModeScope strict(Precision::Fp32, target);  // fp32 means no TF32 here
    peak.fp32Tflops = tflops(torch::kFloat, n, budget);
  }
  if (supports(Precision::Tf32)) {
    const MathModeScope tf32(Precision::Tf32, target);
    peak.tf32Tflops = tflops(torch::kFloat, n, budget);
  }
  if (supports(Precision::Bf16)) {
    bool measure = true;
    if (cpu) {
      // Without native bf16 a CPU converts element by element: try a small product first.
      const double fp32 = tflops(torch::kFloat, kTrialMatrix, budget / 4);
      const double bf16 = tflops(torch::kBFloat16, kTrialMatrix, budget / 4);
      if (bf16 < kSaneBf16Share * fp32) {
        measure = false;
        peak.note = "bf16 not measured: this CPU multiplies bf16 matrices at " +
                    percent(bf16 / fp32) + " of its fp32 rate (no native bf16)";
      }
    }
    if (measure) peak.bf16Tflops = tflops(torch::kBFloat16, n, budget);
  }
  if (supports(Precision::Fp16)) peak.fp16Tflops = tflops(torch::kHalf, n, budget);
  peak.bandwidthGbs = copyGbs(bytes, target, budget, options.cancel);
  releaseCachedMemory(device);  // the probe's matrices must not count against the run's memory
  return peak;
}

namespace {

// Peaks measured in this process, by device (and CPU thread count: a CPU's peak depends on the
// threads it may use, so runs with other thread counts measure again).
std::mutex peakCacheMutex;
std::map<std::string, std::optional<PeakFigures>> peakCache;

std::string peakCacheKey(const DeviceId& device) {
  return device.str() +
         (device.kind == DeviceKind::Cpu ? "/" + std::to_string(at::get_num_threads()) : "");
}

}  // namespace

std::optional<PeakFigures> cachedPeak(const DeviceId& device, const std::atomic<bool>* cancel) {
  const std::string key = peakCacheKey(device);
  std::lock_guard<std::mutex> lock(peakCacheMutex);
  const auto found = peakCache.find(key);
  if (found != peakCache.end()) return found->second;
  std::optional<PeakFigures> peak;
  ProbeOptions options;
  options.cancel = cancel;
  try {
    peak = probeDevice(device, options);
  } catch (const std::exception&) {
    // No peak is better than a failed run: the figures are context, not the measurement.
  }
  if (cancel != nullptr && cancel->load()) return std::nullopt;  // cut short: figures unsound
  peakCache.emplace(key, peak);
  return peak;
}

PeakFigures measurePeakForRuns(const DeviceId& device, int cpuThreads) {
  if (device.kind == DeviceKind::Cpu) at::set_num_threads(cpuThreadCount(cpuThreads));
  const std::string key = peakCacheKey(device);
  std::lock_guard<std::mutex> lock(peakCacheMutex);
  PeakFigures peak = probeDevice(device);
  peakCache[key] = peak;
  return peak;
}

bool probeEnabledByEnvironment() {
  const char* skip = std::getenv("TRAINBENCH_SKIP_PROBE");
  return !skip || !*skip || std::string(skip) == "0";
}

}  // namespace tb
