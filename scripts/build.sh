#!/usr/bin/env bash
# Configures and builds TrainBench (Release) into build/. Extra arguments go to CMake.
set -euo pipefail
cd "$(dirname "$0")/.."
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
if [[ ! -f build/CMakeCache.txt ]]; then
  cmake -S . -B build "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
    -DTRAINBENCH_BUILD_GUI="${TRAINBENCH_BUILD_GUI:-ON}" "$@"
elif [[ $# -gt 0 ]]; then
  cmake -S . -B build "$@"
fi
cmake --build build --parallel "$(nproc)"
