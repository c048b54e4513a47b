// Tests for the machine disturbance check: reading /proc and /sys (from fake trees written here),
// the other-process arithmetic, each warning rule at its threshold, and the exact sentences.
#include "machine/disturbance.h"
#include "machine/machine_snapshot.h"

#include "../support/fake_machine.h"

#include <unistd.h>

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

using tbtest::FakeMachine;

// A /proc/<pid>/stat line; utime and stime are fields 14 and 15.
QByteArray procStat(int pid, const QByteArray& comm, int utime, int stime) {
  return QByteArray::number(pid) + " (" + comm + ") S 1 " + QByteArray::number(pid) +
         " 1 0 -1 4194560 500 0 12 0 " + QByteArray::number(utime) + " " +
         QByteArray::number(stime) + " 0 0 20 0 1 0 100 0 0\n";
}

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
  // One pass over a fake tree reads every counter; odd process names survive intact, a process
  // that vanished (no stat file) and the caller itself are left out, and "cpufreq" next to the
  // cpuN folders is not mistaken for a CPU.
  void readsFakeTree() {
    FakeMachine fake;
    fake.write("proc/stat",
               "cpu  100 20 30 400 50 6 7 8 90 10\n"
               "cpu0 50 10 15 200 25 3 3 4 45 5\n"
               "cpu1 50 10 15 200 25 3 4 4 45 5\n"
               "intr 1 2 3\nctxt 99\n");
    fake.write("proc/1/stat", procStat(1, "systemd", 10, 5));
    // A kernel thread (parent 2) is the machine's own work, never "another process".
    fake.write("proc/77/stat", "77 (kworker/u8:0-events) I 2 0 0 0 -1 69238880 0 0 0 0 900 900 0 0 "
                               "20 0 1 0 100 0 0\n");
    // In a container with its own pid namespace, pid 2 is an ordinary process (a shell), and so
    // are its children: load a user can close. The kernel's flag, not the parent, tells.
    fake.write("proc/2/stat", procStat(2, "bash", 1, 1));
    fake.write("proc/78/stat", procStat(78, "yes", 300, 0).replace(" S 1 ", " R 2 "));
    fake.write("proc/42/stat", procStat(42, "my (odd) proc) x", 7, 8));
    fake.write("proc/43/stat", procStat(43, "tmux: server", 1, 2));
    fake.mkdir("proc/99");  // exited between the listing and the read
    fake.write("proc/500/stat", procStat(500, "trainbench", 1000, 10));
    fake.write("proc/self/stat", procStat(500, "trainbench", 1000, 10));
    fake.write("proc/meminfo",
               "MemTotal:       16384000 kB\nMemFree:  100 kB\nMemAvailable:    8192000 kB\n");
    const QString cpu = "sys/devices/system/cpu/";
    fake.write(cpu + "cpu0/thermal_throttle/core_throttle_count", "3\n");
    fake.write(cpu + "cpu0/thermal_throttle/package_throttle_count", "5\n");
    fake.write(cpu + "cpu1/thermal_throttle/core_throttle_count", "2\n");
    fake.write(cpu + "cpu1/thermal_throttle/package_throttle_count", "5\n");
    fake.write(cpu + "cpufreq/thermal_throttle/core_throttle_count", "1000\n");
    fake.write(cpu + "cpu0/cpufreq/scaling_cur_freq", "2000000\n");
    fake.write(cpu + "cpu0/cpufreq/cpuinfo_max_freq", "4000000\n");
    fake.write(cpu + "cpu1/cpufreq/scaling_cur_freq", "3000000\n");
    fake.write(cpu + "cpu1/cpufreq/cpuinfo_max_freq", "4000000\n");
    fake.write("sys/class/power_supply/BAT0/type", "Battery\n");
    fake.write("sys/class/power_supply/BAT0/status", "Discharging\n");

    const MachineSnapshot s = readMachineSnapshot(fake.roots(), 500);
    QCOMPARE(s.cpuTotal, std::optional<std::uint64_t>(100 + 20 + 30 + 400 + 50 + 6 + 7 + 8));
    QCOMPARE(s.cpuIdle, std::optional<std::uint64_t>(450));
    QCOMPARE(s.cpuSteal, std::optional<std::uint64_t>(8));
    QCOMPARE(s.logicalCpus, 2);
    QCOMPARE(s.processes.size(), std::size_t(5));
    QVERIFY(s.processes.count(77) == 0);  // the kworker: the machine's own work
    QCOMPARE(s.kernelThreads.at(77).ticks, std::uint64_t(1800));
    QCOMPARE(s.cpuInterrupts, std::optional<std::uint64_t>(6 + 7));
    QCOMPARE(s.processes.at(78).name, std::string("yes"));
    QCOMPARE(s.processes.at(78).parent, 2);
    QCOMPARE(s.processes.at(1).name, std::string("systemd"));
    QCOMPARE(s.processes.at(1).ticks, std::uint64_t(15));
    QCOMPARE(s.processes.at(42).name, std::string("my (odd) proc) x"));
    QCOMPARE(s.processes.at(42).ticks, std::uint64_t(15));
    QCOMPARE(s.processes.at(43).name, std::string("tmux: server"));
    // Parent and start time (fields 4 and 22) tell the run's own ranks and reused pids apart.
    QCOMPARE(s.processes.at(42).parent, 1);
    QCOMPARE(s.processes.at(42).startTime, std::uint64_t(100));
    // Core counts add up; the package's, repeated on each of its CPUs, counts once.
    QCOMPARE(s.throttleEvents, std::optional<std::uint64_t>(3 + 2 + 5));
    QVERIFY(s.clockRatio);
    QCOMPARE(*s.clockRatio, 0.75);  // the fastest CPU: idle ones clock down at once
    QCOMPARE(s.onBattery, std::optional<bool>(true));
    QCOMPARE(s.memTotalMb, std::optional<double>(16000.0));
    QCOMPARE(s.memAvailableMb, std::optional<double>(8000.0));
  }

  // Two packages of one core with two hardware threads each: a core's counter, repeated on its
  // threads, counts once; each package's counts once, and the second package's events are not
  // hidden behind the first's larger count (the largest of them was taken before).
  void throttleCountsOncePerCoreAndPackage() {
    FakeMachine fake;
    fake.mkdir("proc");
    const QString cpu = "sys/devices/system/cpu/";
    const struct {
      const char* name;
      const char* package;
      int core;
      int package_count;
    } cpus[] = {{"cpu0", "0", 4, 1000}, {"cpu1", "0", 4, 1000}, {"cpu2", "1", 4, 9}, {"cpu3", "1", 4, 9}};
    for (const auto& one : cpus) {
      const QString dir = cpu + one.name;
      fake.write(dir + "/topology/physical_package_id", QByteArray(one.package) + "\n");
      fake.write(dir + "/topology/core_id", QByteArray::number(one.core) + "\n");
      fake.write(dir + "/thermal_throttle/core_throttle_count", QByteArray(one.package) == "0" ? "3\n" : "2\n");
      fake.write(dir + "/thermal_throttle/package_throttle_count",
                 QByteArray::number(one.package_count) + "\n");
    }
    const MachineSnapshot s = readMachineSnapshot(fake.roots(), 1);
    QCOMPARE(s.throttleEvents, std::optional<std::uint64_t>(3 + 2 + 1000 + 9));
  }

  // A container or VM without these files gives "unknown" everywhere, not zeros or a throw.
  void emptyTreeGivesUnknowns() {
    FakeMachine fake;
    fake.mkdir("proc");
    const MachineSnapshot s = readMachineSnapshot(fake.roots(), 1);
    QVERIFY(!s.cpuTotal && !s.cpuIdle && !s.cpuSteal);
    QCOMPARE(s.logicalCpus, 0);
    QVERIFY(s.processes.empty());
    QVERIFY(!s.throttleEvents && !s.clockRatio && !s.onBattery);
    QVERIFY(!s.memAvailableMb && !s.memTotalMb);
  }

  // Garbage is "unknown" too; old kernels without steal still give the total.
  void garbageGivesUnknowns() {
    FakeMachine fake;
    fake.write("proc/stat", "cpu 1 2 x 4\ncpu0 1 2 3 4\n");
    fake.write("proc/7/stat", "7 (broken");
    fake.write("proc/meminfo", "MemTotal: lots kB\n");
    MachineSnapshot s = readMachineSnapshot(fake.roots(), 1);
    QVERIFY(!s.cpuTotal);
    QCOMPARE(s.logicalCpus, 1);
    QVERIFY(s.processes.empty());
    QVERIFY(!s.memTotalMb);
    fake.write("proc/stat", "cpu 10 20 30 40\n");
    s = readMachineSnapshot(fake.roots(), 1);
    QCOMPARE(s.cpuTotal, std::optional<std::uint64_t>(100));
    QVERIFY(!s.cpuSteal);
  }

  // What powers the machine: -1 means unknown, 0 mains, 1 battery. A wireless mouse's battery
  // (scope Device) and a second, unplugged Mains port must not count.
  void readsPowerSupplies_data() {
    QTest::addColumn<QStringList>("files");
    QTest::addColumn<int>("expected");
    QTest::newRow("no supplies") << QStringList{} << -1;
    QTest::newRow("battery discharging")
        << QStringList{"BAT0/type=Battery", "BAT0/status=Discharging"} << 1;
    QTest::newRow("battery charging")
        << QStringList{"BAT0/type=Battery", "BAT0/status=Charging", "AC/type=Mains", "AC/online=1"}
        << 0;
    QTest::newRow("mains offline") << QStringList{"AC/type=Mains", "AC/online=0"} << 1;
    QTest::newRow("desktop mains") << QStringList{"AC/type=Mains", "AC/online=1"} << 0;
    QTest::newRow("one of two mains online")
        << QStringList{"AC/type=Mains", "AC/online=1", "USBC/type=Mains", "USBC/online=0"} << 0;
    QTest::newRow("mouse battery only")
        << QStringList{"hid/type=Battery", "hid/scope=Device", "hid/status=Discharging"} << -1;
  }
  void readsPowerSupplies() {
    QFETCH(QStringList, files);
    QFETCH(int, expected);
    FakeMachine fake;
    fake.mkdir("sys/class/power_supply");
    for (const QString& file : files) {
      const auto parts = file.split('=');
      fake.write("sys/class/power_supply/" + parts[0], parts[1].toUtf8() + "\n");
    }
    const auto onBattery = readMachineSnapshot(fake.roots(), 1).onBattery;
    QCOMPARE(onBattery ? int(*onBattery) : -1, expected);
  }

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
    QVERIFY(fired(w, "Only 1023 MB of memory was free"));
    w.after.memAvailableMb = 1025.0;
    QVERIFY(runWarnings(w).isEmpty());
    // On a big machine the share decides: 5% of 64000 MB is 3200 MB.
    w.before.memTotalMb = w.after.memTotalMb = 64000.0;
    w.after.memAvailableMb = 3199.0;
    QVERIFY(fired(w, "Only 3199 MB of memory was free"));
    w.after.memAvailableMb = 3201.0;
    QVERIFY(runWarnings(w).isEmpty());
    // The lower of the two readings counts.
    w.before.memAvailableMb = 480.0;
    QVERIFY(fired(w, "Only 480 MB of memory was free"));
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
        "Only 480 MB of memory was free: the run may have swapped; close other programs.",
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
        "Only 480 MB of memory is free: the run may swap; close other programs.",
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

  // Smoke test on the real machine: the CPUs are found and the caller is not its own competitor.
  void readsRealProc() {
#ifdef __linux__
    const int self = static_cast<int>(getpid());
    const MachineSnapshot s = readMachineSnapshot({}, self);
    QVERIFY(s.logicalCpus >= 1);
    QVERIFY(s.cpuTotal);
    QVERIFY(!s.processes.empty());
    QVERIFY(s.processes.count(self) == 0);
#else
    QSKIP("/proc is Linux-only");
#endif
  }
};

QTEST_GUILESS_MAIN(TestDisturbance)
#include "tst_disturbance.moc"
