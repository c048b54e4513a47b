#!/usr/bin/env bash
# One command from a fresh clone: installs missing packages, builds, then starts TrainBench.
#   scripts/run.sh                      opens the desktop app (arguments pass through to it)
#   scripts/run.sh run --synthetic ...  a CLI subcommand (run, devices, workloads, show, compare,
#                                       scaling, probe, profile, data) runs the CLI
# Paths in the arguments are the caller's: the programs start in the caller's folder.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/build-dir.sh"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
build=$(trainbench_build_dir "$root")
cli=$build/app/cli/trainbench-cli
app=$build/app/gui/trainbench
case "${1:-}" in
  run|devices|workloads|show|compare|scaling|probe|profile|data|--version) exec "$cli" "$@" ;;
esac
# The app only where the build makes it now (a build reconfigured without it keeps the old one).
if built_with_gui "$build" && [[ -x $app ]]; then
  exec "$app" "$@"
fi
exec "$cli" "$@"
