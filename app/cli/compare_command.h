// `trainbench-cli compare FILE|DIR...`: saved results side by side, as the app compares them:
// grouped by workload and size, repeats folded (median, 95% interval, n), speed-ups only within a
// group and against a chosen --baseline, noise and disturbance said out loud.
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
class Option;
}

namespace tb::cli {

class CompareCommand {
 public:
  // Adds the `compare` subcommand to `app`.
  explicit CompareCommand(CLI::App& app);

  bool parsed() const;  // `compare` was given on the command line
  int run() const;      // the exit code (exit_codes.h)

 private:
  CLI::App* m_compare = nullptr;
  std::vector<std::string> m_paths;  // result files, or folders whose *.json are read
  CLI::Option* m_baselineOption = nullptr;
  std::string m_baseline;  // part of a row's label, or its number as printed
  bool m_published = false;
  bool m_json = false;
  bool m_csv = false;
};

}  // namespace tb::cli
