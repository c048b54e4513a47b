// GPU telemetry through NVML, driven by a fake libnvidia-ml (tests/fake_nvml) whose answers the
// test scripts: readings, NOT_SUPPORTED, NO_PERMISSION, a lost GPU, and no library at all; also
// the disturbance readings (clock throttle reasons, other processes on the GPU).
#include "devices/device_facts.h"
#include "machine/gpu_disturbance.h"
#include "machine/validity_monitor.h"
#include "results/result_file.h"
#include "telemetry/gpu_poller.h"
#include "telemetry/nvml.h"
#include "telemetry/telemetry_sampler.h"

#include "../support/fake_machine.h"
#include "../support/run_result_builder.h"

#include <QtTest>

#include <dlfcn.h>
#include <unistd.h>

#include <chrono>

using namespace tb;
using namespace std::chrono_literals;

namespace {

// How long a test waits for the sampler thread before failing: generous, never a measurement.
constexpr auto kGenerous = 60s;

// The fake's metric numbers (fake_nvml.cpp).
enum FakeMetric { kUtil, kMemory, kPower, kTemperature, kClock };

const char* const kScriptVariables[] = {"FAKE_NVML_INIT",
                                        "FAKE_NVML_DEVICES",
                                        "FAKE_NVML_UTIL",
                                        "FAKE_NVML_MEMORY_USED_MB",
                                        "FAKE_NVML_MEMORY_TOTAL_MB",
                                        "FAKE_NVML_POWER_MW",
                                        "FAKE_NVML_POWER_LIMIT_MW",
                                        "FAKE_NVML_TEMP",
                                        "FAKE_NVML_SM_CLOCK",
                                        "FAKE_NVML_LOST_AFTER",
                                        "FAKE_NVML_PCI",
                                        "FAKE_NVML_THROTTLE_REASONS",
                                        "FAKE_NVML_PROCESSES"};

// The fake's own hooks, reached through the same dlopen handle NVML's loader gets.
struct FakeHooks {
  int (*calls)(int) = nullptr;
  int (*openSessions)() = nullptr;
  void (*reset)() = nullptr;
};

}  // namespace

class NvmlTest : public QObject {
  Q_OBJECT

 private:
  void* m_fake = nullptr;
  FakeHooks m_hooks;

  // A fresh script: every variable cleared, then `settings` ("NAME", "value") applied.
  void script(std::initializer_list<std::pair<const char*, const char*>> settings = {}) {
    for (const char* name : kScriptVariables) qunsetenv(name);
    for (const auto& [name, value] : settings) qputenv(name, value);
    m_hooks.reset();
  }

 private Q_SLOTS:
  void initTestCase() {
    qputenv("TRAINBENCH_NVML_LIBRARY", TB_FAKE_NVML);
    m_fake = dlopen(TB_FAKE_NVML, RTLD_NOW);
    QVERIFY2(m_fake, dlerror());
    m_hooks.calls = reinterpret_cast<int (*)(int)>(dlsym(m_fake, "fake_nvml_calls"));
    m_hooks.openSessions = reinterpret_cast<int (*)()>(dlsym(m_fake, "fake_nvml_open_sessions"));
    m_hooks.reset = reinterpret_cast<void (*)()>(dlsym(m_fake, "fake_nvml_reset"));
    QVERIFY(m_hooks.calls && m_hooks.openSessions && m_hooks.reset);
  }

  void init() { script(); }

  // Every metric the GUI charts and the result stores, in its unit, plus the device facts;
  // the loader falls back from versioned names (nvmlInit_v2) to the plain ones the fake has.
  void readsEveryMetricAndFact() {
    std::string why;
    auto nvml = Nvml::open(&why);
    QVERIFY2(nvml, why.c_str());
    QCOMPARE(nvml->libraryPath(), std::string(TB_FAKE_NVML));
    QCOMPARE(nvml->deviceCount(), 1);
    QCOMPARE(nvml->driverVersion().value_or(""), std::string("999.99.01"));
    QCOMPARE(nvml->name(0).value.value_or(""), std::string("Fake GPU 0"));
    QCOMPARE(nvml->computeCapability(0).value.value_or(""), std::string("8.6"));
    QCOMPARE(nvml->powerLimitWatts(0).value.value_or(-1), 350.0);  // milliwatts, as the usage

    std::optional<GpuSample> sample = GpuPoller(nvml, {"cuda:0", 0}).poll();
    QVERIFY(sample);
    QCOMPARE(sample->device, std::string("cuda:0"));
    QCOMPARE(sample->utilPercent.value_or(-1), 42.0);
    QCOMPARE(sample->memoryUsedMb.value_or(-1), 1024.0);
    QCOMPARE(sample->memoryTotalMb.value_or(-1), 8192.0);
    QCOMPARE(sample->powerW.value_or(-1), 150.5);  // NVML reports milliwatts
    QCOMPARE(sample->temperatureC.value_or(-1), 61.0);
    QCOMPARE(sample->smClockMhz.value_or(-1), 1755.0);

    // Every nvmlInit is matched by nvmlShutdown when the last user lets go.
    QCOMPARE(m_hooks.openSessions(), 1);
    nvml.reset();
    QCOMPARE(m_hooks.openSessions(), 0);
  }

