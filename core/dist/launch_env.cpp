// Reading a launcher's environment. Every value is checked here: a wrong rank or world size does
// not fail where it is read but as a rendezvous that waits forever, far from its cause.
#include "dist/launch_env.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <system_error>

namespace tb {
namespace {

constexpr int kDefaultPort = 29500;  // torch.distributed's, so a port left unset matches torch's

// One launcher's variables; null where it has none.
struct Launcher {
  const char* name;
  const char* rank;
  const char* localRank;
  const char* worldSize;
  bool alwaysSetsWorldSize;  // so its absence means a hand-made environment, not a default
};

constexpr Launcher kTorchrun{"torchrun", "RANK", "LOCAL_RANK", "WORLD_SIZE", true};
constexpr Launcher kOpenMpi{"mpirun", "OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_LOCAL_RANK",
                            "OMPI_COMM_WORLD_SIZE", true};
// The tasks of an srun step. A batch script's own shell has SLURM_PROCID=0 and, with --ntasks,
// SLURM_NTASKS=N too, but it is one process: only srun sets the step's variables.
constexpr Launcher kSlurm{"slurm", "SLURM_PROCID", "SLURM_LOCALID", "SLURM_STEP_NUM_TASKS", true};
constexpr Launcher kFlags{"flags", nullptr, nullptr, nullptr, false};

constexpr const Launcher* kLaunchers[] = {&kTorchrun, &kOpenMpi, &kSlurm};

// The innermost launcher first (see the header). A world size without a rank also selects one:
// it is a mistake to report, not to ignore. Slurm's job variables alone are in batch scripts
// and salloc shells, outside any step: one process.
const Launcher* detect(const EnvLookup& env) {
  const auto set = [&](const char* name) { return env(name).has_value(); };
  if (set("RANK") || set("WORLD_SIZE")) return &kTorchrun;
  if (set("OMPI_COMM_WORLD_RANK") || set("OMPI_COMM_WORLD_SIZE")) return &kOpenMpi;
  if (set("SLURM_STEP_NUM_TASKS")) return &kSlurm;
  return nullptr;
}

// A number and how messages name where it came from: "RANK=4" or "--rank 4".
struct Value {
  int value;
  std::string label;
};

std::optional<std::string> envText(const EnvLookup& env, const char* name) {
  if (name == nullptr) return std::nullopt;
  auto text = env(name);
  if (text && text->empty()) throw LaunchError(std::string(name) + " is set but empty");
  return text;
}

std::optional<Value> envNumber(const EnvLookup& env, const char* name) {
  const auto text = envText(env, name);
  if (!text) return std::nullopt;
  const std::string label = std::string(name) + "=" + *text;
  const char* end = text->data() + text->size();
  int value = 0;
  const auto [ptr, ec] = std::from_chars(text->data(), end, value);
  if (ec == std::errc::result_out_of_range) throw LaunchError(label + ": does not fit in an int");
  if (ec != std::errc() || ptr != end) throw LaunchError(label + ": not a whole number");
  return Value{value, label};
}

// The flag when given (the variable it replaces is then not read at all), else the variable.
std::optional<Value> flagOrEnv(const std::optional<int>& flag, const char* flagName,
                               const EnvLookup& env, const char* variable) {
  if (flag) return Value{*flag, std::string(flagName) + " " + std::to_string(*flag)};
  return envNumber(env, variable);
}

void checkBelowWorldSize(const Value& rank, int worldSize) {
  if (rank.value < 0) throw LaunchError(rank.label + ": negative");
  if (rank.value >= worldSize)
    throw LaunchError(rank.label + " is not below the world size " + std::to_string(worldSize));
}

// The rendezvous host; empty only where one process needs none.
std::string masterAddress(const EnvLookup& env, const LaunchFlags& flags, const Launcher& launcher,
                          const std::optional<Value>& worldSize) {
  const bool needed = worldSize && worldSize->value > 1;
  if (flags.masterAddr) {
    if (flags.masterAddr->empty()) throw LaunchError("--master-addr is empty");
    return *flags.masterAddr;
  }
  if (auto address = envText(env, "MASTER_ADDR")) return *address;
  std::string wanted = "MASTER_ADDR or --master-addr";
  if (&launcher == &kSlurm) {
    // Task 0 runs on the first node of its step, and a step may use only some of the job's nodes.
    for (const char* name : {"SLURM_STEP_NODELIST", "SLURM_JOB_NODELIST", "SLURM_NODELIST"}) {
      const auto list = env(name);
      if (!list) continue;
      if (auto host = firstSlurmHost(*list)) return *host;
      if (!needed) return {};  // a one-task job does not rendezvous: no reason to fail it
      throw LaunchError(std::string(name) + "='" + *list + "': cannot read the first host");
    }
    wanted = "MASTER_ADDR, SLURM_JOB_NODELIST or --master-addr";
  }
  if (needed) throw LaunchError(worldSize->label + " without a rendezvous host: set " + wanted);
  return {};
}

bool isDigits(const std::string& text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
}

// The first host of a bracket's ranges ("07-09,12" gives "07", padding kept); nullopt unless
// every range is N or N-M.
std::optional<std::string> firstOfRanges(const std::string& ranges) {
  std::optional<std::string> first;
  for (std::size_t start = 0, end = 0; start <= ranges.size(); start = end + 1) {
    end = std::min(ranges.find(',', start), ranges.size());
    const std::string range = ranges.substr(start, end - start);
    const auto dash = range.find('-');
    const std::string low = range.substr(0, dash);
    if (!isDigits(low) || (dash != std::string::npos && !isDigits(range.substr(dash + 1))))
      return std::nullopt;
    if (!first) first = low;
  }
  return first;
}

// GLOO_SOCKET_IFNAME's comma-separated names; none where it is unset.
std::vector<std::string> socketInterfaces(const EnvLookup& env) {
  const auto names = envText(env, "GLOO_SOCKET_IFNAME");
  std::vector<std::string> interfaces;
  if (!names) return interfaces;
  for (std::size_t start = 0, end = 0; start <= names->size(); start = end + 1) {
    end = std::min(names->find(',', start), names->size());
    if (end == start) {
      throw LaunchError("GLOO_SOCKET_IFNAME=" + *names + ": an empty interface name");
    }
    interfaces.push_back(names->substr(start, end - start));
  }
  return interfaces;
}

}  // namespace

EnvLookup processEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

RankPlacement readPlacement(const EnvLookup& env, const LaunchFlags& flags) {
  const Launcher* launcher = detect(env);
  const bool anyFlag = flags.rank || flags.worldSize || flags.masterAddr || flags.masterPort;
  if (launcher == nullptr && !anyFlag) return {};  // stray MASTER_* variables do not matter then
  if (launcher == nullptr) launcher = &kFlags;

  RankPlacement placement;
  placement.launcher = launcher->name;
  const auto rank = flagOrEnv(flags.rank, "--rank", env, launcher->rank);
  const auto worldSize = flagOrEnv(flags.worldSize, "--world-size", env, launcher->worldSize);
  if (worldSize && worldSize->value < 1)
    throw LaunchError(worldSize->label + ": must be at least 1");
  if (!worldSize && launcher->alwaysSetsWorldSize)  // so the launcher's rank variable is set
    throw LaunchError(std::string(launcher->rank) + " is set but " + launcher->worldSize +
                      " is not");
  placement.worldSize = worldSize ? worldSize->value : 1;

  if (rank) {
    checkBelowWorldSize(*rank, placement.worldSize);
    placement.rank = rank->value;
  } else if (placement.worldSize > 1) {
    // Defaulting to 0 would start several rank 0s, each waiting for the others.
    const std::string names =
        launcher->rank ? std::string(launcher->rank) + " or --rank" : "--rank";
    throw LaunchError(worldSize->label + " without a rank: set " + names);
  }
  const auto localRank = envNumber(env, launcher->localRank);
  if (localRank) checkBelowWorldSize(*localRank, placement.worldSize);
  placement.localRank = localRank ? localRank->value : placement.rank;

  const auto port = flagOrEnv(flags.masterPort, "--master-port", env, "MASTER_PORT");
  if (port && (port->value < 1 || port->value > 65535))
    throw LaunchError(port->label + ": not a port (1-65535)");
  placement.masterPort = port ? port->value : kDefaultPort;
  placement.masterAddr = masterAddress(env, flags, *launcher, worldSize);
  // torch.distributed compares with str(True). A rendezvous moved by the flags is no longer the
  // agent's, so rank 0 must host the store itself there.
  placement.useAgentStore = launcher == &kTorchrun && !flags.masterAddr && !flags.masterPort &&
                            env("TORCHELASTIC_USE_AGENT_STORE") == std::string("True");
  if (placement.useAgentStore) {
    placement.storePrefix =
        "/worker/attempt_" + env("TORCHELASTIC_RESTART_COUNT").value_or(std::string("0"));
  }
  placement.socketInterfaces = socketInterfaces(env);
  return placement;
}

std::optional<std::string> firstSlurmHost(const std::string& nodeList) {
  std::string host;
  std::size_t at = 0;
  // Only the first entry counts; commas inside brackets separate ranges, not entries.
  while (at < nodeList.size() && nodeList[at] != ',') {
    if (nodeList[at] == ']') return std::nullopt;
    if (nodeList[at] != '[') {
      host += nodeList[at++];
      continue;
    }
    const auto close = nodeList.find(']', at);
    if (close == std::string::npos) return std::nullopt;
    const auto first = firstOfRanges(nodeList.substr(at + 1, close - at - 1));
    if (!first) return std::nullopt;  // also a nested '[', which is no digit
    host += *first;
    at = close + 1;
  }
  if (host.empty()) return std::nullopt;
  return host;
}

std::string describe(const RankPlacement& placement) {
  std::string line = "rank " + std::to_string(placement.rank) + " of " +
                     std::to_string(placement.worldSize) + " (local " +
                     std::to_string(placement.localRank) + ")";
  line += placement.launcher.empty() ? ", no launcher" : " via " + placement.launcher;
  if (!placement.masterAddr.empty()) {
    const std::string& host = placement.masterAddr;
    // An IPv6 address needs brackets to tell it from the port.
    const bool ipv6 = host.find(':') != std::string::npos;
    line += ", rendezvous " + (ipv6 ? "[" + host + "]" : host) + ":" +
            std::to_string(placement.masterPort);
    if (placement.useAgentStore) line += " (torchrun's agent store)";
  }
  return line;
}

std::vector<std::string> launcherVariableNames() {
  std::vector<std::string> names;
  for (const Launcher* launcher : kLaunchers) {
    for (const char* name : {launcher->rank, launcher->localRank, launcher->worldSize}) {
      if (name != nullptr) names.emplace_back(name);
    }
  }
  return names;
}

}  // namespace tb
