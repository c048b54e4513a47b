#!/usr/bin/env bash
# Builds TrainBench (Release, in build-package/, apart from the development build/) and packages
# it with CPack into dist/: a .deb on Debian and Ubuntu. Extra arguments go to CMake, e.g.
# -DTRAINBENCH_BUILD_GUI=OFF for a CLI-only package.
# Install the result with:  sudo apt install ./dist/trainbench_<version>_<arch>.deb
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/build-dir.sh
export TRAINBENCH_BUILD_DIR=build-package
# A CLI-only package (-DTRAINBENCH_BUILD_GUI=OFF among the arguments) needs no Qt to build.
for arg in "$@"; do
  if [[ $arg == -DTRAINBENCH_BUILD_GUI=* || $arg == -DTRAINBENCH_BUILD_GUI:BOOL=* ]]; then
    export TRAINBENCH_BUILD_GUI=${arg#*=}
  fi
done
scripts/install-deps.sh package
# Every package is configured afresh from the arguments given now: a CLI-only package must not
# leave the next full one without its app, nor any of them change build/.
# (The objects stay: only what the options change is built again.)
rm -f "$TRAINBENCH_BUILD_DIR"/{CMakeCache.txt,build.ninja,Makefile}
scripts/build.sh -DTRAINBENCH_BUILD_TESTS=OFF "$@"
if ! built_with_gui "$TRAINBENCH_BUILD_DIR"; then
  echo "Packaging the CLI only (TRAINBENCH_BUILD_GUI off)"
else
  echo "Packaging the desktop app and the CLI"
fi
# Only this version's packages: an older one left in dist/ would match the install line too.
rm -rf dist
mkdir -p dist
cpack --config "$TRAINBENCH_BUILD_DIR/CPackConfig.cmake" -B dist
rm -rf dist/_CPack_Packages  # CPack's staging area
echo
ls -l dist/
for deb in dist/*.deb; do
  if [[ -f $deb ]]; then echo "Install with:  sudo apt install ./$deb"; fi
done