  // CUDA numbers GPUs its own way; the same GPU is found in NVML by its PCI bus id, whichever
  // width of domain each side writes.
  void findsGpuByPciBusId() {
    script({{"FAKE_NVML_DEVICES", "2"}, {"FAKE_NVML_PCI", "00000000:17:00.0,00000000:65:00.0"}});
    auto nvml = Nvml::open();
    QVERIFY(nvml);
    QCOMPARE(nvml->indexOfPciBusId(normalisedPciBusId("0000:65:00.0")).value_or(-1), 1);
    QCOMPARE(nvml->indexOfPciBusId("00000000:17:00.0").value_or(-1), 0);
    QVERIFY(!nvml->indexOfPciBusId("0000:b3:00.0"));
  }

  // A metric the GPU does not support is absent (never 0) and not asked for again each second.
  void notSupportedMetricIsAbsentAndDropped() {
    script({{"FAKE_NVML_POWER_MW", "NOT_SUPPORTED"}});
    GpuPoller poller(Nvml::open(), {"cuda:0", 0});
    for (int i = 0; i < 3; ++i) {
      const auto sample = poller.poll();
      QVERIFY(sample);
      QVERIFY(!sample->powerW);
      QVERIFY(sample->utilPercent && sample->memoryUsedMb && sample->temperatureC);
    }
    QCOMPARE(m_hooks.calls(kPower), 1);
    QCOMPARE(m_hooks.calls(kUtil), 3);
  }

  // A board whose limit cannot be read (NOT_SUPPORTED on some consumer cards): no limit, never 0.
  void unreadablePowerLimitIsAbsent() {
    script({{"FAKE_NVML_POWER_LIMIT_MW", "NOT_SUPPORTED"}});
    auto nvml = Nvml::open();
    QVERIFY(nvml);
    const NvmlResult<double> limit = nvml->powerLimitWatts(0);
    QVERIFY(!limit.value);
    QCOMPARE(limit.status, NvmlStatus::NotSupported);
  }

  // Containers often may not read some counters: NO_PERMISSION is handled like NOT_SUPPORTED.
  void noPermissionMetricIsAbsentAndDropped() {
    script({{"FAKE_NVML_TEMP", "NO_PERMISSION"}, {"FAKE_NVML_UTIL", "NO_PERMISSION"}});
    GpuPoller poller(Nvml::open(), {"cuda:0", 0});
    const auto first = poller.poll();
    const auto second = poller.poll();
    QVERIFY(first && second);
    QVERIFY(!second->temperatureC && !second->utilPercent);
    QCOMPARE(second->memoryUsedMb.value_or(-1), 1024.0);
    QCOMPARE(m_hooks.calls(kTemperature), 1);
    QCOMPARE(m_hooks.calls(kUtil), 1);
  }

  // A passing failure (a timeout, an unknown error) leaves a gap and is asked again next time.
  void transientErrorIsAbsentAndRetried() {
    script({{"FAKE_NVML_SM_CLOCK", "UNKNOWN"}});
    GpuPoller poller(Nvml::open(), {"cuda:0", 0});
    QVERIFY(!poller.poll()->smClockMhz);
    qputenv("FAKE_NVML_SM_CLOCK", "1410");
    QCOMPARE(poller.poll()->smClockMhz.value_or(-1), 1410.0);
    QCOMPARE(m_hooks.calls(kClock), 2);
  }

