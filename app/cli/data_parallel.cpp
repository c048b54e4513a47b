// Local rank spawning and joining a launched run (data_parallel.h).
#include "data_parallel.h"

#include "exit_codes.h"

#include "devices/system_info.h"
#include "dist/launch_env.h"
#if TRAINBENCH_WITH_DISTRIBUTED
#include "dist/c10d/process_group.h"
#endif

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace tb::cli {

namespace {

// A port the kernel calls free now; the rendezvous binds it a moment later (a race torchrun's
// standalone mode takes too).
int freeLocalPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);
  return port;
}

// argv without "--data-parallel N" / "--data-parallel=N", for the ranks.
std::vector<std::string> rankArguments(int argc, char** argv) {
  std::vector<std::string> args;
  for (int i = 0; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--data-parallel") {
      ++i;
      continue;
    }
    if (arg.rfind("--data-parallel=", 0) == 0) continue;
    args.push_back(arg);
  }
  return args;
}

int exitCodeOf(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return WIFSIGNALED(status) && WTERMSIG(status) == SIGINT ? kExitCancelled : kExitRunFailed;
}

}  // namespace

bool dataParallelBuilt() {
#if TRAINBENCH_WITH_DISTRIBUTED
  return true;
#else
  return false;
#endif
}

int spawnLocalRanks(const RunOptions& options, int argc, char** argv) {
  const int ranks = options.dataParallel;
  const int port = freeLocalPort();
  if (port == 0) {
    std::fprintf(stderr, "trainbench-cli: error: --data-parallel: no free local port\n");
    return kExitRunFailed;
  }
  std::vector<std::string> args = rankArguments(argc, argv);
  // CPU ranks share the cores: each gets its part of the default thread count.
  if (options.config.threads == 0 && options.devices.size() == 1 && options.devices[0] == "cpu") {
    args.push_back("--threads");
    args.push_back(std::to_string(std::max(1, cpuThreadCount(0) / ranks)));
  }
  std::printf("Starting %d ranks on 127.0.0.1:%d\n", ranks, port);
  std::fflush(stdout);

  std::vector<pid_t> children;
  for (int rank = 0; rank < ranks; ++rank) {
    const pid_t pid = fork();
    if (pid < 0) {
      std::fprintf(stderr, "trainbench-cli: error: --data-parallel: cannot start rank %d: %s\n",
                   rank, std::strerror(errno));
      for (const pid_t child : children) kill(child, SIGTERM);
      break;
    }
    if (pid == 0) {
      setenv("RANK", std::to_string(rank).c_str(), 1);
      setenv("LOCAL_RANK", std::to_string(rank).c_str(), 1);
      setenv("WORLD_SIZE", std::to_string(ranks).c_str(), 1);
      setenv("MASTER_ADDR", "127.0.0.1", 1);
      setenv("MASTER_PORT", std::to_string(port).c_str(), 1);
      std::vector<char*> childArgv;
      for (auto& arg : args) childArgv.push_back(arg.data());
      childArgv.push_back(nullptr);
      execv("/proc/self/exe", childArgv.data());
      std::fprintf(stderr, "trainbench-cli: error: cannot start rank %d: %s\n", rank,
                   std::strerror(errno));
      _exit(kExitRunFailed);
    }
    children.push_back(pid);
  }

  // Wait for all; the first rank to fail ends the others, which would only wait for it.
  int result = kExitOk;
  std::size_t left = children.size();
  while (left > 0) {
    int status = 0;
    const pid_t pid = wait(&status);
    if (pid < 0) break;
    --left;
    const int code = exitCodeOf(status);
    if (code != kExitOk && result == kExitOk) {
      result = code;
      for (const pid_t child : children) {
        if (child != pid) kill(child, SIGTERM);
      }
    }
  }
  return children.size() == static_cast<std::size_t>(ranks) ? result : kExitRunFailed;
}

int joinLaunchedRun(RunOptions& options) {
  RankPlacement placement;
  try {
    placement = readPlacement(processEnvironment(), options.launch);
  } catch (const LaunchError& e) {
    std::fprintf(stderr, "trainbench-cli: error: %s\n", e.what());
    return kExitUsage;
  }
  if (placement.worldSize <= 1) return -1;
#if TRAINBENCH_WITH_DISTRIBUTED
  if (options.devices.size() != 1 || options.repeats != 1 || options.autoRepeat) {
    std::fprintf(stderr, "trainbench-cli: error: a data-parallel run trains one device per rank "
                         "once: give one --device and no --repeat\n");
    return kExitUsage;
  }
  // "cuda" means this rank's GPU: cuda:LOCAL_RANK.
  if (options.devices[0] == "cuda") options.devices[0] = "cuda:" + std::to_string(placement.localRank);
  JoinOptions join;
  join.placement = placement;
  join.timeout = std::chrono::seconds(options.distTimeoutSeconds);
  join.bucketBytes = static_cast<std::size_t>(options.bucketMegabytes * 1e6);
  try {
    options.config.exchange = joinRun(join);
  } catch (const DistributedError& e) {
    std::fprintf(stderr, "trainbench-cli: error: %s\n", e.what());
    return kExitRunFailed;
  }
  options.config.strongScaling = options.strongScaling;
  if (placement.rank != 0) {
    options.quiet = true;  // rank 0 reports and saves for the run
    options.checkMachine = false;
  }
  std::fprintf(stderr, "trainbench-cli: %s\n", describe(placement).c_str());
  return -1;
#else
  std::fprintf(stderr,
               "trainbench-cli: error: this trainbench-cli was built without data-parallel runs "
               "(build it with libgloo-dev installed), but %s\n", describe(placement).c_str());
  return kExitUsage;
#endif
}

}  // namespace tb::cli
