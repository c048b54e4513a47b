// Tests for the machine disturbance check: the other-process arithmetic, each warning rule at its
// threshold, and the exact sentences. Reading /proc and /sys: tst_machine_snapshot.
#include "machine/disturbance.h"
#include "machine/machine_snapshot.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>

#include <set>

#include <cmath>
#include <locale>
#include <string>
#include <vector>

using namespace tb;

namespace {

// Two snapshots of a quiet 2-CPU machine 100 ticks apart: 200 jiffies pass in all, nobody else
// runs, the clock is high, the machine is plugged in and has plenty of memory.
struct Window {
  MachineSnapshot before, after;
};

Window quietWindow() {
  Window w;
  for (MachineSnapshot* s : {&w.before, &w.after}) {
    s->logicalCpus = 2;
    s->processes[1] = {"systemd", 50};
    s->throttleEvents = 7;
    s->clockRatio = 0.95;
    s->onBattery = false;
    s->memAvailableMb = 8000.0;
    s->memTotalMb = 16000.0;
  }
  w.before.cpuTotal = 1000;
  w.after.cpuTotal = 1200;
  w.before.cpuSteal = 3;
  w.after.cpuSteal = 3;
  return w;
}

// Adds a process that used `ticks` during the window (it did not exist before).
void addBusy(Window& w, int pid, const std::string& name, std::uint64_t ticks) {
  w.after.processes[pid] = {name, ticks};
}

QStringList toList(const std::vector<std::string>& texts) {
  QStringList list;
  for (const auto& text : texts) list << QString::fromStdString(text);
  return list;
}

QStringList runWarnings(const Window& w) { return toList(disturbanceWarnings(w.before, w.after)); }
QStringList busyWarnings(const Window& w) { return toList(busyMachineWarnings(w.before, w.after)); }

// Which run warning fired, by its first words; rules are tested one at a time.
bool fired(const Window& w, const QString& start) {
  const QStringList warnings = runWarnings(w);
  return warnings.size() == 1 && warnings.front().startsWith(start);
}

// A numpunct that writes "1,9": the user's locale must not reach the messages.
struct CommaDecimal : std::numpunct<char> {
  char do_decimal_point() const override { return ','; }
};

}  // namespace

