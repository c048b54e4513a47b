// The telemetry thread: wakes every interval, turns /proc counter deltas into percentages and
// queues a sample. Sampling runs outside the lock so readers never wait on /proc.
#include "telemetry/telemetry_sampler.h"

#include "telemetry/timeline_summary.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <utility>

namespace tb {
namespace {

using Seconds = std::chrono::duration<double>;

constexpr Seconds kMinInterval{0.1};
// Longer intervals would overflow the clock arithmetic in wait_until; a day is plenty.
constexpr Seconds kMaxInterval{24.0 * 3600.0};

// Compares the counts: std::chrono's `>=` is `!(a < b)`, which is true for NaN, and a NaN
// interval would sample in a busy loop.
Seconds clampInterval(Seconds interval) {
  const double seconds = interval.count();
  if (!std::isfinite(seconds) || seconds < kMinInterval.count()) return kMinInterval;
  return seconds > kMaxInterval.count() ? kMaxInterval : interval;
}

}  // namespace

TelemetrySampler::TelemetrySampler(std::chrono::duration<double> interval,
                                   Clock::time_point origin, std::vector<GpuTarget> gpus)
    : m_gpuTargets(std::move(gpus)), m_interval(clampInterval(interval)), m_origin(origin) {}

TelemetrySampler::~TelemetrySampler() { stop(); }

void TelemetrySampler::start() {
  if (m_thread.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_stopping = false;
  }
  if (!m_gpuTargets.empty() && m_gpus.empty()) {
    // Without NVML the GPU readings are simply absent; the CPU metrics go on.
    if (auto nvml = Nvml::open()) {
      for (const auto& target : m_gpuTargets) m_gpus.emplace_back(nvml, target);
    }
  }
  // The baseline is taken here, on the caller's thread, so the first interval really starts now
  // even if the new thread is scheduled late on a machine busy training; after NVML opened, and
  // with its time, so the CPU its start-up took is not read as the run's.
  m_lastCpu = readMachineCpuTimes();
  m_lastCpuSeconds = readProcessCpuSeconds();
  m_lastCpuSecondsAt = Clock::now();
  m_thread = std::thread(&TelemetrySampler::loop, this);
}

void TelemetrySampler::stop() {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_stopping = true;
  }
  m_wake.notify_all();
  if (m_thread.joinable()) m_thread.join();
}

void TelemetrySampler::finish() {
  stop();
  // Never started: no baseline to measure from. Otherwise the thread is gone and the readings
  // are this thread's again. Shorter stretches than kMinClosingWindow are left out: /proc/stat
  // counts in 10 ms ticks, too coarse for a percentage over a few of them.
  if (m_lastCpuSecondsAt == Clock::time_point{} || Clock::now() - m_lastCpuSecondsAt < kMinClosingWindow) {
    return;
  }
  TelemetrySample sample = takeSample();
  std::lock_guard<std::mutex> lock(m_mutex);
  m_samples.push_back(std::move(sample));
  m_sampled.notify_all();
}

std::vector<TelemetrySample> TelemetrySampler::takeNew() {
  std::lock_guard<std::mutex> lock(m_mutex);
  std::vector<TelemetrySample> fresh(m_samples.begin() + static_cast<std::ptrdiff_t>(m_delivered),
                                     m_samples.end());
  m_delivered = m_samples.size();
  return fresh;
}

std::vector<TelemetrySample> TelemetrySampler::all() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_samples;
}

bool TelemetrySampler::waitForSamples(std::size_t count,
                                      std::chrono::duration<double> timeout) const {
  std::unique_lock<std::mutex> lock(m_mutex);
  return m_sampled.wait_for(lock, timeout, [&] { return m_samples.size() >= count; });
}

void TelemetrySampler::loop() {
  const auto step = std::chrono::duration_cast<Clock::duration>(m_interval);
  auto next = m_lastCpuSecondsAt + step;
  std::unique_lock<std::mutex> lock(m_mutex);
  while (!m_wake.wait_until(lock, next, [this] { return m_stopping; })) {
    lock.unlock();
    TelemetrySample sample = takeSample();
    lock.lock();
    m_samples.push_back(sample);
    m_sampled.notify_all();
    // A fixed schedule keeps samples evenly spaced; after a stall, resume from now instead of
    // firing a burst of catch-up samples.
    next += step;
    const auto now = Clock::now();
    if (next <= now) next = now + step;
  }
}

