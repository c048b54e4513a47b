#!/usr/bin/env bash
# Installs missing packages (those of the tests, packaging and fuzzing too), builds, and runs the
# whole test suite. Finding no tests at all is a failure, not a pass.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh test
scripts/build.sh
source scripts/build-dir.sh
cd "$(trainbench_build_dir "$PWD")"
ctest --output-on-failure --no-tests=error --timeout 900 "$@"
