// Tests for a process's place in a data-parallel run: read from torchrun's, Slurm's and Open
// MPI's environments and the flags, with errors that name the variable or flag at fault. A wrong
// placement does not fail on its own: it hangs at the rendezvous, so each rule is pinned here.
#include "dist/launch_env.h"

#include <QtTest>

#include <map>
#include <vector>

using namespace tb;

namespace {

using Env = std::map<std::string, std::string>;

EnvLookup lookup(Env env) {
  return [env = std::move(env)](const std::string& name) -> std::optional<std::string> {
    const auto found = env.find(name);
    if (found == env.end()) return std::nullopt;
    return found->second;
  };
}

RankPlacement read(const Env& env, const LaunchFlags& flags = {}) {
  return readPlacement(lookup(env), flags);
}

QString text(const std::string& value) { return QString::fromStdString(value); }

const Env kTorchrun{{"RANK", "3"},
                    {"LOCAL_RANK", "1"},
                    {"WORLD_SIZE", "4"},
                    {"MASTER_ADDR", "n0"},
                    {"MASTER_PORT", "29400"},
                    {"GROUP_RANK", "1"},
                    {"LOCAL_WORLD_SIZE", "2"},
                    {"TORCHELASTIC_RUN_ID", "bench"}};

// A task of an srun step, as srun sets them.
const Env kSlurm{{"SLURM_PROCID", "5"},
                 {"SLURM_LOCALID", "1"},
                 {"SLURM_NTASKS", "8"},
                 {"SLURM_STEP_ID", "0"},
                 {"SLURM_STEP_NUM_TASKS", "8"},
                 {"SLURM_JOB_NODELIST", "gpu[03-04]"},
                 {"SLURM_NODELIST", "gpu[03-04]"}};

const Env kOpenMpi{{"OMPI_COMM_WORLD_RANK", "2"},
                   {"OMPI_COMM_WORLD_SIZE", "4"},
                   {"OMPI_COMM_WORLD_LOCAL_RANK", "0"},
                   {"MASTER_ADDR", "head"}};

Env with(Env env, const Env& more) {
  for (const auto& [name, value] : more) env[name] = value;
  return env;
}

}  // namespace