  // A GPU that fell off the bus disappears from the samples and is never polled again.
  void lostGpuStopsBeingPolled() {
    script({{"FAKE_NVML_LOST_AFTER", "2"}});
    GpuPoller poller(Nvml::open(), {"cuda:0", 0});
    QVERIFY(poller.poll());
    QVERIFY(poller.poll());
    QVERIFY(!poller.poll());
    QVERIFY(poller.lost());
    const int callsWhenLost = m_hooks.calls(kUtil) + m_hooks.calls(kMemory);
    QVERIFY(!poller.poll());
    QVERIFY(!poller.poll());
    QCOMPARE(m_hooks.calls(kUtil) + m_hooks.calls(kMemory), callsWhenLost);
  }

  // The throttle reason bits arrive as NVML gives them (through the older function name the
  // fake has); a GPU at full speed reads 0, which is a reading, not a missing one.
  void readsClockThrottleReasons() {
    auto nvml = Nvml::open();
    QVERIFY(nvml);
    const auto fullSpeed = nvml->clocksThrottleReasons(0);
    QCOMPARE(fullSpeed.status, NvmlStatus::Success);
    QCOMPARE(fullSpeed.value.value_or(~0ull), std::uint64_t{0});

    const std::uint64_t reasons =
        throttle_reason::kSwPowerCap | throttle_reason::kHwThermalSlowdown;
    qputenv("FAKE_NVML_THROTTLE_REASONS", QByteArray::number(quint64{reasons}));
    QCOMPARE(nvml->clocksThrottleReasons(0).value.value_or(0), reasons);

    qputenv("FAKE_NVML_THROTTLE_REASONS", "NOT_SUPPORTED");
    const auto unsupported = nvml->clocksThrottleReasons(0);
    QCOMPARE(unsupported.status, NvmlStatus::NotSupported);
    QVERIFY(!unsupported.value);
  }

  // The benchmark's own process is on the GPU it measures and must not count as a disturbance;
  // a process the driver lists twice (once per MIG instance) counts once. The fake fills
  // NVML's longer (v2) records, so reading them with the short v1 layout would garble the pids.
  void countsOtherComputeProcessesButNotItself() {
    auto nvml = Nvml::open();
    QVERIFY(nvml);
    QCOMPARE(nvml->otherComputeProcesses(0, 4242).value.value_or(-1), 0);  // none listed

    script({{"FAKE_NVML_PROCESSES", "4242"}});
    QCOMPARE(nvml->otherComputeProcesses(0, 4242).value.value_or(-1), 0);
    script({{"FAKE_NVML_PROCESSES", "1234,4242,5678,1234"}});
    const auto others = nvml->otherComputeProcesses(0, 4242);
    QCOMPARE(others.status, NvmlStatus::Success);
    QCOMPARE(others.value.value_or(-1), 2);
  }

  // In a container NVML lists the host's pids: this process is there under a pid that names no
  // process here, and must not count as another (every run in Docker would read "disturbed").
  // Processes of this namespace that are listed while this one is not are others all the same.
  void ownProcessUnderAHostPidIsNotAnother() {
    auto nvml = Nvml::open();
    QVERIFY(nvml);
    // Above the largest pid Linux gives (2^22): no process here has them.
    script({{"FAKE_NVML_PROCESSES", "4194400"}});
    QCOMPARE(nvml->otherComputeProcesses(0, 4242).value.value_or(-1), 0);
    script({{"FAKE_NVML_PROCESSES", "4194400,4194401,4194402"}});
    QCOMPARE(nvml->otherComputeProcesses(0, 4242).value.value_or(-1), 2);
    // Every listed pid a process here (this test's own parent), but not the caller's: an other.
    const QByteArray parent = QByteArray::number(static_cast<int>(getppid()));
    script({{"FAKE_NVML_PROCESSES", parent.constData()}});
    QCOMPARE(nvml->otherComputeProcesses(0, 4194499).value.value_or(-1), 1);
  }

