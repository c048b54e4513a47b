// The step clock reads each step's time where the device keeps it: with a device that runs
// behind the host (a CUDA queue), the times are the device's, read back only once it has
// reached the last step, and never the host's launch times.
#include "engine/step_clock.h"

#include <QtTest>

#include <map>
#include <memory>
#include <stdexcept>

using namespace tb;

namespace {

// A device clock the test sets: each mark takes the time `now` holds when the device reaches
// it, and reading a mark the device has not been waited for is an error, as CUDA's is.
struct FakeDevice {
  double now = 0.0;
  std::map<std::size_t, double> marks;
  std::size_t waitedFor = 0;
  bool waited = false;
};

class FakeMarks final : public StepMarks {
 public:
  explicit FakeMarks(FakeDevice& device) : m_device(device) {}
  void mark(std::size_t mark) override {
    m_device.marks[mark] = m_device.now;
    m_device.waited = false;
  }
  void waitFor(std::size_t mark) override {
    m_device.waitedFor = mark;
    m_device.waited = true;
  }
  double secondsBetween(std::size_t from, std::size_t to) override {
    if (!m_device.waited || to > m_device.waitedFor) throw std::logic_error("not reached yet");
    return m_device.marks.at(to) - m_device.marks.at(from);
  }

 private:
  FakeDevice& m_device;
};

}  // namespace

class StepClockTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // Each step is the time from the mark before it; the epoch's shuffle counts with its first
  // step, and a smaller last batch is timed but kept out of the steady state.
  void stepsAreTheDevicesTimes() {
    FakeDevice device;
    StepClock clock(std::make_unique<FakeMarks>(device));
    StepTimes times;
    clock.startEpoch(1);
    for (double seconds : {0.5, 0.25, 0.25, 0.1}) {
      device.now += seconds;
      clock.stepQueued(seconds != 0.1);
    }
    QCOMPARE(times.count(), std::int64_t{0});  // nothing read while the device may lag
    clock.flushInto(times);
    QCOMPARE(device.waitedFor, std::size_t{4});
    QCOMPARE(times.count(), std::int64_t{4});
    QCOMPARE(clock.stepsQueued(), std::int64_t{4});
    // One epoch: at least 3 steps of warm-up, and its small last batch (its shape's first step).
    QCOMPARE(times.warmupSteps(), std::int64_t{4});
    QCOMPARE(times.warmupSeconds(), 1.1);
    clock.flushInto(times);  // nothing new: nothing added twice
    QCOMPARE(times.count(), std::int64_t{4});
  }

  // Read back mid-epoch (a run that stops), then on: the next steps are timed from the last
  // one read, and a new epoch starts from its own first mark.
  void flushesCarryOn() {
    FakeDevice device;
    StepClock clock(std::make_unique<FakeMarks>(device));
    StepTimes times;
    clock.startEpoch(1);
    device.now = 1.0;
    clock.stepQueued(true);
    clock.flushInto(times);
    device.now = 3.0;
    clock.stepQueued(true);
    clock.flushInto(times);
    QCOMPARE(times.count(), std::int64_t{2});
    QCOMPARE(times.warmupSeconds(), 3.0);  // both steps are warm-up here: 1 s + 2 s
    device.now = 10.0;
    clock.startEpoch(2);
    for (int i = 0; i < 7; ++i) {  // 5 steady steps after warm-up's 4 full ones
      device.now += 0.5;
      clock.stepQueued(true);
    }
    clock.flushInto(times);
    QCOMPARE(times.count(), std::int64_t{9});
    const auto steady = times.steadyState(8);
    QVERIFY(steady);
    QCOMPARE(steady->stepSecondsP50, 0.5);  // not 7.5 s from epoch 1's last step
    QCOMPARE(clock.stepsQueued(), std::int64_t{9});
  }

  // Without a device queue (the CPU) the marks are host timestamps, in order.
  void hostMarksTimeTheHost() {
    const auto marks = stepMarksFor(torch::Device(torch::kCPU));
    marks->mark(0);
    volatile double sink = 0.0;
    for (int i = 0; i < 200000; ++i) sink = sink + 1.0;
    marks->mark(1);
    marks->waitFor(1);
    QVERIFY(marks->secondsBetween(0, 1) > 0.0);
  }
};

QTEST_GUILESS_MAIN(StepClockTest)
#include "tst_step_clock.moc"