class TestDisturbance : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // Other processes' ticks over the machine's wall ticks (200 jiffies / 2 CPUs = 100): 150 + 40
  // ticks are 1.9 cores, from 2 busy processes, busiest first.
  void otherLoadArithmetic() {
    Window w = quietWindow();
    addBusy(w, 10, "ninja", 40);
    addBusy(w, 11, "cc1plus", 150);
    const auto load = otherLoad(w.before, w.after);
    QVERIFY(load);
    QCOMPARE(load->cores, 1.9);
    QCOMPARE(load->processes, 2);
    QCOMPARE(load->logicalCpus, 2);
    QCOMPARE(load->topNames, (std::vector<std::string>{"cc1plus", "ninja"}));
  }

  // A run pinned to CPU 0 (taskset, a container's cpuset) is not slowed by a process busy on
  // CPU 1: counted on its own CPU, the machine is quiet; the same process on CPU 0 is said,
  // against the one core the run may use. Unpinned, CPU 1's load counts as before.
  void pinnedRunCountsOnlyItsCpus() {
    // 100 wall ticks on each of 2 CPUs. Elsewhere: the run has CPU 0, "yes" CPU 1. Shared: the
    // two take turns on CPU 0, 50 ticks each, and CPU 1 idles.
    const auto window = [](bool shared) {
      Window w = quietWindow();
      const std::uint64_t runTicks = shared ? 50 : 100;
      w.before.cpuIdle = 500;
      w.after.cpuIdle = shared ? 600 : 505;
      w.before.selfTicks = 0;
      w.after.selfTicks = runTicks;
      w.before.perCpu[0] = {500, 250, 0, 0};
      w.before.perCpu[1] = {500, 250, 0, 0};
      w.after.perCpu[0] = {600, 250, 0, 0};
      w.after.perCpu[1] = {600, shared ? 350u : 255u, 0, 0};
      w.after.processes[300] = {"yes", shared ? 50u : 95u, 1, 0, shared ? 0 : 1};
      return w;
    };
    DisturbanceThresholds pinned;
    pinned.runCpus = {0};
    const Window elsewhere = window(false);
    QVERIFY(toList(disturbanceWarnings(elsewhere.before, elsewhere.after, pinned)).isEmpty());
    QVERIFY(toList(busyMachineWarnings(elsewhere.before, elsewhere.after, pinned)).isEmpty());
    QCOMPARE(runWarnings(elsewhere).size(), qsizetype{1});  // unpinned: the machine was busy
    const Window shared = window(true);
    const QStringList warnings = toList(disturbanceWarnings(shared.before, shared.after, pinned));
    QCOMPARE(warnings.size(), qsizetype{1});
    QVERIFY2(warnings.front().contains(QLatin1String("of the 1 core the run may use")),
             qPrintable(warnings.front()));
    // CPUs /proc/stat does not list (or a mask of every CPU) count as the whole machine.
    pinned.runCpus = {0, 1};
    QCOMPARE(toList(disturbanceWarnings(elsewhere.before, elsewhere.after, pinned)).size(),
             qsizetype{1});
    pinned.runCpus = {0, 7};
    QCOMPARE(toList(disturbanceWarnings(elsewhere.before, elsewhere.after, pinned)).size(),
             qsizetype{1});
  }

  // A parallel build is many processes with one name: merged, two cc1plus at 50 outrank one
  // ninja at 80, yet each still counts as a busy process.
  void otherLoadMergesNames() {
    Window w = quietWindow();
    addBusy(w, 10, "cc1plus", 50);
    addBusy(w, 11, "ninja", 80);
    addBusy(w, 12, "cc1plus", 50);
    const auto load = otherLoad(w.before, w.after);
    QVERIFY(load);
    QCOMPARE(load->cores, 1.8);
    QCOMPARE(load->processes, 3);
    QCOMPARE(load->topNames, (std::vector<std::string>{"cc1plus", "ninja"}));
  }

  // Only the window's ticks count: an old process its delta, a new one all of its ticks, a
  // reused pid (another name, fewer ticks) all of the new program's. An idle daemon is not named.
  void otherLoadCountsOnlyTheWindow() {
    Window w = quietWindow();
    w.before.processes[20] = {"python3", 5000};
    w.after.processes[20] = {"python3", 5030};
    addBusy(w, 21, "make", 10);
    w.before.processes[22] = {"old", 900};
    w.after.processes[22] = {"new", 10};
    w.after.processes[23] = {"sleepy", 1};
    const auto load = otherLoad(w.before, w.after);
    QVERIFY(load);
    QCOMPARE(load->cores, 0.51);
    QCOMPARE(load->processes, 3);
    QCOMPARE(load->topNames, (std::vector<std::string>{"python3", "make"}));
  }

  // A process that renamed itself (exec, prctl) during the window is the same process: only its
  // ticks in the window count, not its whole life's. Another start time is a reused pid.
  void renamedProcessKeepsItsPast() {
    Window w = quietWindow();
    w.before.processes[30] = {"bash", 5000, 1, 777};
    w.after.processes[30] = {"python3", 5000, 1, 777};
    QCOMPARE(otherLoad(w.before, w.after)->cores, 0.0);
    QVERIFY(runWarnings(w).isEmpty());
    // Pid 30 again under the same name, but started anew: all of its ticks are new.
    w.after.processes[30] = {"bash", 5060, 1, 900};
    QCOMPARE(otherLoad(w.before, w.after)->cores, 2.0);  // the whole machine, at most
  }

  // A data-parallel rank: its launcher and sibling ranks are the run, a stranger still counts,
  // and the machine's unlisted busy time (a rank that ended before the last look) does not.
  void runProcessesAreNotOthers() {
    Window w = quietWindow();
    addBusy(w, 40, "trainbench-cli", 90);
    addBusy(w, 41, "trainbench-cli", 5);
    addBusy(w, 50, "yes", 60);
    w.before.cpuIdle = 500;
    w.after.cpuIdle = 500 + 10;  // 190 of 200 jiffies busy: a rank gone before the last look
    w.before.selfTicks = 1000;
    w.after.selfTicks = 1000 + 20;
    DisturbanceThresholds thresholds;
    thresholds.runProcesses = {40, 41};
    thresholds.countUnlisted = false;
    const auto load = otherLoad(w.before, w.after, thresholds);
    QVERIFY(load);
    QCOMPARE(load->cores, 0.6);
    QCOMPARE(load->topNames, std::vector<std::string>{"yes"});
    QCOMPARE(disturbanceWarnings(w.before, w.after, thresholds).size(), std::size_t(1));
    w.after.processes.erase(50);
    QVERIFY(disturbanceWarnings(w.before, w.after, thresholds).empty());
  }

  // The app's check before a data-parallel run: the trainbench-cli it started and that one's
  // ranks are the run (they were named as load to close), in the named processes and in the
  // machine's busy time alike.
  void callersChildrenAreTheRun() {
    Window w = quietWindow();
    w.after.processes[60] = {"trainbench-cli", 5, 500, 1};  // the app (500)'s child
    w.after.processes[61] = {"trainbench-cli", 90, 60, 2};  // its ranks
    w.after.processes[62] = {"trainbench-cli", 85, 60, 2};
    w.after.processes[70] = {"bash", 0, 1, 3};
    QCOMPARE(descendantsOf(500, w.after), (std::set<int>{60, 61, 62}));
    w.before.cpuIdle = 500;
    w.after.cpuIdle = 500 + 15;  // 185 of 200 jiffies busy: the ranks' 180, and 5 of the app's
    w.before.selfTicks = 100;
    w.after.selfTicks = 105;
    DisturbanceThresholds thresholds;
    thresholds.runProcesses = descendantsOf(500, w.after);
    QVERIFY(busyMachineWarnings(w.before, w.after, thresholds).empty());
    QVERIFY(!busyMachineWarnings(w.before, w.after).empty());  // as it was: "close them"
  }

  // Kernel threads and interrupts are busy time no user process accounts for, and often the
  // run's own (writeback, its network): not "other processes" (that read as disturbed).
  void kernelWorkIsNotOtherLoad() {
    Window w = quietWindow();
    w.before.cpuIdle = 500;
    w.after.cpuIdle = 500 + 80;  // 120 of the 200 jiffies busy...
    w.before.selfTicks = 1000;
    w.after.selfTicks = 1000 + 50;  // ...50 of them the run's...
    w.before.kernelThreads[77] = {"kworker/u8:0", 100};
    w.after.kernelThreads[77] = {"kworker/u8:0", 100 + 40};  // ...40 a kernel thread's...
    w.before.cpuInterrupts = 10;
    w.after.cpuInterrupts = 10 + 30;  // ...and 30 interrupts'
    QVERIFY2(!fired(w, QStringLiteral("Other processes")), qPrintable(runWarnings(w).join('|')));
    QVERIFY(runWarnings(w).isEmpty());
    w.after.kernelThreads.clear();  // the same busy time, unexplained: another's load
    w.after.cpuInterrupts = 10;
    QVERIFY2(fired(w, QStringLiteral("Other processes")), qPrintable(runWarnings(w).join('|')));
  }

  // Without the machine's CPU time, or when none passed, there is no honest figure.
  // Compiler runs that start and end within the window appear in no listing; the machine's busy
  // time less this process's own still counts them (as unnamed load).
  void otherLoadCountsProcessesNeverListed() {
    Window w = quietWindow();
    w.before.cpuIdle = 500;
    w.after.cpuIdle = 500 + 40;  // 160 of the 200 jiffies were busy...
    w.before.selfTicks = 1000;
    w.after.selfTicks = 1000 + 30;  // ...30 of them this process's own
    const auto load = otherLoad(w.before, w.after);
    QVERIFY(load);
    QVERIFY(std::fabs(load->cores - 1.3) < 1e-9);  // (160 - 30) / 100 ticks of wall time
    QCOMPARE(load->processes, 0);
    QVERIFY(!disturbanceWarnings(w.before, w.after).empty());
    // Without this process's own ticks the machine figure is not used.
    w.after.selfTicks.reset();
    QCOMPARE(otherLoad(w.before, w.after)->cores, 0.0);
  }

  // Over a few ticks one stray tick of a neighbour looks like a busy core: no CPU verdict for
  // runs shorter than half a second.
  void shortWindowGivesNoCpuVerdict() {
    Window w = quietWindow();
    w.after.cpuTotal = 1000 + 40;  // 20 ticks of wall time on 2 CPUs
    w.after.cpuSteal = 3 + 10;
    addBusy(w, 10, "cc1plus", 20);
    QVERIFY(!otherLoad(w.before, w.after));
    QVERIFY(disturbanceWarnings(w.before, w.after).empty());
  }

  void otherLoadNeedsElapsedTime() {
    Window w = quietWindow();
    w.after.cpuTotal = w.before.cpuTotal;
    QVERIFY(!otherLoad(w.before, w.after));
    w = quietWindow();
    w.before.cpuTotal.reset();
    QVERIFY(!otherLoad(w.before, w.after));
    w = quietWindow();
    w.before.logicalCpus = w.after.logicalCpus = 0;
    QVERIFY(!otherLoad(w.before, w.after));
  }

  // A quiet machine gives no warning, before or after a run.
  void quietMachineIsQuiet() {
    QVERIFY(runWarnings(quietWindow()).isEmpty());
    QVERIFY(busyWarnings(quietWindow()).isEmpty());
  }

  // Each rule fires just past its threshold and stays silent just short of it.
  void otherProcessesThreshold() {
    Window w = quietWindow();
    addBusy(w, 10, "stress", 51);  // 0.51 cores
    QVERIFY(fired(w, "Other processes used 0.5 of 2 cores"));
    w = quietWindow();
    addBusy(w, 10, "stress", 49);
    QVERIFY(runWarnings(w).isEmpty());
  }
  void stealThreshold() {
    Window w = quietWindow();
    w.after.cpuSteal = 3 + 11;  // 5.5% of 200 jiffies
    QVERIFY(fired(w, "The hypervisor took"));
    w.after.cpuSteal = 3 + 9;
    QVERIFY(runWarnings(w).isEmpty());
  }
  void clockThreshold() {
    Window w = quietWindow();
    w.after.clockRatio = 0.79;
    QVERIFY(fired(w, "The CPU clock ran at 79% of its maximum"));
    w.after.clockRatio = 0.81;
    QVERIFY(runWarnings(w).isEmpty());
    w.before.clockRatio = 0.5;  // only the clock at the end counts
    QVERIFY(runWarnings(w).isEmpty());
  }
  void throttleThreshold() {
    Window w = quietWindow();
    w.after.throttleEvents = 8;
    QVERIFY(fired(w, "The CPU throttled for heat once during the run"));
    w.after.throttleEvents = 7;
    QVERIFY(runWarnings(w).isEmpty());
    w.before.throttleEvents.reset();  // a counter read only once says nothing about the run
    w.after.throttleEvents = 100;
    QVERIFY(runWarnings(w).isEmpty());
  }
  void batteryEitherSnapshot() {
    Window w = quietWindow();
    w.before.onBattery = true;
    QVERIFY(fired(w, "The machine was on battery"));
    w = quietWindow();
    w.after.onBattery = true;
    QVERIFY(fired(w, "The machine was on battery"));
    w.before.onBattery.reset();
    w.after.onBattery.reset();
    QVERIFY(runWarnings(w).isEmpty());
  }
  void memoryThresholds() {
    Window w = quietWindow();
    w.after.memAvailableMb = 1023.0;
    QVERIFY(fired(w, "Only 1023 MiB of memory was free"));
    w.after.memAvailableMb = 1025.0;
    QVERIFY(runWarnings(w).isEmpty());
    // On a big machine the share decides: 5% of 64000 MB is 3200 MB.
    w.before.memTotalMb = w.after.memTotalMb = 64000.0;
    w.after.memAvailableMb = 3199.0;
    QVERIFY(fired(w, "Only 3199 MiB of memory was free"));
    w.after.memAvailableMb = 3201.0;
    QVERIFY(runWarnings(w).isEmpty());
    // The lower of the two readings counts.
    w.before.memAvailableMb = 480.0;
    QVERIFY(fired(w, "Only 480 MiB of memory was free"));
  }

  // Everything wrong at once: the exact sentences, in the documented order.
  void runWarningsWordingAndOrder() {
    Window w = quietWindow();
    addBusy(w, 10, "ninja", 40);
    addBusy(w, 11, "cc1plus", 150);
    w.after.cpuSteal = 3 + 24;
    w.after.clockRatio = 0.62;
    w.after.throttleEvents = 7 + 14;
    w.after.onBattery = true;
    w.after.memAvailableMb = 480.0;
    const QStringList expected{
        "Other processes used 1.9 of 2 cores during the run (most: cc1plus, ninja): results "
        "are slower and noisier. Close them, or run with fewer threads.",
        "The hypervisor took 12% of the CPU time (steal) during the run: another virtual "
        "machine shares these cores.",
        "The CPU clock ran at 62% of its maximum: power saving or heat slowed the run; plug in, "
        "check cooling or use the performance governor.",
        "The CPU throttled for heat 14 times during the run: let it cool down or improve "
        "cooling before repeating.",
        "The machine was on battery: laptops slow down to save power; plug it in.",
        "Only 480 MiB of memory was free: the run may have swapped; close other programs.",
    };
    QCOMPARE(runWarnings(w), expected);
  }

  // The pre-run sentences, plural and singular, with battery and memory in the present tense.
  void busyMachineWording() {
    Window w = quietWindow();
    addBusy(w, 10, "ninja", 40);
    addBusy(w, 11, "cc1plus", 150);
    w.before.onBattery = true;
    w.after.memAvailableMb = 480.0;
    const QStringList expected{
        "2 other processes (cc1plus, ninja) are using 1.9 of 2 cores: results will be slower "
        "and noisier. Close "
        "them, or run with fewer threads.",
        "The machine is on battery: laptops slow down to save power; plug it in.",
        "Only 480 MiB of memory is free: the run may swap; close other programs.",
    };
    QCOMPARE(busyWarnings(w), expected);

    w = quietWindow();
    addBusy(w, 10, "stress", 120);
    QCOMPARE(busyWarnings(w), QStringList{"1 other process (stress) is using 1.2 of 2 cores: results will "
                                          "be slower and noisier. Close them, or run with fewer "
                                          "threads."});
  }

  // A German desktop must still read "1.9", or the sentences differ between machines.
  void numbersIgnoreTheLocale() {
    const std::locale previous =
        std::locale::global(std::locale(std::locale::classic(), new CommaDecimal));
    Window w = quietWindow();
    addBusy(w, 11, "cc1plus", 190);
    const QStringList warnings = runWarnings(w);
    std::locale::global(previous);
    QCOMPARE(warnings.size(), 1);
    QVERIFY2(warnings.front().contains("1.9 of 2 cores"), qPrintable(warnings.front()));
  }
};

QTEST_GUILESS_MAIN(TestDisturbance)
#include "tst_disturbance.moc"
