// The device's own time per phase (engine/device_timer.h), on a simulated device queue: a
// launch-bound step's phases are timed as the device's work alone, without the host's launch
// gaps; a step the host queued too slowly for the hold is not counted, and the hold grows until
// one is. The profile on such a clock (a stand-in, on the CPU): every phase timed, or a note why
// not; and what it makes of the figures on a GPU: how long the device sits idle.
#include "engine/device_timer.h"
#include "engine/epoch_stats.h"
#include "engine/step_profile.h"

#include <QtTest>

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <utility>
#include <vector>

using namespace tb;

namespace {

// A device queue in simulated time. The host's clock moves as it launches; the device runs each
// queued item once it is free and the item has been queued, as a GPU's stream does.
class SimulatedQueue final : public DeviceQueueClock {
 public:
  double hostNow = 0.0;

  // Queues a kernel that runs `seconds` on the device; launching it costs the host `launch`.
  void kernel(double seconds, double launch) {
    run(seconds);
    hostNow += launch;
  }

  void hold(double seconds) override { run(seconds); }
  void mark(std::size_t mark) override {
    run(0.0);
    m_marks.at(mark) = m_deviceFree;
  }
  bool reached(std::size_t mark) override { return m_marks.at(mark) <= hostNow; }
  void waitForDevice() override { hostNow = std::max(hostNow, m_deviceFree); }
  double secondsBetween(std::size_t from, std::size_t to) override {
    return m_marks.at(to) - m_marks.at(from);
  }

 private:
  void run(double seconds) { m_deviceFree = std::max(m_deviceFree, hostNow) + seconds; }

  double m_deviceFree = 0.0;
  std::array<double, kDeviceClockMarks> m_marks{};
};

struct SimulatedPhase {
  StepPhase phase;
  int kernels;
  double kernelSeconds;
};

// A small network's step: more launches than work, as on a fast GPU.
const std::vector<SimulatedPhase> kStep = {{StepPhase::Data, 1, 0.0001},
                                           {StepPhase::Forward, 4, 0.0005},
                                           {StepPhase::Backward, 8, 0.0005},
                                           {StepPhase::Optimizer, 2, 0.0002}};
constexpr double kLaunchSeconds = 0.001;  // per kernel, twice each kernel's work

double deviceWork(StepPhase phase) {
  for (const auto& part : kStep) {
    if (part.phase == phase) return part.kernels * part.kernelSeconds;
  }
  return 0.0;
}

bool queueStep(SimulatedQueue& queue, DeviceTimer& timer) {
  timer.startStep();
  for (const auto& part : kStep) {
    for (int i = 0; i < part.kernels; ++i) queue.kernel(part.kernelSeconds, kLaunchSeconds);
    timer.phaseEnded(part.phase);
  }
  return timer.finishStep();
}

std::pair<DeviceTimer, SimulatedQueue*> timerOnSimulatedQueue(double holdSeconds) {
  auto queue = std::make_unique<SimulatedQueue>();
  SimulatedQueue* raw = queue.get();
  return {DeviceTimer(std::move(queue), holdSeconds), raw};
}

// A device clock for a real step on the CPU: each phase takes 1 ms on it, or, where
// `hostFallsBehind`, every hold has ended before the host has queued its phase.
class SteadyClock final : public DeviceQueueClock {
 public:
  explicit SteadyClock(bool hostFallsBehind) : m_hostFallsBehind(hostFallsBehind) {}
  void hold(double) override {}
  void mark(std::size_t mark) override { m_marked.at(mark) = ++m_count; }
  bool reached(std::size_t) override { return m_hostFallsBehind; }
  void waitForDevice() override {}
  double secondsBetween(std::size_t from, std::size_t to) override {
    return 0.001 * static_cast<double>(m_marked.at(to) - m_marked.at(from));
  }

 private:
  bool m_hostFallsBehind;
  std::int64_t m_count = 0;
  std::array<std::int64_t, kDeviceClockMarks> m_marked{};
};

StepProfile profileWithClock(bool hostFallsBehind, int steps) {
  ProfileOptions options;
  options.config.workload = "fashion-mlp";
  options.config.synthetic = true;
  options.config.threads = 1;
  options.steps = steps;
  options.warmupSteps = 1;
  options.deviceClock = [hostFallsBehind](const torch::Device&) {
    return std::make_unique<SteadyClock>(hostFallsBehind);
  };
  const std::atomic<bool> cancel{false};
  return profileTrainingStep(options, cancel);
}

}  // namespace

