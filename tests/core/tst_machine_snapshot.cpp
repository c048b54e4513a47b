// Tests for reading the machine's state from /proc and /sys (fake trees written here, and the
// real ones): CPU time, processes and kernel threads, throttle counters, clocks, power, memory.
#include "machine/machine_snapshot.h"

#include "../support/fake_machine.h"

#include <unistd.h>

#include <QtTest>

#include <string>

using namespace tb;

namespace {

using tbtest::FakeMachine;

// A /proc/<pid>/stat line; utime and stime are fields 14 and 15.
QByteArray procStat(int pid, const QByteArray& comm, int utime, int stime) {
  return QByteArray::number(pid) + " (" + comm + ") S 1 " + QByteArray::number(pid) +
         " 1 0 -1 4194560 500 0 12 0 " + QByteArray::number(utime) + " " +
         QByteArray::number(stime) + " 0 0 20 0 1 0 100 0 0\n";
}

}  // namespace

class TestMachineSnapshot : public QObject {
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
    // A full line, to field 39: the CPU it last ran on.
    fake.write("proc/44/stat", "44 (stress) R 1 44 1 0 -1 4194560 500 0 12 0 300 0 0 0 20 0 1 0 "
                               "100 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n");
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
    QCOMPARE(s.processes.size(), std::size_t(6));
    // Each CPU's own line, for a run pinned to some of them.
    QCOMPARE(s.perCpu.size(), std::size_t(2));
    QCOMPARE(s.perCpu.at(0).total, std::uint64_t(50 + 10 + 15 + 200 + 25 + 3 + 3 + 4));
    QCOMPARE(s.perCpu.at(0).idle, std::uint64_t(225));
    QCOMPARE(s.perCpu.at(1).interrupts, std::uint64_t(3 + 4));
    QCOMPARE(s.perCpu.at(1).steal, std::uint64_t(4));
    QCOMPARE(s.processes.at(44).lastCpu, 1);
    QCOMPARE(s.processes.at(44).ticks, std::uint64_t(300));
    QCOMPARE(s.processes.at(1).lastCpu, -1);  // a line that stops early: not known
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

QTEST_GUILESS_MAIN(TestMachineSnapshot)
#include "tst_machine_snapshot.moc"
