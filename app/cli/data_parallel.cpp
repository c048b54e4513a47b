// Local rank spawning and joining a launched run (data_parallel.h).
#include "data_parallel.h"

#include "exit_codes.h"

#include "devices/device_id.h"
#include "dist/launch_env.h"
#include "dist/rank_agreement.h"
#if TRAINBENCH_WITH_DISTRIBUTED
#include "dist/c10d/process_group.h"
#endif

#include "engine/gradient_exchange.h"

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace tb::cli {

std::string dataParallelProblem(const RunOptions& options, int worldSize) {
  if (options.devices.size() != 1 || options.repeats != 1 || options.autoRepeat) {
    return "a data-parallel run trains one device per rank once: give one --device and no "
           "--repeat";
  }
  if (options.config.timeBudgetSeconds > 0) {
    return "--time-budget: a data-parallel run trains its full length (each rank would stop at "
           "a different step on its own clock)";
  }
  return dataParallelStepProblem(options.config, worldSize, options.strongScaling);
}

std::string rankDevicesProblem(const RunOptions& options, int worldSize) {
  if (options.devices.size() != 1 || options.devices[0] != "cuda") return {};
  for (int rank = 0; rank < worldSize; ++rank) {
    try {
      resolveDevice("cuda:" + std::to_string(rank));
    } catch (const DeviceError& e) {
      return std::to_string(worldSize) + " ranks on --device cuda train each on its own GPU, " +
             "cuda:0 to cuda:" + std::to_string(worldSize - 1) + ", but " + e.what() +
             ": start fewer ranks, or name one GPU (--device cuda:0) for all of them to share";
    }
  }
  return {};
}

std::string unusedDataParallelFlags(const RunOptions& options) {
  if (options.dataParallelFlagsGiven.empty()) return {};
  std::string flags;
  for (const auto& flag : options.dataParallelFlagsGiven) {
    flags += (flags.empty() ? "" : ", ") + flag;
  }
  return flags + (options.dataParallelFlagsGiven.size() == 1 ? " applies" : " apply") +
         " only to a data-parallel run: add --data-parallel N, or start the ranks with a launcher";
}

#if TRAINBENCH_WITH_DISTRIBUTED
namespace {

// What a rank found wrong before training, and which rank.
struct RankCheck {
  int rank = -1;
  RunCheck check;
};

// This rank's own checks: its device (with precision and execution), its settings and --out.
RunCheck ownChecks(const RunOptions& options) {
  // Whatever goes wrong here is this rank's reason: leaving before the gather would keep the
  // others waiting for it.
  try {
    RunCheck check = runDevicesCheck(options);
    if (check.code == kExitOk) check = runSettingsCheck(options);
    return check;
  } catch (const std::exception& e) {
    return {kExitRunFailed, e.what()};
  }
}

// "code\nmessage": what travels between ranks.
std::string encodeCheck(const RunCheck& check) {
  return std::to_string(check.code) + '\n' + check.message;
}

// The lowest rank whose check failed; rank -1 and kExitOk when none did.
RankCheck firstFailedCheck(const std::vector<std::string>& encodedPerRank) {
  for (std::size_t rank = 0; rank < encodedPerRank.size(); ++rank) {
    const std::string& encoded = encodedPerRank[rank];
    const auto newline = encoded.find('\n');
    int code = kExitOk;
    try {
      code = std::stoi(encoded.substr(0, newline));
    } catch (const std::exception&) {
      code = kExitUsage;  // a rank of another TrainBench version
    }
    if (code == kExitOk) continue;
    const std::string message =
        newline == std::string::npos ? "refused to train" : encoded.substr(newline + 1);
    return {static_cast<int>(rank), {code, message}};
  }
  return {};
}

}  // namespace
#endif

bool dataParallelBuilt() {
#if TRAINBENCH_WITH_DISTRIBUTED
  return true;
#else
  return false;
#endif
}

int joinLaunchedRun(RunOptions& options) {
  RankPlacement placement;
  try {
    placement = readPlacement(processEnvironment(), options.launch);
  } catch (const LaunchError& e) {
    std::fprintf(stderr, "trainbench-cli: error: %s\n", e.what());
    return kExitUsage;
  }
  // --data-parallel starts its own ranks here and sets their places itself: a launcher's places,
  // or --rank and the like, would override them in every rank (two "rank 0"s, a world of one).
  const LaunchFlags& flags = options.launch;
  if (options.dataParallel > 1 && std::getenv(kSpawnedRankVariable) == nullptr) {
    if (flags.rank || flags.worldSize || flags.masterAddr || flags.masterPort) {
      std::fprintf(stderr, "trainbench-cli: error: --data-parallel starts its ranks on this "
                           "machine itself; --rank, --world-size, --master-addr and "
                           "--master-port are for ranks started by a launcher: use one or the "
                           "other\n");
      return kExitUsage;
    }
    if (placement.worldSize > 1) {
      std::fprintf(stderr, "trainbench-cli: error: --data-parallel: this process is already %s; "
                           "the launcher starts the ranks: leave --data-parallel out\n",
                   describe(placement).c_str());
      return kExitUsage;
    }
  }
  if (placement.worldSize <= 1) return -1;
#if TRAINBENCH_WITH_DISTRIBUTED
  if (const std::string problem = dataParallelProblem(options, placement.worldSize);
      !problem.empty()) {
    std::fprintf(stderr, "trainbench-cli: error: %s\n", problem.c_str());
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
  } catch (const RankMismatchError& e) {
    std::fprintf(stderr, "trainbench-cli: error: rank %d: %s\n", placement.rank, e.what());
    return kExitUsage;
  } catch (const DistributedError& e) {
    std::fprintf(stderr, "trainbench-cli: error: %s\n", e.what());
    return kExitRunFailed;
  }
  // Ranks that would train different things refuse together, before training. The device is
  // still only in the flags here; the run command sets it in the config later.
  options.config.device = options.devices[0];
  try {
    const std::string mine = encodeRankSettings(
        rankSettings(options.config, options.strongScaling, options.bucketMegabytes));
    if (const std::string problem = rankDisagreement(options.config.exchange->gatherStrings(mine));
        !problem.empty()) {
      std::fprintf(stderr, "trainbench-cli: error: rank %d: %s\n", placement.rank, problem.c_str());
      return kExitUsage;
    }
    // Each rank's own checks travel too (its GPU, its --out): one that cannot train would
    // otherwise fail alone and leave the others waiting for it until --dist-timeout.
    if (const RankCheck failed = firstFailedCheck(options.config.exchange->gatherStrings(
            encodeCheck(ownChecks(options))));
        failed.check.code != kExitOk) {
      std::fprintf(stderr, "trainbench-cli: error: rank %d cannot train: %s\n", failed.rank,
                   failed.check.message.c_str());
      return failed.check.code;
    }
  } catch (const DistributedError& e) {
    std::fprintf(stderr, "trainbench-cli: error: %s\n", e.what());
    return kExitRunFailed;
  }
  options.config.strongScaling = options.strongScaling;
  if (placement.rank != 0) {
    options.quiet = true;  // rank 0 reports and saves for the run
    options.checkMachine = false;
  }
  if (std::getenv(kSpawnedRankVariable) == nullptr) {
    std::fprintf(stderr, "trainbench-cli: %s\n", describe(placement).c_str());
  }
  return -1;
#else
  std::fprintf(stderr,
               "trainbench-cli: error: this trainbench-cli was built without data-parallel runs "
               "(build it with libgloo-dev installed), but %s\n", describe(placement).c_str());
  return kExitUsage;
#endif
}

int leaveRun(std::shared_ptr<GradientExchange> exchange, int code) {
  if (!exchange) return code;
  // Closing takes milliseconds when the other ranks are there to close with.
  constexpr std::chrono::seconds kLeaveLimit{5};
  const int rank = exchange->rank();
  std::mutex mutex;
  std::condition_variable closed;
  bool left = false;
  std::thread closing([&] {
    exchange.reset();
    const std::lock_guard<std::mutex> lock(mutex);
    left = true;
    closed.notify_one();
  });
  std::unique_lock<std::mutex> lock(mutex);
  if (!closed.wait_for(lock, kLeaveLimit, [&] { return left; })) {
    std::fprintf(stderr, "trainbench-cli: warning: rank %d: closing its connections to the other "
                         "ranks had not ended after %d s; leaving without\n",
                 rank, static_cast<int>(kLeaveLimit.count()));
    std::fflush(nullptr);
    std::_Exit(code);  // the closing thread still waits; what this rank had to say is said
  }
  lock.unlock();
  closing.join();
  return code;
}

}  // namespace tb::cli
