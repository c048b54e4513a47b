#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages TrainBench needs, if any are missing: to build, run and
# package it (no argument, or `package`: scripts/run.sh, scripts/package.sh), and also to run every
# test, fuzzing included (`test`: scripts/test.sh, as CI runs it). As root it runs apt-get;
# otherwise it uses sudo when that works without a prompt, else it prints the exact command to
# run. After installing it leaves build/.packages-installed, so build.sh configures build/ again
# and finds what was missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/build-dir.sh"
purpose=${1:-run}
case "$purpose" in
  run|package|test) ;;
  *) echo "usage: $0 [run|package|test]" >&2; exit 2 ;;
esac

packages=(
  g++ cmake ninja-build pkgconf
  libtorch-dev libopenblas0-openmp   # LibTorch; OpenBLAS makes the MLP ~6x faster than reference BLAS
  nlohmann-json3-dev libcli11-dev zlib1g-dev libarchive-dev
  libcurl4-openssl-dev libssl-dev ca-certificates   # dataset downloads (HTTPS), their checksums
  libgloo-dev   # data-parallel runs: the headers of LibTorch's Gloo process group (c10d)
  # Packaging (man pages from --help, .deb dependencies): light, and looked for when build/ is
  # configured, so installed from the start rather than only for scripts/package.sh.
  help2man dpkg-dev file
)
if ! cmake_false "${TRAINBENCH_BUILD_GUI:-ON}"; then
  packages+=(qt6-base-dev libqcustomplot-dev libqt6svg6)  # the app; libqt6svg6: its SVG icon
elif [[ $purpose != package ]]; then
  packages+=(qt6-base-dev)  # Qt Test: the test suites are built, app or not (a package's are not)
fi
if [[ $purpose == test ]]; then
  packages+=(clang-14 libclang-rt-14-dev)  # scripts/fuzz.sh: libFuzzer targets of the parsers
  if ! cmake_false "${TRAINBENCH_BUILD_GUI:-ON}"; then
    packages+=(xvfb xauth desktop-file-utils appstream)  # the app in a real window; its metadata
  fi
fi

missing=()
for package in "${packages[@]}"; do
  # One line per installed architecture (its second letter "i" where installed, held or not): a
  # multiarch machine may have a library for two.
  status=$(dpkg-query -W -f='${db:Status-Abbrev}\n' "$package" 2>/dev/null || true)
  grep -q '^.i' <<<"$status" || missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

command=(apt-get install -y --no-install-recommends "${missing[@]}")
if [[ $(id -u) -eq 0 ]]; then
  runner=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  runner=(sudo)
else
  echo "TrainBench needs these packages: ${missing[*]}" >&2
  echo "Install them with:  sudo apt-get update && sudo ${command[*]}" >&2
  exit 1
fi
echo "Installing: ${missing[*]}"
# Through env: sudo's env_reset would drop an exported DEBIAN_FRONTEND.
"${runner[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${runner[@]}" env DEBIAN_FRONTEND=noninteractive "${command[@]}"
build=$(trainbench_build_dir "$root")
mkdir -p "$build" && touch "$build/.packages-installed"
