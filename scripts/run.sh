#!/usr/bin/env bash
# One command from a fresh clone: installs missing packages, builds, then starts TrainBench.
#   scripts/run.sh                      opens the desktop app (arguments pass through to it)
#   scripts/run.sh run --synthetic ...  a CLI subcommand (run, devices, workloads, show, compare,
#                                       scaling, probe, profile, data) runs the CLI
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
case "${1:-}" in
  run|devices|workloads|show|compare|scaling|probe|profile|data|--version) exec build/app/cli/trainbench-cli "$@" ;;
esac
if [[ -x build/app/gui/trainbench ]]; then
  exec build/app/gui/trainbench "$@"
fi
exec build/app/cli/trainbench-cli "$@"
