#!/usr/bin/env bash
# Installs missing packages (those of the tests, packaging and fuzzing too), builds, and runs the
# whole test suite. Finding no tests at all is a failure, not a pass.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh test
scripts/build.sh
source scripts/build-dir.sh
cd "$(trainbench_build_dir "$PWD")"
# Two tests at a time (TRAINBENCH_TEST_JOBS): on CI's two cores the suite takes about half as
# long (341 against 615 s). The tests wait for states, never for time, so they need not run
# alone; more at once would mostly crowd the training runs' threads. `scripts/test.sh -j1` runs
# them one by one (ctest takes the last -j).
ctest --output-on-failure --no-tests=error --timeout 900 --parallel "${TRAINBENCH_TEST_JOBS:-2}" "$@"
