// `trainbench-cli probe`: measures each device's peak (dense matmul TFLOPS per precision, memory
// bandwidth), the figures every run records next to its own throughput.
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace tb::cli {

class ProbeCommand {
 public:
  // Adds the `probe` subcommand to `app`.
  explicit ProbeCommand(CLI::App& app);

  bool parsed() const;  // `probe` was given on the command line
  int run() const;      // the exit code (exit_codes.h)

 private:
  CLI::App* m_probe = nullptr;
  std::vector<std::string> m_devices;  // empty: every available device
  double m_seconds = 0.3;
  int m_threads = 0;
  bool m_json = false;
};

}  // namespace tb::cli
