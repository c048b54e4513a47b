// `trainbench-cli data status` and `data fetch NAME`: which datasets are on this machine, and
// downloading them from their mirrors (verified) into the folder `run` reads them from.
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace tb::cli {

// Where a run or profile failed because `dataset`'s files are not on this machine ("data not
// found" in `error`), the line that says how to download them (into `dataDir`, the run's
// --data-dir, where one was given); else empty.
std::string fetchHint(const std::string& error, const std::string& dataset,
                      const std::string& dataDir);

class DataCommand {
 public:
  // Adds the `data` subcommand (with `status` and `fetch`) to `app`.
  explicit DataCommand(CLI::App& app);

  bool parsed() const;  // `data ...` was given on the command line
  int run() const;      // the exit code (exit_codes.h)

 private:
  int status() const;
  int fetch() const;

  CLI::App* m_data = nullptr;
  CLI::App* m_status = nullptr;
  CLI::App* m_fetch = nullptr;
  std::vector<std::string> m_datasets;
  std::string m_dataDir;
  bool m_verify = false;
  bool m_quiet = false;
};

}  // namespace tb::cli