TelemetrySample TelemetrySampler::takeSample() {
  TelemetrySample sample;
  const auto now = Clock::now();
  // Read next to the wall clock, as in start(): a delay between the two would show as CPU %.
  const std::optional<double> processCpuSeconds = readProcessCpuSeconds();
  sample.t = Seconds(now - m_origin).count();

  if (auto cpu = readMachineCpuTimes()) {
    if (m_lastCpu) sample.cpuPercent = cpuPercent(*m_lastCpu, *cpu);
    m_lastCpu = cpu;
  }

  if (const auto& cpuSeconds = processCpuSeconds) {
    const double wall = Seconds(now - m_lastCpuSecondsAt).count();
    if (m_lastCpuSeconds && *cpuSeconds >= *m_lastCpuSeconds && wall > 0.0) {
      // CPU seconds over wall seconds: several busy threads make this exceed 100.
      sample.processCpuPercent = 100.0 * (*cpuSeconds - *m_lastCpuSeconds) / wall;
    }
    m_lastCpuSeconds = cpuSeconds;
    m_lastCpuSecondsAt = now;
  }

  sample.rssMb = readProcessRssMb();
  for (auto& gpu : m_gpus) {
    if (auto reading = gpu.poll()) sample.gpus.push_back(std::move(*reading));
  }
  return sample;
}

namespace {

// Samples [begin, end) as one sample at the last one's time: rates (CPU, GPU busy, power,
// clock) averaged over the whole stretch, levels (memory, temperature) at their peak, so a
// burst or a peak inside it is not lost with the samples left out.
TelemetrySample mergedSample(const std::vector<TelemetrySample>& samples, std::size_t begin,
                             std::size_t end) {
  TelemetrySample merged = samples[end - 1];
  merged.cpuPercent = timelineMean(samples, begin, end, [](const auto& s) { return s.cpuPercent; });
  merged.processCpuPercent =
      timelineMean(samples, begin, end, [](const auto& s) { return s.processCpuPercent; });
  merged.rssMb = timelinePeak(samples, begin, end, [](const auto& s) { return s.rssMb; });
  // Every GPU the stretch saw, at its last reading: one lost part way (absent from the samples
  // after) keeps what it read before.
  merged.gpus.clear();
  for (std::size_t i = end; i-- > begin;) {
    for (const GpuSample& gpu : samples[i].gpus) {
      const bool known = std::any_of(merged.gpus.begin(), merged.gpus.end(),
                                     [&gpu](const GpuSample& seen) { return seen.device == gpu.device; });
      if (!known) merged.gpus.push_back(gpu);
    }
  }
  for (std::size_t g = 0; g < merged.gpus.size(); ++g) {
    const std::string& device = merged.gpus[g].device;
    // The same GPU's reading in each sample (a sample after the GPU was lost has none).
    const auto reading = [&device](const TelemetrySample& sample, auto field) {
      for (const GpuSample& gpu : sample.gpus) {
        if (gpu.device == device) return gpu.*field;
      }
      return std::optional<double>();
    };
    const auto mean = [&](auto field) {
      return timelineMean(samples, begin, end, [&](const auto& s) { return reading(s, field); });
    };
    const auto peak = [&](auto field) {
      return timelinePeak(samples, begin, end, [&](const auto& s) { return reading(s, field); });
    };
    GpuSample& gpu = merged.gpus[g];
    gpu.utilPercent = mean(&GpuSample::utilPercent);
    gpu.powerW = mean(&GpuSample::powerW);
    gpu.smClockMhz = mean(&GpuSample::smClockMhz);
    gpu.memoryUsedMb = peak(&GpuSample::memoryUsedMb);
    gpu.temperatureC = peak(&GpuSample::temperatureC);
  }
  return merged;
}

}  // namespace

std::vector<TelemetrySample> thinnedTimeline(std::vector<TelemetrySample> samples,
                                             std::size_t maxSamples) {
  if (maxSamples == 0 || samples.size() <= maxSamples) return samples;
  const std::size_t step = (samples.size() + maxSamples - 1) / maxSamples;
  std::vector<TelemetrySample> kept;
  kept.reserve(samples.size() / step + 1);
  // Counted back from the last sample, the one that closes the run; each kept sample stands for
  // the stretch since the one kept before it.
  const std::size_t first = (samples.size() - 1) % step;
  std::size_t begin = 0;
  for (std::size_t i = first; i < samples.size(); i += step) {
    kept.push_back(mergedSample(samples, begin, i + 1));
    begin = i + 1;
  }
  return kept;
}

}  // namespace tb
