// `trainbench-cli profile`: where a training step's time goes, phase by phase, and what bounds
// it (engine/step_profile.h).
#pragma once

#include "engine/run_config.h"

namespace CLI {
class App;
}

namespace tb::cli {

class ProfileCommand {
 public:
  explicit ProfileCommand(CLI::App& app);  // adds the `profile` subcommand
  bool parsed() const;
  int run() const;  // the exit code (exit_codes.h)

 private:
  CLI::App* m_profile = nullptr;
  RunConfig m_config;
  int m_steps = 200;
  int m_warmup = 20;
  bool m_json = false;
  bool m_checkMachine = true;
};

}  // namespace tb::cli
