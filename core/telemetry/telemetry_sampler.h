// Samples machine and process metrics, and the run's GPU through NVML, on its own thread while a
// run trains.
#pragma once

#include "results/run_result.h"
#include "telemetry/gpu_poller.h"
#include "telemetry/proc_stats.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace tb {

class TelemetrySampler {
 public:
  using Clock = std::chrono::steady_clock;

  // `interval` is clamped to 0.1 s .. 1 day (NaN and infinity to 0.1 s). Times in samples count from `origin`. `gpus` are
  // polled through NVML (Nvml::open) with the CPU metrics; without NVML they are left out.
  TelemetrySampler(std::chrono::duration<double> interval, Clock::time_point origin,
                   std::vector<GpuTarget> gpus = {});
  ~TelemetrySampler();  // stops and joins

  TelemetrySampler(const TelemetrySampler&) = delete;
  TelemetrySampler& operator=(const TelemetrySampler&) = delete;

  // Takes the baseline reading and starts the thread; the first sample follows one interval
  // later. start() and stop() are idempotent and meant for the owning thread.
  void start();
  // Wakes the thread at once and joins it.
  void stop();
  // stop(), then one last sample over the stretch since the previous reading where it is at
  // least kMinClosingWindow long: a run shorter than one interval still gets a reading (over its
  // whole length), and a longer one its last stretch. For the end of a run.
  void finish();
  static constexpr std::chrono::duration<double> kMinClosingWindow{0.25};

  // Samples taken since the previous call (thread-safe).
  std::vector<TelemetrySample> takeNew();
  // Every sample taken so far (thread-safe).
  std::vector<TelemetrySample> all() const;
  // The interval in use, after clamping.
  std::chrono::duration<double> interval() const { return m_interval; }
  // Blocks until at least `count` samples were taken, or `timeout` passed; true in the first
  // case. Lets a caller (the tests) wait for the thread's progress instead of sleeping.
  bool waitForSamples(std::size_t count, std::chrono::duration<double> timeout) const;

 private:
  void loop();
  TelemetrySample takeSample();

  // Previous readings; only the sampler thread touches them once it runs. A reading that
  // failed leaves the older one in place, so the next good one spans the gap.
  std::optional<CpuTimes> m_lastCpu;
  std::optional<double> m_lastCpuSeconds;
  Clock::time_point m_lastCpuSecondsAt;
  std::vector<GpuTarget> m_gpuTargets;
  std::vector<GpuPoller> m_gpus;  // created by start() when NVML loads

  std::chrono::duration<double> m_interval;
  Clock::time_point m_origin;
  mutable std::mutex m_mutex;
  std::condition_variable m_wake;
  mutable std::condition_variable m_sampled;  // notified after each new sample
  bool m_stopping = false;
  std::vector<TelemetrySample> m_samples;
  std::size_t m_delivered = 0;
  std::thread m_thread;
};

// The most samples a result keeps: a day-long run sampled every 0.1 s would make a file past
// what a reader accepts (kMaxResultFileBytes). 100 000 samples with a GPU's fields stay well
// under it; a longer timeline keeps every k-th sample, the last one always, k as small as fits,
// each over the stretch since the one kept before it: CPU and GPU busy, power and clock
// averaged over it, memory and temperature at their peak in it.
inline constexpr std::size_t kMaxTimelineSamples = 100000;
std::vector<TelemetrySample> thinnedTimeline(std::vector<TelemetrySample> samples,
                                             std::size_t maxSamples = kMaxTimelineSamples);

}  // namespace tb