class TestLaunchEnv : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // torchrun sets everything; without its agent store ("False" or unset, older torch), rank 0
  // hosts the store itself.
  void torchrun() {
    for (const Env& env :
         {kTorchrun, with(kTorchrun, {{"TORCHELASTIC_USE_AGENT_STORE", "False"}})}) {
      const RankPlacement placement = read(env);
      QCOMPARE(placement.rank, 3);
      QCOMPARE(placement.localRank, 1);
      QCOMPARE(placement.worldSize, 4);
      QCOMPARE(text(placement.masterAddr), QStringLiteral("n0"));
      QCOMPARE(placement.masterPort, 29400);
      QVERIFY(!placement.useAgentStore);
      QCOMPARE(text(placement.launcher), QStringLiteral("torchrun"));
    }
  }

  // With torchrun's agent store every rank, rank 0 too, connects as a client: a second server on
  // the agent's port would fail. torch compares with str(True), so only "True" switches it on.
  void torchrunAgentStore() {
    const Env agent = with(
        kTorchrun, {{"RANK", "0"}, {"LOCAL_RANK", "0"}, {"TORCHELASTIC_USE_AGENT_STORE", "True"}});
    QVERIFY(read(agent).useAgentStore);
    QVERIFY(!read(with(agent, {{"TORCHELASTIC_USE_AGENT_STORE", "1"}})).useAgentStore);
    // A rendezvous the flags move elsewhere is not the agent's: rank 0 must host it.
    LaunchFlags moved;
    moved.masterPort = 29600;
    QVERIFY(!read(agent, moved).useAgentStore);
    QVERIFY(!read(kSlurm).useAgentStore);  // only torchrun has an agent
  }

  // The agent's store outlives a failed attempt (torchrun --max-restarts): each attempt keys
  // under its own prefix, as torch.distributed does, or the next one reads the last one's
  // addresses and failure reasons. A store of our own needs none.
  void agentStoreKeysArePerAttempt() {
    const Env agent = with(kTorchrun, {{"TORCHELASTIC_USE_AGENT_STORE", "True"},
                                       {"TORCHELASTIC_RESTART_COUNT", "2"}});
    QCOMPARE(text(read(agent).storePrefix), QStringLiteral("/worker/attempt_2"));
    QCOMPARE(text(read(with(agent, {{"TORCHELASTIC_USE_AGENT_STORE", "False"}})).storePrefix),
             QString());
  }

  // GLOO_SOCKET_IFNAME picks the network interfaces, as in torch.distributed (the hostname's
  // address may be 127.0.1.1 or the wrong one of several); an empty name is refused by name.
  void socketInterfacesFromGloosVariable() {
    QVERIFY(read(kTorchrun).socketInterfaces.empty());
    const auto two = read(with(kTorchrun, {{"GLOO_SOCKET_IFNAME", "ib0,eth1"}})).socketInterfaces;
    QCOMPARE(two.size(), std::size_t{2});
    QCOMPARE(text(two[0]), QStringLiteral("ib0"));
    QCOMPARE(text(two[1]), QStringLiteral("eth1"));
    for (const char* bad : {"", "eth0,", ",eth0", "eth0,,eth1"}) {
      std::string message = "<no error>";
      try {
        read(with(kTorchrun, {{"GLOO_SOCKET_IFNAME", bad}}));
      } catch (const LaunchError& error) {
        message = error.what();
      }
      QVERIFY2(message.find("GLOO_SOCKET_IFNAME") != std::string::npos, message.c_str());
    }
  }

  // Slurm: SLURM_PROCID/LOCALID/STEP_NUM_TASKS; a MASTER_ADDR set by the job script wins over the node
  // list.
  void slurmWithMasterAddr() {
    const RankPlacement placement =
        read(with(kSlurm, {{"MASTER_ADDR", "login-7"}, {"MASTER_PORT", "12345"}}));
    QCOMPARE(placement.rank, 5);
    QCOMPARE(placement.localRank, 1);
    QCOMPARE(placement.worldSize, 8);
    QCOMPARE(text(placement.masterAddr), QStringLiteral("login-7"));
    QCOMPARE(placement.masterPort, 12345);
    QCOMPARE(text(placement.launcher), QStringLiteral("slurm"));
  }

  // Without MASTER_ADDR the rendezvous is the first host of the step's node list (task 0 runs
  // there), else the job's, else SLURM_NODELIST; the port defaults to torch's 29500.
  void slurmAddressFromNodeList() {
    RankPlacement placement = read(kSlurm);
    QCOMPARE(text(placement.masterAddr), QStringLiteral("gpu03"));
    QCOMPARE(placement.masterPort, 29500);

    Env env = kSlurm;
    env["SLURM_STEP_NODELIST"] = "gpu[07-08]";  // srun -w on part of the allocation
    QCOMPARE(text(read(env).masterAddr), QStringLiteral("gpu07"));
    env.erase("SLURM_STEP_NODELIST");
    env.erase("SLURM_JOB_NODELIST");
    env["SLURM_NODELIST"] = "a1,b[2-3]";
    QCOMPARE(text(read(env).masterAddr), QStringLiteral("a1"));
  }

  // A batch script's own shell has SLURM_PROCID=0 and, with --ntasks (or --ntasks-per-node),
  // SLURM_NTASKS=N, but it is no task of a step: a plain run there is one process. It took
  // itself for rank 0 of N and waited for ranks that never came.
  void slurmBatchScriptIsOneProcess() {
    for (const Env& env : {Env{{"SLURM_PROCID", "0"}, {"SLURM_LOCALID", "0"}},
                           Env{{"SLURM_PROCID", "0"},
                               {"SLURM_LOCALID", "0"},
                               {"SLURM_NTASKS", "8"},
                               {"SLURM_JOB_NODELIST", "odd["}}}) {
      const RankPlacement placement = read(env);
      QCOMPARE(placement.worldSize, 1);
      QCOMPARE(placement.rank, 0);
      QCOMPARE(text(placement.masterAddr), QString());
      QCOMPARE(text(placement.launcher), QString());
    }
    // A one-task step (srun -n 1) is a world of one and needs no rendezvous either.
    const RankPlacement step = read({{"SLURM_PROCID", "0"},
                                     {"SLURM_STEP_NUM_TASKS", "1"},
                                     {"SLURM_NTASKS", "8"},
                                     {"SLURM_JOB_NODELIST", "odd["}});
    QCOMPARE(step.worldSize, 1);
    QCOMPARE(text(step.launcher), QStringLiteral("slurm"));
  }

  // The hostlist syntax: zero padding kept, commas inside brackets separate ranges, not hosts.
  void firstSlurmHostForms_data() {
    QTest::addColumn<QString>("list");
    QTest::addColumn<QString>("first");
    QTest::newRow("one host") << "gpu-a"
                              << "gpu-a";
    QTest::newRow("hosts") << "gpu-a,gpu-b"
                           << "gpu-a";
    QTest::newRow("range") << "node[01-04,07]"
                           << "node01";
    QTest::newRow("zero padding") << "node[007-009]"
                                  << "node007";
    QTest::newRow("host then range") << "a1,b[2-3]"
                                     << "a1";
    QTest::newRow("single values") << "rack1-n[4,6]"
                                   << "rack1-n4";
    QTest::newRow("suffix") << "n[1-3]x"
                            << "n1x";
    QTest::newRow("two brackets") << "r[2-3]n[05-06],x"
                                  << "r2n05";
    QTest::newRow("range first") << "node[12,3-4]"
                                 << "node12";
  }
  void firstSlurmHostForms() {
    QFETCH(QString, list);
    QFETCH(QString, first);
    QCOMPARE(text(firstSlurmHost(list.toStdString()).value_or("<none>")), first);
  }

  void firstSlurmHostMalformed_data() {
    QTest::addColumn<QString>("list");
    for (const char* list : {"", ",a", "node[", "node]", "node[]", "node[a-b]", "node[1-]",
                             "node[-2]", "node[1,]", "node[1-2-3]", "n[[1]]", "n[1]]"})
      QTest::newRow(*list != '\0' ? list : "empty") << list;
  }
  void firstSlurmHostMalformed() {
    QFETCH(QString, list);
    QVERIFY(!firstSlurmHost(list.toStdString()));
  }

  // mpirun gives ranks and sizes but no rendezvous: MASTER_ADDR from the job, port by default.
  void openMpi() {
    const RankPlacement placement = read(kOpenMpi);
    QCOMPARE(placement.rank, 2);
    QCOMPARE(placement.localRank, 0);
    QCOMPARE(placement.worldSize, 4);
    QCOMPARE(text(placement.masterAddr), QStringLiteral("head"));
    QCOMPARE(placement.masterPort, 29500);
    QCOMPARE(text(placement.launcher), QStringLiteral("mpirun"));
  }

  // torchrun or mpirun started inside a Slurm allocation inherit its SLURM_* variables, which
  // describe the allocation's tasks, not these processes: the inner launcher must win.
  void innermostLauncherWins() {
    Env slurmOuter = kSlurm;
    slurmOuter["SLURM_PROCID"] = "0";
    slurmOuter["SLURM_NTASKS"] = "1";
    slurmOuter["SLURM_STEP_NUM_TASKS"] = "1";
    QCOMPARE(text(read(with(slurmOuter, kTorchrun)).launcher), QStringLiteral("torchrun"));
    const RankPlacement mpi = read(with(slurmOuter, kOpenMpi));
    QCOMPARE(text(mpi.launcher), QStringLiteral("mpirun"));
    QCOMPARE(mpi.rank, 2);
    QCOMPARE(mpi.worldSize, 4);
  }

  // Each flag replaces just the value it names; the rest still comes from the launcher, and a
  // variable a flag replaces is not read at all.
  void flagsOverrideEnvironment() {
    LaunchFlags flags;
    flags.rank = 6;
    flags.masterAddr = "10.0.0.9";
    RankPlacement placement = read(kSlurm, flags);
    QCOMPARE(placement.rank, 6);
    QCOMPARE(placement.localRank, 1);
    QCOMPARE(placement.worldSize, 8);
    QCOMPARE(text(placement.masterAddr), QStringLiteral("10.0.0.9"));
    QCOMPARE(text(placement.launcher), QStringLiteral("slurm"));

    flags = {};
    flags.worldSize = 2;
    flags.masterPort = 1234;
    placement = read(with(kTorchrun, {{"RANK", "1"}, {"MASTER_PORT", "bad"}}), flags);
    QCOMPARE(placement.rank, 1);
    QCOMPARE(placement.worldSize, 2);
    QCOMPARE(placement.masterPort, 1234);
    QCOMPARE(text(placement.masterAddr), QStringLiteral("n0"));
  }

  // Flags alone start a run by hand; with no LOCAL_RANK the ranks are taken to share one host.
  void flagsAlone() {
    LaunchFlags flags;
    flags.rank = 1;
    flags.worldSize = 2;
    flags.masterAddr = "127.0.0.1";
    const RankPlacement placement = read({}, flags);
    QCOMPARE(placement.rank, 1);
    QCOMPARE(placement.localRank, 1);
    QCOMPARE(placement.worldSize, 2);
    QCOMPARE(placement.masterPort, 29500);
    QCOMPARE(text(placement.launcher), QStringLiteral("flags"));
    // MASTER_ADDR/MASTER_PORT from the environment complete the flags, as in torch's env://.
    flags.masterAddr.reset();
    QCOMPARE(text(read({{"MASTER_ADDR", "box"}}, flags).masterAddr), QStringLiteral("box"));
  }

  // No launcher and no flags: one process, whatever stray rendezvous variables the shell has.
  void noLauncherIsOneProcess() {
    for (const Env& env :
         {Env{}, Env{{"MASTER_ADDR", ""}, {"MASTER_PORT", "x"}, {"SLURM_NTASKS", "4"}}}) {
      const RankPlacement placement = read(env);
      QCOMPARE(placement.rank, 0);
      QCOMPARE(placement.localRank, 0);
      QCOMPARE(placement.worldSize, 1);
      QCOMPARE(text(placement.masterAddr), QString());
      QVERIFY(!placement.useAgentStore);
      QCOMPARE(text(placement.launcher), QString());
    }
  }

  // Each mistake is refused with a message naming the variable or flag and what is wrong, not
  // left to hang the rendezvous.
  void errorsNameTheCulprit() {
    const Env slurmNoAddress = {{"SLURM_PROCID", "0"}, {"SLURM_STEP_NUM_TASKS", "2"}};
    LaunchFlags rank4, emptyAddress, port70000, worldOfTwo;
    rank4.rank = 4;
    emptyAddress.masterAddr = "";
    port70000.masterPort = 70000;
    worldOfTwo.worldSize = 2;
    struct Case {
      Env env;
      LaunchFlags flags;
      std::string message;
    };
    const std::vector<Case> cases = {
        {with(kTorchrun, {{"RANK", "abc"}}), {}, "RANK=abc: not a whole number"},
        {with(kTorchrun, {{"RANK", "1.5"}}), {}, "RANK=1.5: not a whole number"},
        {with(kTorchrun, {{"RANK", " 1"}}), {}, "RANK= 1: not a whole number"},
        {with(kTorchrun, {{"RANK", "-1"}}), {}, "RANK=-1: negative"},
        {with(kTorchrun, {{"RANK", "4"}}), {}, "RANK=4 is not below the world size 4"},
        {kTorchrun, rank4, "--rank 4 is not below the world size 4"},
        {with(kTorchrun, {{"LOCAL_RANK", "4"}}), {}, "LOCAL_RANK=4 is not below the world size 4"},
        {with(kTorchrun, {{"LOCAL_RANK", "-1"}}), {}, "LOCAL_RANK=-1: negative"},
        {with(kTorchrun, {{"WORLD_SIZE", "0"}}), {}, "WORLD_SIZE=0: must be at least 1"},
        {with(kTorchrun, {{"WORLD_SIZE", "99999999999"}}),
         {},
         "WORLD_SIZE=99999999999: does not fit in an int"},
        {with(kTorchrun, {{"RANK", ""}}), {}, "RANK is set but empty"},
        {with(kTorchrun, {{"MASTER_ADDR", ""}}), {}, "MASTER_ADDR is set but empty"},
        {kTorchrun, emptyAddress, "--master-addr is empty"},
        {with(kTorchrun, {{"MASTER_PORT", "0"}}), {}, "MASTER_PORT=0: not a port (1-65535)"},
        {with(kTorchrun, {{"MASTER_PORT", "65536"}}),
         {},
         "MASTER_PORT=65536: not a port (1-65535)"},
        {kTorchrun, port70000, "--master-port 70000: not a port (1-65535)"},
        {{{"RANK", "1"}}, {}, "RANK is set but WORLD_SIZE is not"},
        {{{"OMPI_COMM_WORLD_RANK", "1"}},
         {},
         "OMPI_COMM_WORLD_RANK is set but OMPI_COMM_WORLD_SIZE is not"},
        {{{"WORLD_SIZE", "4"}, {"MASTER_ADDR", "n0"}},
         {},
         "WORLD_SIZE=4 without a rank: set RANK or --rank"},
        {{}, worldOfTwo, "--world-size 2 without a rank: set --rank"},
        {{{"OMPI_COMM_WORLD_RANK", "0"}, {"OMPI_COMM_WORLD_SIZE", "4"}},
         {},
         "OMPI_COMM_WORLD_SIZE=4 without a rendezvous host: set MASTER_ADDR or --master-addr"},
        {slurmNoAddress,
         {},
         "SLURM_STEP_NUM_TASKS=2 without a rendezvous host: set MASTER_ADDR, SLURM_JOB_NODELIST or "
         "--master-addr"},
        {with(slurmNoAddress, {{"SLURM_JOB_NODELIST", "node["}}),
         {},
         "SLURM_JOB_NODELIST='node[': cannot read the first host"},
        {{{"SLURM_PROCID", "2"}, {"SLURM_STEP_NUM_TASKS", "2"}, {"MASTER_ADDR", "n0"}},
         {},
         "SLURM_PROCID=2 is not below the world size 2"},
        {{{"SLURM_STEP_NUM_TASKS", "2"}, {"MASTER_ADDR", "n0"}},
         {},
         "SLURM_STEP_NUM_TASKS=2 without a rank: set SLURM_PROCID or --rank"},
        {with(kSlurm, {{"SLURM_LOCALID", "x"}}), {}, "SLURM_LOCALID=x: not a whole number"},
    };
    for (const Case& c : cases) {
      std::string message = "<no error>";
      try {
        read(c.env, c.flags);
      } catch (const LaunchError& error) {
        message = error.what();
      }
      QCOMPARE(text(message), text(c.message));
    }
  }

  // The log line says who launched the run and where it meets.
  void describeForLogs() {
    RankPlacement placement;
    QCOMPARE(text(describe(placement)), QStringLiteral("rank 0 of 1 (local 0), no launcher"));
    placement = read(with(
        kSlurm,
        {{"SLURM_PROCID", "1"}, {"SLURM_STEP_NUM_TASKS", "4"}, {"SLURM_JOB_NODELIST", "gpu-a,gpu-b"}}));
    QCOMPARE(text(describe(placement)),
             QStringLiteral("rank 1 of 4 (local 1) via slurm, rendezvous gpu-a:29500"));
    placement.masterAddr = "fd00::1";
    placement.useAgentStore = true;
    QCOMPARE(text(describe(placement)),
             QStringLiteral("rank 1 of 4 (local 1) via slurm, rendezvous [fd00::1]:29500 "
                            "(torchrun's agent store)"));
  }

  // The real lookup reads this process's environment.
  void processEnvironmentReadsGetenv() {
    const EnvLookup env = processEnvironment();
    qputenv("TRAINBENCH_TEST_LAUNCH_ENV", "7");
    QCOMPARE(env("TRAINBENCH_TEST_LAUNCH_ENV"), std::optional<std::string>("7"));
    qunsetenv("TRAINBENCH_TEST_LAUNCH_ENV");
    QVERIFY(!env("TRAINBENCH_TEST_LAUNCH_ENV"));
  }
};

QTEST_GUILESS_MAIN(TestLaunchEnv)
#include "tst_launch_env.moc"
