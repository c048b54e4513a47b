#!/usr/bin/env bash
# Configures and builds TrainBench (Release) into build/, or into $TRAINBENCH_BUILD_DIR. Extra
# arguments go to CMake.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/build-dir.sh
build=$(trainbench_build_dir "$PWD")
# TRAINBENCH_BUILD_GUI, when set, applies to a folder configured before too.
gui=()
[[ -n ${TRAINBENCH_BUILD_GUI:-} ]] && gui=(-DTRAINBENCH_BUILD_GUI="$TRAINBENCH_BUILD_GUI")
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
# Configured only once it has generated its build files: a configure that failed or was
# interrupted leaves a CMakeCache.txt behind, and the next run must configure again.
if [[ ! -f $build/build.ninja && ! -f $build/Makefile ]]; then
  cmake -S . -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
    -DTRAINBENCH_BUILD_GUI="${TRAINBENCH_BUILD_GUI:-ON}" "$@"
elif [[ $# -gt 0 || ${#gui[@]} -gt 0 || $build/.packages-installed -nt $build/CMakeCache.txt ]]; then
  # Arguments to apply, or packages installed since the last configure (a tool it looked for
  # and did not find, such as xvfb-run, is looked for again).
  cmake -S . -B "$build" "${gui[@]}" "$@"
fi
cmake --build "$build" --parallel "$(nproc)"