  // Data-parallel ranks may share one GPU (`--device cuda:0 --data-parallel 2`): a sibling rank
  // is the run, not another process, or every such run would read "disturbed". In a container
  // this process is one of the host pids listed; a sibling there cannot be told from a
  // stranger (nor can another user's process under hidepid), so it counts.
  void siblingRanksOnTheGpuAreTheRun() {
    auto nvml = Nvml::open();
    QVERIFY(nvml);
    script({{"FAKE_NVML_PROCESSES", "1234,4242,5678"}});
    QCOMPARE(nvml->otherComputeProcesses(0, std::vector<int>{4242, 5678}).value.value_or(-1), 1);
    script({{"FAKE_NVML_PROCESSES", "4194400,4194401,4194402"}});
    QCOMPARE(nvml->otherComputeProcesses(0, std::vector<int>{4242, 4243}).value.value_or(-1), 2);

    // Through the run's validity check: a sibling is a child of this process's launcher.
    tbtest::FakeMachine fake;
    const QByteArray sibling = "5678 (trainbench-cli) R " +
                               QByteArray::number(static_cast<int>(getppid())) +
                               " 5678 1 0 -1 4194560 0 0 0 0 10 10 0 0 20 0 1 0 100 0 0\n";
    fake.write("proc/5678/stat", sibling);
    const QByteArray self = QByteArray::number(static_cast<int>(getpid()));
    script({{"FAKE_NVML_PROCESSES", (self + ",5678").constData()}});
    ValidityMonitor rank(0, "cuda:0", fake.roots(), /*otherRanks=*/true);
    rank.start();
    rank.sampleGpu();
    const ValidityRecord asRank = rank.finish();
    QVERIFY2(!asRank.disturbed, asRank.warnings.empty() ? "" : asRank.warnings[0].c_str());
    ValidityMonitor alone(0, "cuda:0", fake.roots());
    alone.start();
    alone.sampleGpu();
    const ValidityRecord asAlone = alone.finish();
    QVERIFY(asAlone.disturbed);  // a single run: the same process is a stranger's
    QVERIFY2(asAlone.warnings[0].find("1 other process") != std::string::npos,
             asAlone.warnings[0].c_str());
  }

  // More processes than the first buffer holds: NVML answers INSUFFICIENT_SIZE with the count,
  // and the list is read again at that size instead of being lost or cut short.
  void longProcessListIsReadAgainAtItsSize() {
    QByteArray pids = "4242";
    for (int pid = 5000; pid < 5100; ++pid) pids += "," + QByteArray::number(pid);
    script({{"FAKE_NVML_PROCESSES", pids.constData()}});
    auto nvml = Nvml::open();
    QVERIFY(nvml);
    QCOMPARE(nvml->otherComputeProcesses(0, 4242).value.value_or(-1), 100);
  }

  // A reading NVML will not give (containers often may not list processes) stays absent in the
  // disturbance reading, and the readings it did give still make their sentences.
  void disturbanceReadingKeepsWhatNvmlCouldNotGiveAbsent() {
    script({{"FAKE_NVML_DEVICES", "2"},
            {"FAKE_NVML_THROTTLE_REASONS", "32"},  // software thermal slowdown
            {"FAKE_NVML_PROCESSES", "NO_PERMISSION"}});
    auto nvml = Nvml::open();
    QVERIFY(nvml);
    QCOMPARE(nvml->otherComputeProcesses(1, 4242).status, NvmlStatus::NoPermission);
    const GpuReading reading = readGpuDisturbance(*nvml, 1, "cuda:1", {4242});
    QCOMPARE(reading.device, std::string("cuda:1"));
    QCOMPARE(reading.throttleReasons.value_or(0), throttle_reason::kSwThermalSlowdown);
    QVERIFY(!reading.otherProcesses);
    const auto warnings = gpuDisturbanceWarnings({reading});
    QCOMPARE(warnings.size(), std::size_t{1});
    QVERIFY2(warnings[0].find("cuda:1 slowed its clock for heat") == 0, warnings[0].c_str());

    // A GPU index NVML does not have reads nothing rather than another GPU's values.
    const GpuReading missing = readGpuDisturbance(*nvml, 5, "cuda:5", {4242});
    QVERIFY(!missing.throttleReasons && !missing.otherProcesses);
  }

  // The sampler thread stores the GPU next to the CPU metrics, once per interval.
  void samplerRecordsGpuWithCpuMetrics() {
    script({{"FAKE_NVML_UTIL", "97"}});
    TelemetrySampler sampler(0.1s, std::chrono::steady_clock::now(), {{"cuda:0", 0}});
    sampler.start();
    QVERIFY(sampler.waitForSamples(2, kGenerous));
    sampler.stop();
    const auto samples = sampler.all();
    QVERIFY(samples.size() >= 2);
    for (const auto& sample : samples) {
      QCOMPARE(sample.gpus.size(), std::size_t{1});
      QCOMPARE(sample.gpus[0].device, std::string("cuda:0"));
      QCOMPARE(sample.gpus[0].utilPercent.value_or(-1), 97.0);
      QVERIFY(sample.rssMb);  // the CPU side is unaffected
    }
  }

