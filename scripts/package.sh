#!/usr/bin/env bash
# Builds TrainBench (Release, in build/) and packages it with CPack into dist/: a .deb on Debian
# and Ubuntu. Extra arguments go to CMake, e.g. -DTRAINBENCH_BUILD_GUI=OFF for a CLI-only package.
# Install the result with:  sudo apt install ./dist/trainbench_<version>_<arch>.deb
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# A package is built from Release: switch an existing build/ over if it was configured otherwise.
if [[ -f build/CMakeCache.txt ]] &&
   ! grep -qx 'CMAKE_BUILD_TYPE:STRING=Release' build/CMakeCache.txt; then
  echo "build/ is not a Release build: reconfiguring it as Release"
  set -- -DCMAKE_BUILD_TYPE=Release "$@"
fi
scripts/build.sh "$@"
if grep -qx 'TRAINBENCH_BUILD_GUI:BOOL=OFF' build/CMakeCache.txt; then
  echo "Packaging the CLI only (build/ has TRAINBENCH_BUILD_GUI=OFF; -DTRAINBENCH_BUILD_GUI=ON adds the app)"
else
  echo "Packaging the desktop app and the CLI"
fi
mkdir -p dist
cpack --config build/CPackConfig.cmake -B dist
rm -rf dist/_CPack_Packages  # CPack's staging area
echo
ls -l dist/
for deb in dist/*.deb; do
  if [[ -f $deb ]]; then echo "Install with:  sudo apt install ./$deb"; fi
done
