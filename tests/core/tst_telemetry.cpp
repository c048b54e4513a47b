// Tests for telemetry: /proc parsers on fixed text, the CPU-percent arithmetic, and the sampler
// thread's schedule, values and shutdown.
#include "telemetry/proc_stats.h"
#include "telemetry/telemetry_sampler.h"
#include "telemetry/timeline_summary.h"

#include "../support/watchdog.h"

#include <QtTest>

#include <chrono>
#include <cmath>
#include <optional>
#include <memory>
#include <vector>

using namespace tb;
using namespace std::chrono_literals;

namespace {

const char* const kProcStat =
    "cpu  4705 356 584 3699176 23060 0 277 0 10 5\n"
    "cpu0 1393280 32966 572056 13343292 6130 0 17875 0 0 0\n"
    "intr 114930548 113199788 3 0 5 263 0 4 [... lots more numbers ...]\n"
    "ctxt 1990473\n";

// How long a test waits for the sampler thread before failing: generous, never a measurement.
constexpr auto kGenerous = 60s;

// The sampler keeps a fixed schedule, one `interval` apart from start(): the i-th sample (from 0)
// cannot come before (i + 1) intervals. Samples may come later (a busy machine), never sooner.
bool onSchedule(const std::vector<TelemetrySample>& samples, double interval) {
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const double earliest = static_cast<double>(i + 1) * interval - 1e-6;
    if (samples[i].t < earliest) {
      qWarning("sample %zu at %.6f s, before %.6f s", i, samples[i].t, earliest);
      return false;
    }
  }
  return true;
}

}  // namespace