  // No NVML at all (a machine without NVIDIA's driver): GPU readings are absent, the CPU metrics
  // go on, and the reason can be shown.
  void missingLibraryLeavesGpuAbsent() {
    qputenv("TRAINBENCH_NVML_LIBRARY", "/nonexistent/libnvidia-ml.so.1");
    std::string why;
    QVERIFY(!Nvml::open(&why));
    QVERIFY2(why.find("NVML not found") != std::string::npos, why.c_str());
    TelemetrySampler sampler(0.1s, std::chrono::steady_clock::now(), {{"cuda:0", 0}});
    sampler.start();
    QVERIFY(sampler.waitForSamples(1, kGenerous));
    sampler.stop();
    const auto samples = sampler.all();
    QVERIFY(!samples.empty());
    for (const auto& sample : samples) QVERIFY(sample.gpus.empty());
    qputenv("TRAINBENCH_NVML_LIBRARY", TB_FAKE_NVML);
  }

  // A driver that will not initialise is no NVML either, and says so.
  void initFailureIsReported() {
    script({{"FAKE_NVML_INIT", "fail"}});
    std::string why;
    QVERIFY(!Nvml::open(&why));
    QVERIFY2(why.find("nvmlInit failed") != std::string::npos, why.c_str());
  }

  // GPU readings survive the result file: absent stays absent (null), and files without GPU
  // keys (CPU runs, older files) read with none.
  void gpuSamplesRoundTripThroughResultFile() {
    RunResult result = tbtest::RunResultBuilder()
                           .created("2026-11-26T14:30:00Z")
                           .workload("fashion-mlp", "fashion-mnist")
                           .dataSource("synthetic")
                           .samples(10, 10)
                           .parameters(101770)
                           .plannedEpochs(1)
                           .batchSize(32)
                           .optimizer("adam", 0.001)
                           .seed(42)
                           .threads(1)
                           .precision("fp32")
                           .device("cuda:0", "Fake GPU 0")
                           .gpuFacts(8192.0, "8.6", "999.99.01")
                           .epoch(2.0, 5.0);
    result.device.powerLimitW = 350.0;
    result.device.cudaRuntime = "12.4";
    result.device.cudnnVersion = "9.1.0";
    TelemetrySample withGpu{1.0, 50.0, 100.0, 512.0};
    GpuSample gpu;
    gpu.device = "cuda:0";
    gpu.utilPercent = 97.0;
    gpu.memoryUsedMb = 1024.0;
    gpu.memoryTotalMb = 8192.0;
    withGpu.gpus.push_back(gpu);
    result.timeline = {withGpu, TelemetrySample{2.0, 40.0, 90.0, 500.0}};

    const std::string text = toJson(result);
    QVERIFY(text.find("\"power_w\": null") != std::string::npos);
    const RunResult back = fromJson(text, "gpu.json");
    QCOMPARE(back.device.computeCapability.value_or(""), std::string("8.6"));
    QCOMPARE(back.device.driverVersion.value_or(""), std::string("999.99.01"));
    QCOMPARE(back.device.memoryMb.value_or(-1), 8192.0);
    QCOMPARE(back.device.powerLimitW.value_or(-1), 350.0);
    QCOMPARE(back.device.cudaRuntime.value_or(""), std::string("12.4"));
    QCOMPARE(back.device.cudnnVersion.value_or(""), std::string("9.1.0"));
    QCOMPARE(back.timeline.size(), std::size_t{2});
    QCOMPARE(back.timeline[0].gpus.size(), std::size_t{1});
    QCOMPARE(back.timeline[0].gpus[0].utilPercent.value_or(-1), 97.0);
    QVERIFY(!back.timeline[0].gpus[0].powerW);
    QVERIFY(back.timeline[1].gpus.empty());
    // The second sample had no GPU: its JSON has no "gpus" key at all.
    QCOMPARE(text.find("\"gpus\""), text.rfind("\"gpus\""));
  }
};

QTEST_APPLESS_MAIN(NvmlTest)
#include "tst_nvml.moc"
