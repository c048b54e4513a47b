// The scaling subcommand (scaling_command.h).
#include "scaling_command.h"

#include "exit_codes.h"
#include "option_checks.h"
#include "result_inputs.h"

#include "results/scaling.h"

#include <CLI/CLI.hpp>

#include <cstdio>

namespace tb::cli {

ScalingCommand::ScalingCommand(CLI::App& app) {
  m_scaling = app.add_subcommand(
      "scaling", "Data-parallel runs: samples/s against ranks, with the scaling efficiency");
  m_scaling
      ->add_option("paths", m_paths,
                   "Result files, or folders (every *.json directly inside); include a one-rank "
                   "run of the same configuration for the efficiency")
      ->required()
      ->check(pathName(/*positional=*/true));
  m_scaling->add_flag("--json", m_json, "Print JSON (one object per configuration) instead of tables");
}

bool ScalingCommand::parsed() const { return m_scaling->parsed(); }

int ScalingCommand::run() const {
  const auto results = readResultInputs(m_paths);
  if (!results) return kExitData;
  const auto series = scalingSeries(*results);
  const std::string text = m_json ? scalingJson(series) + "\n" : scalingText(series);
  std::fwrite(text.data(), 1, text.size(), stdout);
  // Only completed runs have a rate to plot: a folder of cancelled ones would otherwise read as
  // holding no data-parallel run at all.
  int unfinished = 0;
  for (const RunResult& r : *results) {
    const bool parallel = r.distributed && r.distributed->worldSize > 1;
    if (parallel && r.status != RunStatus::Completed) ++unfinished;
  }
  if (series.empty() && unfinished > 0) {
    std::fprintf(stderr,
                 "trainbench-cli: note: %d data-parallel run%s did not complete (cancelled or "
                 "failed): only completed runs are listed\n",
                 unfinished, unfinished == 1 ? "" : "s");
  }
  return kExitOk;
}

}  // namespace tb::cli
