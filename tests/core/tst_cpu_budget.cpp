// Tests for the default CPU thread count: the cgroup quota read from fake /proc and /sys trees
// (v2 and v1, nested and container layouts) and the choice between cores, affinity and quota.
#include "machine/cpu_budget.h"

#include "../support/fake_machine.h"

#include <QtTest>

using namespace tb;

namespace {

// A fake /proc/self/cgroup and /sys/fs/cgroup in a temporary folder.
class FakeCgroups {
 public:
  tb::MachineRoots roots() const { return m_machine.roots(); }
  void selfCgroup(const QByteArray& text) { m_machine.write("proc/self/cgroup", text); }
  void meminfo(const QByteArray& text) { m_machine.write("proc/meminfo", text); }
  // A file under sys/fs/cgroup.
  void cgroupFile(const QString& relative, const QByteArray& text) {
    m_machine.write("sys/fs/cgroup/" + relative, text + "\n");
  }

 private:
  tbtest::FakeMachine m_machine;
};

}  // namespace

class TestCpuBudget : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // "max" is cgroup v2's "no limit": the host's cores are all there is to know.
  void v2UnlimitedIsUnknown() {
    FakeCgroups fake;
    fake.selfCgroup("0::/user.slice/app\n");
    fake.cgroupFile("user.slice/app/cpu.max", "max 100000");
    QVERIFY(!cgroupCpuQuota(fake.roots()));
  }

  // Quota over period: Docker's --cpus=1.5.
  void v2Quota() {
    FakeCgroups fake;
    fake.selfCgroup("0::/user.slice/app\n");
    fake.cgroupFile("user.slice/app/cpu.max", "150000 100000");
    QCOMPARE(cgroupCpuQuota(fake.roots()), std::optional<double>(1.5));
  }

  // A parent's limit caps its children, however generous theirs is.
  void v2TighterParentWins() {
    FakeCgroups fake;
    fake.selfCgroup("0::/kubepods/pod1/box\n");
    fake.cgroupFile("kubepods/pod1/box/cpu.max", "300000 100000");
    fake.cgroupFile("kubepods/pod1/cpu.max", "100000 100000");
    fake.cgroupFile("kubepods/cpu.max", "max 100000");
    QCOMPARE(cgroupCpuQuota(fake.roots()), std::optional<double>(1.0));
  }

  // Inside a container the process sees "0::/" and its limit sits at the mounted root; older
  // runtimes show the host's path, which does not exist inside, so the root must still be read.
  void v2ContainerRoot() {
    FakeCgroups fake;
    fake.selfCgroup("0::/\n");
    fake.cgroupFile("cpu.max", "200000 100000");
    QCOMPARE(cgroupCpuQuota(fake.roots()), std::optional<double>(2.0));
    fake.selfCgroup("0::/docker/abc\n");
    QCOMPARE(cgroupCpuQuota(fake.roots()), std::optional<double>(2.0));
  }

  // cgroup v1: quota -1 is no limit; the files live under the joined controller names or "cpu".
  void v1Quota() {
    FakeCgroups fake;
    fake.selfCgroup("9:name=systemd:/docker/abc\n4:cpu,cpuacct:/docker/abc\n3:cpuset:/\n");
    fake.cgroupFile("cpu,cpuacct/docker/abc/cpu.cfs_quota_us", "-1");
    fake.cgroupFile("cpu,cpuacct/docker/abc/cpu.cfs_period_us", "100000");
    QVERIFY(!cgroupCpuQuota(fake.roots()));
    fake.cgroupFile("cpu,cpuacct/docker/abc/cpu.cfs_quota_us", "200000");
    QCOMPARE(cgroupCpuQuota(fake.roots()), std::optional<double>(2.0));

    FakeCgroups linked;  // distributions that mount only the "cpu" name
    linked.selfCgroup("4:cpu,cpuacct:/docker/abc\n");
    linked.cgroupFile("cpu/docker/abc/cpu.cfs_quota_us", "50000");
    linked.cgroupFile("cpu/docker/abc/cpu.cfs_period_us", "100000");
    QCOMPARE(cgroupCpuQuota(linked.roots()), std::optional<double>(0.5));
  }

  // A container's memory limit (docker --memory=3g): the tightest of the cgroup and its
  // parents, in v2's memory.max ("max": none) and v1's memory.limit_in_bytes (2^63: none). The
  // memory a run may use is the machine's or that limit, whichever is smaller.
  void memoryLimitOfTheCgroup() {
    FakeCgroups v2;
    v2.selfCgroup("0::/kubepods/pod1/box\n");
    v2.cgroupFile("kubepods/pod1/box/memory.max", "max");
    QVERIFY(!cgroupMemoryLimitBytes(v2.roots()));
    v2.cgroupFile("kubepods/pod1/memory.max", "3221225472");
    v2.cgroupFile("kubepods/memory.max", "8589934592");
    QCOMPARE(cgroupMemoryLimitBytes(v2.roots()), std::optional<double>(3221225472.0));
    QCOMPARE(usableMemoryBytes(v2.roots()), std::optional<double>(3221225472.0));

    FakeCgroups v1;
    v1.selfCgroup("7:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n");
    v1.cgroupFile("memory/docker/abc/memory.limit_in_bytes", "9223372036854771712");
    QVERIFY(!cgroupMemoryLimitBytes(v1.roots()));
    v1.cgroupFile("memory/docker/abc/memory.limit_in_bytes", "1073741824");
    QCOMPARE(cgroupMemoryLimitBytes(v1.roots()), std::optional<double>(1073741824.0));
    // A limit above the machine's memory limits nothing.
    v1.cgroupFile("memory/docker/abc/memory.limit_in_bytes", "1152921504606846976");
    QVERIFY(usableMemoryBytes(v1.roots()) < std::optional<double>(1152921504606846976.0));
  }

  // Free memory is the kernel's MemAvailable, or what a container's limit leaves beside its
  // processes' memory where that is less; the cache of files read counts as free.
  void freeMemoryIsTheTightestOfMachineAndContainer() {
    FakeCgroups fake;
    fake.meminfo(
        "MemTotal:       16384000 kB\nMemFree:         1000000 kB\n"
        "MemAvailable:    8192000 kB\n");
    QCOMPARE(availableMemoryBytes(fake.roots()), std::optional<double>(8192000.0 * 1024));
    fake.selfCgroup("0::/box\n");
    fake.cgroupFile("box/memory.max", "4294967296");
    fake.cgroupFile("box/memory.current", "3221225472");
    fake.cgroupFile("box/memory.stat", "anon 1073741824\ninactive_file 2147483648\n");
    // 4 GiB less the 1 GiB in use beside 2 GiB of cache: 3 GiB.
    QCOMPARE(availableMemoryBytes(fake.roots()), std::optional<double>(3221225472.0));
    fake.cgroupFile("box/memory.max", "max");
    QCOMPARE(availableMemoryBytes(fake.roots()), std::optional<double>(8192000.0 * 1024));

    FakeCgroups v1;
    v1.selfCgroup("7:memory:/docker/abc\n");
    v1.cgroupFile("memory/docker/abc/memory.limit_in_bytes", "1073741824");
    v1.cgroupFile("memory/docker/abc/memory.usage_in_bytes", "1073741824");
    v1.cgroupFile("memory/docker/abc/memory.stat", "total_inactive_file 0\n");
    // At its limit it has none free, whatever the machine has; without MemAvailable too.
    QCOMPARE(availableMemoryBytes(v1.roots()), std::optional<double>(0.0));
    QVERIFY(!availableMemoryBytes(FakeCgroups().roots()));
  }

  // "cpuset" pins CPUs (affinity covers it) but is not the "cpu" controller with a quota.
  void v1CpusetIsNotCpu() {
    FakeCgroups fake;
    fake.selfCgroup("3:cpuset:/docker/abc\n");
    fake.cgroupFile("cpuset/docker/abc/cpu.cfs_quota_us", "50000");
    fake.cgroupFile("cpuset/docker/abc/cpu.cfs_period_us", "100000");
    QVERIFY(!cgroupCpuQuota(fake.roots()));
  }

  // A cpuset (Slurm's job, `docker --cpuset-cpus`) binds every process of the cgroup: four
  // ranks of 4 threads in a job of 4 CPUs share those 4, on a 64-CPU machine. The fewest from
  // the cgroup up counts; v1 names it under the cpuset controller.
  void cpusetNarrowsTheMachine() {
    FakeCgroups fake;
    fake.selfCgroup("0::/slurm/job1/step0\n");
    fake.cgroupFile("slurm/job1/step0/cpuset.cpus.effective", "0-1,8,10-11");
    fake.cgroupFile("slurm/cpuset.cpus.effective", "0-63");
    QCOMPARE(cgroupCpusetCount(fake.roots()), std::optional<int>(5));
    QVERIFY(machineCpuCount(fake.roots()) <= 5);
    fake.cgroupFile("slurm/job1/step0/cpuset.cpus.effective", "");  // none set: unknown
    QCOMPARE(cgroupCpusetCount(fake.roots()), std::optional<int>(64));

    FakeCgroups v1;
    v1.selfCgroup("4:cpu,cpuacct:/docker/abc\n3:cpuset:/docker/abc\n");
    v1.cgroupFile("cpuset/docker/abc/cpuset.cpus", "2-3");
    QCOMPARE(cgroupCpusetCount(v1.roots()), std::optional<int>(2));
    v1.cgroupFile("cpuset/docker/abc/cpuset.cpus", "banana");
    QVERIFY(!cgroupCpusetCount(v1.roots()));
    QVERIFY(!cgroupCpusetCount(FakeCgroups().roots()));
  }

  // No cgroup file, or no limit files (no cgroup file system, odd mounts): unknown, never a throw.
  void missingFilesAreUnknown() {
    FakeCgroups fake;
    QVERIFY(!cgroupCpuQuota(fake.roots()));
    fake.selfCgroup("0::/user.slice\n");
    QVERIFY(!cgroupCpuQuota(fake.roots()));
    fake.cgroupFile("user.slice/cpu.max", "garbage");
    QVERIFY(!cgroupCpuQuota(fake.roots()));
  }

  // The smallest of cores, affinity and quota (rounded up: 1.5 CPUs still run two threads),
  // unknowns left out, and never less than one thread.
  void defaultThreadCountChoices() {
    QCOMPARE(defaultThreadCount(8, 4, std::nullopt), 4);
    QCOMPARE(defaultThreadCount(8, 4, 1.5), 2);
    QCOMPARE(defaultThreadCount(8, std::nullopt, 1.5), 2);
    QCOMPARE(defaultThreadCount(8, std::nullopt, std::nullopt), 8);
    QCOMPARE(defaultThreadCount(4, 16, 6.0), 4);
    QCOMPARE(defaultThreadCount(8, 0, 0.0), 8);  // nonsense readings do not limit
    QCOMPARE(defaultThreadCount(8, std::nullopt, 0.1), 1);
    QCOMPARE(defaultThreadCount(0, std::nullopt, std::nullopt), 1);
  }

  // More threads than CPUs queue for them: the warning names both counts and what to use.
  void tooManyThreadsAreSaid() {
    const std::string warning = tooManyThreadsWarning(8, 2);
    QVERIFY2(warning.find("8 CPU threads") != std::string::npos, warning.c_str());
    QVERIFY2(warning.find("may run on only 2 CPUs") != std::string::npos, warning.c_str());
    QVERIFY2(warning.find("2 threads or fewer") != std::string::npos, warning.c_str());
    QVERIFY(tooManyThreadsWarning(2, 1).find("only 1 CPU:") != std::string::npos);
    QVERIFY(tooManyThreadsWarning(2, 2).empty());
    QVERIFY(tooManyThreadsWarning(1, 2).empty());
    QVERIFY(tooManyThreadsWarning(4, 0).empty());  // unknown: no claim
    QVERIFY(usableCpuCount() >= 1);
  }

  // The real affinity mask holds at least the CPU this test runs on.
  void realAffinity() {
#ifdef __linux__
    const auto cpus = affinityCpuCount();
    QVERIFY(cpus && *cpus >= 1);
#else
    QSKIP("sched_getaffinity is Linux-only");
#endif
  }
};

QTEST_GUILESS_MAIN(TestCpuBudget)
#include "tst_cpu_budget.moc"
