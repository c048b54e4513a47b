// The probe subcommand: resolves the devices first (a typo costs no time), then measures each in
// turn and prints a table or JSON.
#include "probe_command.h"

#include "exit_codes.h"
#include "json_values.h"
#include "option_checks.h"
#include "signal_guard.h"

#include "devices/device_id.h"
#include "devices/peak_probe.h"
#include "devices/system_info.h"
#include "results/comparison.h"
#include "results/table_text.h"

#include <torch/torch.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>

namespace tb::cli {

namespace {

std::string tflops(const std::optional<double>& value) {
  return value ? formatTflops(*value) : "n/a";
}

}  // namespace

ProbeCommand::ProbeCommand(CLI::App& app) {
  m_probe = app.add_subcommand(
      "probe", "Measure each device's peak: dense matmul TFLOPS per precision and memory GB/s");
  m_probe->add_option("-d,--device", m_devices,
                      "Device to measure (repeat for several; default: every available device)");
  m_probe->add_option("--seconds", m_seconds, "Measuring time per figure, in seconds")
      ->capture_default_str()
      ->check(finiteNumber(0.01, 60.0));
  m_probe->add_option("--threads", m_threads, "CPU threads (default: the physical cores, as runs)")
      ->transform(wholeNumber(1, 4096));
  m_probe->add_flag("--json", m_json, "Print JSON instead of a table");
}

bool ProbeCommand::parsed() const { return m_probe->parsed(); }

int ProbeCommand::run() const {
  std::vector<DeviceId> devices;
  try {
    if (m_devices.empty()) {
      for (const auto& id : availableDevices()) devices.push_back(resolveDevice(id));
    } else {
      for (const auto& text : m_devices) devices.push_back(resolveDevice(text));
    }
  } catch (const DeviceError& e) {
    std::fprintf(stderr, "trainbench-cli: error: --device: %s\n", e.what());
    return kExitDevice;
  }
  at::set_num_threads(cpuThreadCount(m_threads));

  // Ctrl-C, SIGTERM and SIGHUP end the probe within the call being measured, with the figures
  // of the devices measured so far and exit code 130, as they end a run.
  const SignalGuard signals;
  ProbeOptions options;
  options.secondsPerFigure = m_seconds;
  options.cancel = &signals.cancelFlag();
  auto list = nlohmann::json::array();
  int exitCode = kExitOk;
  if (!m_json) {
    std::printf("%-8s %9s %9s %9s %9s %12s  %s\n", "DEVICE", "FP32", "TF32", "BF16", "FP16",
                "COPY GB/s", "NAME");
    std::fflush(stdout);  // the header shows while the first device is measured
  }
  for (const auto& device : devices) {
    if (signals.cancelled()) break;
    const std::string name = deviceDisplayName(device);
    PeakFigures peak;
    const auto start = std::chrono::steady_clock::now();
    try {
      peak = probeDevice(device, options);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "trainbench-cli: error: %s: the probe failed: %s\n",
                   device.str().c_str(), e.what());
      exitCode = kExitRunFailed;
      // A script reading the list learns which device failed and why, not only that one is missing.
      if (m_json) {
        list.push_back({{"id", device.str()}, {"name", name}, {"threads", nullptr},
                        {"fp32_tflops", nullptr}, {"tf32_tflops", nullptr},
                        {"bf16_tflops", nullptr}, {"fp16_tflops", nullptr},
                        {"bandwidth_gbs", nullptr}, {"note", nullptr}, {"seconds", nullptr},
                        {"error", e.what()}});
      }
      continue;
    }
    if (signals.cancelled()) break;  // this device's figures were cut short
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (m_json) {
      // Threads mean something on the CPU only.
      const bool cpu = device.kind == DeviceKind::Cpu;
      list.push_back({{"id", device.str()},
                      {"name", name},
                      {"threads", cpu ? nlohmann::json(at::get_num_threads()) : nlohmann::json()},
                      {"fp32_tflops", orNull(peak.fp32Tflops)},
                      {"tf32_tflops", orNull(peak.tf32Tflops)},
                      {"bf16_tflops", orNull(peak.bf16Tflops)},
                      {"fp16_tflops", orNull(peak.fp16Tflops)},
                      {"bandwidth_gbs", orNull(peak.bandwidthGbs)},
                      {"note", orNull(peak.note)},
                      {"seconds", seconds},
                      {"error", nullptr}});
      continue;
    }
    const std::string bandwidth =
        peak.bandwidthGbs ? table::fixed(*peak.bandwidthGbs, 1) : std::string("n/a");
    std::printf("%-8s %9s %9s %9s %9s %12s  %s\n", device.str().c_str(),
                tflops(peak.fp32Tflops).c_str(), tflops(peak.tf32Tflops).c_str(),
                tflops(peak.bf16Tflops).c_str(), tflops(peak.fp16Tflops).c_str(), bandwidth.c_str(),
                name.c_str());
    if (!peak.note.empty()) std::printf("%-8s %s\n", "", peak.note.c_str());
    std::fflush(stdout);
  }
  if (signals.cancelled()) {
    std::fprintf(stderr, "trainbench-cli: probe cancelled\n");
    exitCode = kExitCancelled;
  }
  if (m_json) {
    // A driver's message may hold invalid UTF-8: replaced, never an exception.
    std::printf("%s\n", list.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  } else {
    std::printf(
        "\nTFLOPS of dense n x n matrix products (n = 1024 on the CPU, 8192 on a GPU); "
        "COPY counts bytes read plus written. n/a: not supported or not measured.\n");
  }
  return exitCode;
}

}  // namespace tb::cli