class TestDeviceTimer : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void phasesAreTheDevicesWorkWithoutLaunchGaps() {
    auto [timer, queue] = timerOnSimulatedQueue(0.1);
    // Without a hold, the device would wait for each launch: the forward pass alone would span
    // its four launches, 3.5 ms, for 2 ms of work.
    for (int step = 0; step < 3; ++step) QVERIFY(queueStep(*queue, timer));
    QCOMPARE(timer.steps(), 3);
    for (const auto& part : kStep) {
      const double perStep = timer.total(part.phase) / timer.steps();
      QVERIFY2(std::abs(perStep - deviceWork(part.phase)) < 1e-12, toString(part.phase));
    }
    QCOMPARE(timer.total(StepPhase::Exchange), 0.0);
    QCOMPARE(timer.holdSeconds(), 0.1);
  }

  void aStepQueuedSlowerThanTheHoldIsNotCountedAndTheHoldGrows() {
    // The backward pass takes the host 8 ms to queue: a 1 ms hold ends long before.
    auto [timer, queue] = timerOnSimulatedQueue(0.001);
    QVERIFY(!queueStep(*queue, timer));
    QCOMPARE(timer.steps(), 0);
    QCOMPARE(timer.total(StepPhase::Forward), 0.0);
    QCOMPARE(timer.holdSeconds(), 0.002);
    int failures = 1;
    while (!queueStep(*queue, timer)) ++failures;
    // 1 and 2 ms fail. With 4 ms, the holds before the forward and backward passes each start
    // once the device has run the phase before, and the host queues backward's 8 ms of launches
    // in time.
    QCOMPARE(failures, 2);
    QCOMPARE(timer.holdSeconds(), 0.004);
    QCOMPARE(timer.steps(), 1);
    QVERIFY(std::abs(timer.total(StepPhase::Backward) - deviceWork(StepPhase::Backward)) < 1e-12);
  }

  void theCpuHasNoDeviceClock() {
    // (tst_train_step's profile checks that a CPU profile then has no device time.)
    QVERIFY(deviceQueueClock(torch::Device(torch::kCPU)) == nullptr);
  }

  void theProfileTimesEveryPhaseOnTheDeviceClock() {
    const StepProfile profile = profileWithClock(false, 60);
    QCOMPARE(profile.steps, 60);
    QCOMPARE(profile.deviceTimedSteps, 50);  // at most 50: each costs the holds
    QCOMPARE(profile.phases.size(), std::size_t{4});
    for (const auto& phase : profile.phases) {
      QVERIFY2(phase.deviceSecondsPerStep.has_value(), toString(phase.phase));
      QVERIFY(std::abs(*phase.deviceSecondsPerStep - 0.001) < 1e-12);
    }
    QVERIFY(std::abs(profile.deviceStepSeconds - 0.004) < 1e-12);
    QVERIFY(profile.deviceTimeNote.empty());
    QVERIFY(profileText(profile).find("device ms/step") != std::string::npos);
  }

  void aStepThatWaitsForTheDeviceHasNoDeviceTimeAndSaysWhy() {
    const StepProfile profile = profileWithClock(true, 10);
    QCOMPARE(profile.steps, 10);
    QCOMPARE(profile.deviceTimedSteps, 0);
    QCOMPARE(profile.deviceStepSeconds, 0.0);
    for (const auto& phase : profile.phases) QVERIFY(!phase.deviceSecondsPerStep.has_value());
    QVERIFY2(profile.deviceTimeNote.rfind("no device time: the host could not queue a phase", 0) == 0,
             profile.deviceTimeNote.c_str());
    QVERIFY(profileText(profile).find(profile.deviceTimeNote) != std::string::npos);
  }

  void theVerdictSaysHowLongTheGpuSitsIdle() {
    StepProfile profile;
    profile.phases = {{StepPhase::Forward, 0.004, 0.4, 0.0008}, {StepPhase::Backward, 0.006, 0.6, 0.0014}};
    profile.stepSeconds = 0.010;
    profile.runStepSeconds = 0.010;
    profile.issueSeconds = 0.002;  // without device time, this alone would read device-bound
    profile.deviceStepSeconds = 0.0022;
    profile.deviceTimedSteps = 50;
    profile.steps = 200;
    QVERIFY2(stepVerdict(profile, "cuda").rfind("launch-bound: the GPU is idle 78 % of the step", 0) == 0,
             stepVerdict(profile, "cuda").c_str());
    profile.deviceStepSeconds = 0.0095;
    QVERIFY2(stepVerdict(profile, "cuda").rfind("device-bound: the GPU is busy 95 % of the step", 0) == 0,
             stepVerdict(profile, "cuda").c_str());
    profile.verdict = stepVerdict(profile, "cuda");
    const std::string text = profileText(profile);
    QVERIFY2(text.find("device ms/step") != std::string::npos, text.c_str());
    QVERIFY2(text.find("1.400") != std::string::npos, text.c_str());  // backward on the device
    QVERIFY2(text.find("CUDA events, 50 steps") != std::string::npos, text.c_str());
  }

  // The first line whole under a long GPU name and the layout's words: it was cut at 255 bytes,
  // and the table's header ran on after a device name without its step count.
  void profileHeaderKeepsItsStepCount() {
    StepProfile profile;
    profile.workload = "cifar10-resnet50";
    profile.device = "cuda:0";
    profile.deviceName = std::string(96, 'G');
    profile.precision = "bf16";
    profile.execution = "graph";
    profile.bf16WeightCopies = true;
    profile.channelsLastKernels = true;
    profile.batchSize = 128;
    profile.threads = 16;
    profile.steps = 200;
    const std::string text = profileText(profile);
    QVERIFY2(text.find(", channels-last kernels, batch 128, 16 threads: 200 steps\n\nphase") !=
                 std::string::npos,
             text.c_str());
  }

  // Losses near float's limit, finite each, summed to infinity in float: the epoch's mean then
  // read as a divergence no step had. The mean is taken in double.
  void meanOfHugeFiniteLossesIsFinite() {
    EpochStats stats(4, 1, torch::kCPU);
    const auto logits = torch::zeros({1, 10});
    const auto label = torch::zeros({1}, torch::kLong);
    for (std::int64_t step = 0; step < 4; ++step)
      stats.add(step, torch::tensor(3e38F), logits, label);
    QVERIFY(!stats.firstNonFiniteStep(4));
    QVERIFY(std::isfinite(stats.meanLoss(4)));
    QVERIFY(std::abs(stats.meanLoss(4) / 3e38 - 1.0) < 1e-6);
  }
};

QTEST_GUILESS_MAIN(TestDeviceTimer)
#include "tst_device_timer.moc"
