// `trainbench-cli scaling FILE|DIR...`: data-parallel runs' throughput against world size, with
// the ideal (N times one rank) and the scaling efficiency.
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace tb::cli {

class ScalingCommand {
 public:
  explicit ScalingCommand(CLI::App& app);  // adds the `scaling` subcommand
  bool parsed() const;
  int run() const;  // the exit code (exit_codes.h)

 private:
  CLI::App* m_scaling = nullptr;
  std::vector<std::string> m_paths;
  bool m_json = false;
};

}  // namespace tb::cli
