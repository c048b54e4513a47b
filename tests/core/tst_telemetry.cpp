// Tests for telemetry: /proc parsers on fixed text, the CPU-percent arithmetic, and the sampler
// thread's timing, values and shutdown.
#include "telemetry/proc_stats.h"
#include "telemetry/telemetry_sampler.h"

#include <QtTest>

#include <chrono>
#include <cmath>
#include <thread>

using namespace tb;
using namespace std::chrono_literals;

namespace {

const char* const kProcStat =
    "cpu  4705 356 584 3699176 23060 0 277 0 10 5\n"
    "cpu0 1393280 32966 572056 13343292 6130 0 17875 0 0 0\n"
    "intr 114930548 113199788 3 0 5 263 0 4 [... lots more numbers ...]\n"
    "ctxt 1990473\n";

// Keeps one core busy so the process has CPU time to report.
void spin(std::chrono::duration<double> length) {
  const auto end = std::chrono::steady_clock::now() + length;
  volatile double sink = 0.0;
  while (std::chrono::steady_clock::now() < end) {
    for (int i = 0; i < 1000; ++i) sink = sink + std::sqrt(static_cast<double>(i));
  }
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
    QVERIFY(readProcessTicks());
    auto rss = readProcessRssMb();
    QVERIFY(rss && *rss > 0.0);
#else
    QSKIP("/proc is Linux-only");
#endif
  }

  // The sampler at its fastest interval yields evenly timed, plausible, non-repeating samples.
  void samplerProducesSamples() {
#ifndef __linux__
    QSKIP("/proc is Linux-only");
#endif
    const auto origin = TelemetrySampler::Clock::now();
    TelemetrySampler sampler(0.1s, origin);
    sampler.start();
    spin(0.55s);
    const auto first = sampler.takeNew();
    QVERIFY2(first.size() >= 3 && first.size() <= 6, qPrintable(QString::number(first.size())));
    double lastT = 0.0;
    for (const TelemetrySample& s : first) {
      QVERIFY(s.t > lastT);
      lastT = s.t;
      QVERIFY(s.cpuPercent && *s.cpuPercent >= 0.0 && *s.cpuPercent <= 100.0);
      QVERIFY(s.processCpuPercent && *s.processCpuPercent >= 0.0);
      QVERIFY(s.rssMb && *s.rssMb > 0.0);
    }
    QVERIFY(first.front().t >= 0.09);  // the first sample comes one interval after start()
    std::this_thread::sleep_for(0.25s);
    const auto second = sampler.takeNew();
    QVERIFY(!second.empty());
    QVERIFY(second.front().t > lastT);  // takeNew does not repeat earlier samples
    sampler.stop();
    // A sample may land between takeNew() and stop(); whatever is left comes exactly once.
    const auto rest = sampler.takeNew();
    QCOMPARE(sampler.all().size(), first.size() + second.size() + rest.size());
    QVERIFY(sampler.takeNew().empty());
  }

  // Intervals below 0.1 s are clamped, so a tiny interval cannot flood the timeline.
  void intervalIsClamped() {
    TelemetrySampler sampler(0.001s, TelemetrySampler::Clock::now());
    sampler.start();
    std::this_thread::sleep_for(0.35s);
    sampler.stop();
    QVERIFY2(sampler.all().size() <= 4, qPrintable(QString::number(sampler.all().size())));
  }

  // Cancelling a run must not wait out a long interval: stop() wakes the thread at once.
  void stopIsPrompt() {
    TelemetrySampler sampler(10s, TelemetrySampler::Clock::now());
    sampler.start();
    std::this_thread::sleep_for(0.05s);
    const auto before = std::chrono::steady_clock::now();
    sampler.stop();
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - before;
    QVERIFY2(took < 0.3s, qPrintable(QString::number(took.count())));
    QVERIFY(sampler.all().empty());
  }

  // start/stop may be called repeatedly (and the destructor after stop) without harm.
  void startStopAreIdempotent() {
    TelemetrySampler sampler(0.1s, TelemetrySampler::Clock::now());
    sampler.stop();  // never started
    sampler.start();
    sampler.start();
    sampler.stop();
    sampler.stop();
    TelemetrySampler running(0.1s, TelemetrySampler::Clock::now());
    running.start();  // destroyed while running: the destructor stops it
  }
};

QTEST_APPLESS_MAIN(TestTelemetry)
#include "tst_telemetry.moc"