class TestTelemetry : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // The aggregate line gives busy = total - idle - iowait; guest time is not counted twice.
  void parsesProcStat() {
    auto times = parseProcStat(kProcStat);
    QVERIFY(times);
    const std::uint64_t total = 4705 + 356 + 584 + 3699176 + 23060 + 0 + 277 + 0;
    QCOMPARE(times->total, total);
    QCOMPARE(times->busy, total - 3699176 - 23060);
  }

  // Old kernels list only user, nice, system and idle.
  void parsesShortProcStat() {
    auto times = parseProcStat("cpu 10 20 30 40\n");
    QVERIFY(times);
    QCOMPARE(times->total, std::uint64_t(100));
    QCOMPARE(times->busy, std::uint64_t(60));
  }

  // Garbage must give "unknown", never a made-up number.
  void rejectsGarbageProcStat() {
    QVERIFY(!parseProcStat(""));
    QVERIFY(!parseProcStat("cpu0 1 2 3 4\n"));  // per-core line only
    QVERIFY(!parseProcStat("cpu 1 2 3\n"));     // too short
    QVERIFY(!parseProcStat("cpu 1 2 x 4 5\n"));
    QVERIFY(!parseProcStat("cpu 1 2 3 -4\n"));
    QVERIFY(!parseProcStat("hello world"));
  }

  // The comm field may contain spaces and ')', so parsing must start after the last ')'.
  void parsesProcessTicks() {
    const std::string simple =
        "1234 (trainbench) S 1 1234 1234 0 -1 4194560 5000 0 12 0 150 30 0 0 20 0 9 0 100 0 0";
    QCOMPARE(parseProcessTicks(simple), std::optional<std::uint64_t>(180));
    const std::string tricky =
        "77 (my (odd) proc) x) R 1 77 77 0 -1 4194560 5000 0 12 0 7 8 0 0 20 0 1 0 100 0 0";
    QCOMPARE(parseProcessTicks(tricky), std::optional<std::uint64_t>(15));
  }

  // Truncated or non-numeric stat lines give "unknown".
  void rejectsGarbageProcessTicks() {
    QVERIFY(!parseProcessTicks(""));
    QVERIFY(!parseProcessTicks("1234 trainbench S 1 2 3 4 5 6 7 8 9 10 11 12 13"));  // no ')'
    QVERIFY(!parseProcessTicks("1234 (tb) S 1 1234 1234 0 -1 4194560 5000 0 12 0"));
    QVERIFY(!parseProcessTicks("1234 (tb) S 1 1234 1234 0 -1 4194560 5000 0 12 0 a b 0"));
  }

  // VmRSS is in kB; the sampler reports MiB.
  void parsesRss() {
    const std::string status =
        "Name:\ttrainbench\nVmPeak:\t  999999 kB\nVmRSS:\t  204800 kB\nThreads:\t9\n";
    QCOMPARE(parseRssMb(status), std::optional<double>(200.0));
    QVERIFY(!parseRssMb("Name:\ttb\n"));
    QVERIFY(!parseRssMb("VmRSS:\t lots kB\n"));
    QVERIFY(!parseRssMb("VmRSS:\t 12 MB\n"));
  }

  // Percent is busy delta over total delta; no elapsed time means "unknown", not 0 or inf.
  void cpuPercentMath() {
    QCOMPARE(cpuPercent({100, 1000}, {600, 2000}), std::optional<double>(50.0));
    QCOMPARE(cpuPercent({0, 0}, {400, 400}), std::optional<double>(100.0));
    QVERIFY(!cpuPercent({100, 1000}, {100, 1000}));
    QVERIFY(!cpuPercent({100, 1000}, {50, 900}));
    // iowait can run backwards, making busy dip: clamp to 0 instead of wrapping.
    QCOMPARE(cpuPercent({500, 1000}, {400, 2000}), std::optional<double>(0.0));
  }

  // The real /proc files must parse on Linux; elsewhere the readers give nullopt.
  void readsRealProc() {
#ifdef __linux__
    auto cpu = readMachineCpuTimes();
    QVERIFY(cpu && cpu->total > 0 && cpu->busy <= cpu->total);
    QVERIFY(readProcessCpuSeconds());
    auto rss = readProcessRssMb();
    QVERIFY(rss && *rss > 0.0);
#else
    QSKIP("/proc is Linux-only");
#endif
  }

  // The sampler at its fastest interval yields plausible, non-repeating samples on its schedule.
  void samplerProducesSamples() {
#ifndef __linux__
    QSKIP("/proc is Linux-only");
#endif
    const auto origin = TelemetrySampler::Clock::now();
    TelemetrySampler sampler(0.1s, origin);
    sampler.start();
    QVERIFY(sampler.waitForSamples(3, kGenerous));
    const auto first = sampler.takeNew();
    QVERIFY(first.size() >= 3);
    QVERIFY(onSchedule(first, 0.1));  // the first sample comes one interval after start()
    double lastT = 0.0;
    for (const TelemetrySample& s : first) {
      QVERIFY(s.t > lastT);
      lastT = s.t;
      QVERIFY(s.cpuPercent && *s.cpuPercent >= 0.0 && *s.cpuPercent <= 100.0);
      QVERIFY(s.processCpuPercent && *s.processCpuPercent >= 0.0);
      QVERIFY(s.rssMb && *s.rssMb > 0.0);
    }
    QVERIFY(sampler.waitForSamples(first.size() + 1, kGenerous));
    const auto second = sampler.takeNew();
    QVERIFY(!second.empty());
    QVERIFY(second.front().t > lastT);  // takeNew does not repeat earlier samples
    sampler.stop();
    // A sample may land between takeNew() and stop(); whatever is left comes exactly once.
    const auto rest = sampler.takeNew();
    QCOMPARE(sampler.all().size(), first.size() + second.size() + rest.size());
    QVERIFY(sampler.takeNew().empty());
  }

  // The process's CPU time is read to well under /proc's 10 ms tick: over a 0.1 s sample a tick
  // is 10 points of CPU%. Tick-based seconds are all whole multiples of 0.01.
  void processCpuSecondsAreFinerThanATick() {
    int offTick = 0;
    volatile double sink = 0.0;
    for (int read = 0; read < 20; ++read) {
      for (int i = 0; i < 100000; ++i) sink = sink + 1.0;
      const std::optional<double> seconds = readProcessCpuSeconds();
      QVERIFY(seconds && *seconds > 0.0);
      const double hundredths = *seconds * 100.0;
      if (std::abs(hundredths - std::round(hundredths)) > 1e-3) ++offTick;
    }
    QVERIFY2(offTick >= 15, qPrintable(QString::number(offTick)));
  }

  // One busy thread reads as about one core's worth, never a tick (10 points) high.
  void oneBusyThreadIsOneCore() {
    TelemetrySampler sampler(0.1s, TelemetrySampler::Clock::now());
    sampler.start();
    volatile double sink = 0.0;
    while (sampler.all().size() < 6) {
      for (int i = 0; i < 10000; ++i) sink = sink + 1.0;  // busy, on this thread only
    }
    sampler.stop();
    // Averaged over the samples: a sampler thread paused between its clock and its CPU reads (a
    // loaded machine) moves CPU time from one sample to the next, not in total. The sampler's
    // own reads are the process's too: about 1 point, near 5 under the sanitizers (CI saw
    // 104.5 in one sample). A tick more per sample would add 10.
    double sum = 0.0;
    QString seen;
    for (const TelemetrySample& s : sampler.all()) {
      QVERIFY(s.processCpuPercent);
      sum += *s.processCpuPercent;
      seen += QString::number(*s.processCpuPercent) + ' ';
      // Loosely, each one too: a pause moves at most a sample's worth, never two cores' worth.
      QVERIFY2(*s.processCpuPercent <= 150.0, qPrintable(seen));
    }
    QVERIFY2(sum / sampler.all().size() <= 108.0, qPrintable(seen));
  }

  // Intervals below 0.1 s are clamped, so a tiny interval cannot flood the timeline: the
  // samples keep the 0.1 s schedule, not a 1 ms one.
  void intervalIsClamped() {
    TelemetrySampler sampler(0.001s, TelemetrySampler::Clock::now());
    sampler.start();
    QVERIFY(sampler.waitForSamples(3, kGenerous));
    sampler.stop();
    QVERIFY(onSchedule(sampler.all(), 0.1));
  }

  // Cancelling a run must not wait out a long interval: stop() wakes the thread at once. With an
  // interval of a day, a stop() that waited for the next sample could never return in time.
  void stopIsPrompt() {
    TelemetrySampler sampler(24h, TelemetrySampler::Clock::now());
    sampler.start();
    {
      const tbtest::Watchdog watchdog("TelemetrySampler::stop with a one-day interval");
      sampler.stop();
    }
    QVERIFY(sampler.all().empty());
  }

  // start() twice runs one thread, not two (the samples keep one schedule), stop() twice or
  // before start() is harmless, and the sampler can start again after a stop.
  void startStopAreIdempotent() {
    TelemetrySampler sampler(0.1s, TelemetrySampler::Clock::now());
    sampler.stop();  // never started
    QVERIFY(sampler.all().empty());
    sampler.start();
    sampler.start();
    QVERIFY(sampler.waitForSamples(4, kGenerous));
    sampler.stop();
    sampler.stop();
    const auto samples = sampler.all();
    QVERIFY(onSchedule(samples, 0.1));
    sampler.start();  // restarts after a stop
    QVERIFY(sampler.waitForSamples(samples.size() + 1, kGenerous));
    sampler.stop();
  }

  // finish() ends with a sample over the stretch since the last reading, when it is long enough
  // to mean something: with a one-day interval there is no other, yet the time sampled shows.
  // The stretch is filled with work until it is longer than the shortest closing window.
  void finishSamplesTheLastStretch() {
#ifndef __linux__
    QSKIP("/proc is Linux-only");
#endif
    const auto origin = TelemetrySampler::Clock::now();
    TelemetrySampler sampler(24h, origin);
    sampler.start();
    volatile double sink = 0.0;
    while (TelemetrySampler::Clock::now() - origin < TelemetrySampler::kMinClosingWindow + 50ms) {
      sink += 1.0;
    }
    sampler.finish();
    const auto samples = sampler.all();
    QCOMPARE(samples.size(), std::size_t{1});
    QVERIFY(samples[0].t >= TelemetrySampler::kMinClosingWindow.count());
    QVERIFY(samples[0].cpuPercent && *samples[0].cpuPercent > 0.0);
    QVERIFY(samples[0].processCpuPercent && *samples[0].processCpuPercent > 0.0);
    TelemetrySampler never(24h, origin);
    never.finish();  // never started: nothing to measure from
    QVERIFY(never.all().empty());
  }

  // A very long timeline is thinned to fit a result file: evenly, the closing sample kept,
  // never more than the cap; a short one is left as it is.
  void longTimelinesAreThinned() {
    std::vector<TelemetrySample> samples(250001);
    for (std::size_t i = 0; i < samples.size(); ++i) samples[i].t = static_cast<double>(i);
    const auto thinned = thinnedTimeline(samples, 100000);
    QVERIFY(thinned.size() <= 100000);
    QVERIFY(thinned.size() > 80000);
    QCOMPARE(thinned.back().t, 250000.0);
    for (std::size_t i = 1; i < thinned.size(); ++i) QCOMPARE(thinned[i].t - thinned[i - 1].t, 3.0);
    const std::vector<TelemetrySample> few(10);
    QCOMPARE(thinnedTimeline(few, 100000).size(), std::size_t{10});
  }

  // A kept sample stands for the stretch since the one kept before it: a burst of CPU or GPU
  // work in a left-out sample still counts in the average, and a memory peak is not lost.
  void thinnedSamplesSumUpTheirStretch() {
    std::vector<TelemetrySample> samples(8);
    for (std::size_t i = 0; i < samples.size(); ++i) {
      samples[i].t = static_cast<double>(i + 1);
      samples[i].cpuPercent = i % 2 == 0 ? 100.0 : 0.0;  // a burst every other second
      samples[i].processCpuPercent = i % 2 == 0 ? 200.0 : 0.0;
      samples[i].rssMb = i == 2 ? 900.0 : 100.0;  // one short peak
      GpuSample gpu;
      gpu.device = "cuda:0";
      gpu.utilPercent = i % 2 == 0 ? 90.0 : 10.0;
      gpu.memoryUsedMb = i == 4 ? 7000.0 : 1000.0;
      samples[i].gpus.push_back(gpu);
    }
    const auto thinned = thinnedTimeline(samples, 4);
    QCOMPARE(thinned.size(), std::size_t{4});
    for (const TelemetrySample& sample : thinned) {
      QCOMPARE(sample.cpuPercent.value_or(-1), 50.0);
      QCOMPARE(sample.processCpuPercent.value_or(-1), 100.0);
      QCOMPARE(sample.gpus.at(0).utilPercent.value_or(-1), 50.0);
    }
    QCOMPARE(thinned[1].t, 4.0);
    QCOMPARE(thinned[1].rssMb.value_or(-1), 900.0);
    QCOMPARE(thinned[2].gpus.at(0).memoryUsedMb.value_or(-1), 7000.0);
    QCOMPARE(thinned[3].rssMb.value_or(-1), 100.0);
    // A GPU lost part way through a stretch keeps what it read before it went.
    samples[7].gpus.clear();
    const auto lost = thinnedTimeline(samples, 4);
    QCOMPARE(lost[3].gpus.size(), std::size_t{1});
    QCOMPARE(lost[3].gpus[0].device, std::string("cuda:0"));
    QCOMPARE(lost[3].gpus[0].memoryUsedMb.value_or(-1), 1000.0);
    // Uneven intervals weigh by their length: 3 s at 100% and 1 s at 0% is 75%.
    std::vector<TelemetrySample> uneven(4);
    const double times[] = {3.0, 4.0, 7.0, 8.0};
    for (std::size_t i = 0; i < uneven.size(); ++i) {
      uneven[i].t = times[i];
      uneven[i].cpuPercent = i % 2 == 0 ? 100.0 : 0.0;
    }
    const auto merged = thinnedTimeline(uneven, 2);
    QCOMPARE(merged.size(), std::size_t{2});
    QCOMPARE(merged[0].cpuPercent.value_or(-1), 75.0);
    QCOMPARE(merged[1].cpuPercent.value_or(-1), 75.0);
  }

  // What `show` says of a run's telemetry: CPU busy over the run's time (a 3 s stretch at 100%
  // outweighs a 1 s one at 0%), memory at its peak, the GPU's figures only where one was sampled.
  void timelineSummaryWeighsByTime() {
    std::vector<TelemetrySample> samples(2);
    samples[0].t = 3.0;
    samples[0].cpuPercent = 100.0;
    samples[0].processCpuPercent = 150.0;
    samples[0].rssMb = 400.0;
    samples[1].t = 4.0;
    samples[1].cpuPercent = 0.0;
    samples[1].processCpuPercent = 50.0;
    samples[1].rssMb = 300.0;
    TimelineSummary summary = summariseTimeline(samples);
    QCOMPARE(summary.machineCpuPercent.value_or(-1), 75.0);
    QCOMPARE(summary.processCpuPercent.value_or(-1), 125.0);
    QCOMPARE(summary.peakRssMb.value_or(-1), 400.0);
    QVERIFY(!summary.gpuUtilPercent && !summary.peakGpuMemoryMb);
    GpuSample gpu;
    gpu.device = "cuda:1";
    gpu.utilPercent = 80.0;
    gpu.memoryUsedMb = 5000.0;
    samples[1].gpus.push_back(gpu);
    summary = summariseTimeline(samples);
    QCOMPARE(summary.gpuUtilPercent.value_or(-1), 80.0);
    QCOMPARE(summary.peakGpuMemoryMb.value_or(-1), 5000.0);
    QVERIFY(!summariseTimeline({}).machineCpuPercent);
  }

  // A sampler destroyed while running stops its thread (the destructor joins it).
  void destructorStopsARunningSampler() {
    auto running = std::make_unique<TelemetrySampler>(24h, TelemetrySampler::Clock::now());
    running->start();
    const tbtest::Watchdog watchdog("~TelemetrySampler while running");
    running.reset();
  }
};

QTEST_APPLESS_MAIN(TestTelemetry)
#include "tst_telemetry.moc"
