// Fuzz target: a launcher's environment and the rank flags (readPlacement), and a Slurm node
// list (firstSlurmHost). Each input line is NAME=VALUE, an environment variable, or --flag=N (a
// flag, as the CLI would have parsed it). Checks what the rendezvous relies on: a placement that
// is returned is consistent; everything else is a LaunchError.
#include "dist/launch_env.h"

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>

namespace {

// The flag's value as the CLI's own number parsing leaves it: only whole numbers reach here.
void setFlag(const std::string& name, const std::string& value, tb::LaunchFlags& flags) {
  if (name == "--master-addr") {
    flags.masterAddr = value;
    return;
  }
  int number = 0;
  const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (ec != std::errc() || ptr != value.data() + value.size()) return;
  if (name == "--rank") flags.rank = number;
  if (name == "--world-size") flags.worldSize = number;
  if (name == "--master-port") flags.masterPort = number;
}

void check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::map<std::string, std::string> env;
  tb::LaunchFlags flags;
  for (std::size_t start = 0; start <= text.size();) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    const std::string line = text.substr(start, end - start);
    const std::size_t equals = line.find('=');
    if (equals != std::string::npos) {
      const std::string name = line.substr(0, equals), value = line.substr(equals + 1);
      if (name.compare(0, 2, "--") == 0) {
        setFlag(name, value, flags);
      } else {
        env[name] = value;
      }
    }
    start = end + 1;
  }

  const tb::EnvLookup lookup = [&env](const std::string& name) -> std::optional<std::string> {
    const auto found = env.find(name);
    if (found == env.end()) return std::nullopt;
    return found->second;
  };
  try {
    const tb::RankPlacement placement = tb::readPlacement(lookup, flags);
    check(placement.worldSize >= 1);
    check(placement.rank >= 0 && placement.rank < placement.worldSize);
    check(placement.localRank >= 0 && placement.localRank < placement.worldSize);
    check(placement.launcher.empty() ||
          (placement.masterPort >= 1 && placement.masterPort <= 65535));
    check(placement.worldSize == 1 || !placement.masterAddr.empty());
    check(!placement.useAgentStore || placement.launcher == "torchrun");
    check(!tb::describe(placement).empty());
  } catch (const tb::LaunchError&) {
  }

  if (const auto host = tb::firstSlurmHost(text)) {
    check(!host->empty() && host->size() <= text.size());
    check(host->find_first_of(",[]") == std::string::npos);
  }
  return 0;
}
