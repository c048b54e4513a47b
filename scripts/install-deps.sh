#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages TrainBench needs to build, run and test, if any are missing.
# As root it runs apt-get; otherwise it uses sudo when that works without a prompt, else it
# prints the exact command to run.
set -euo pipefail

packages=(
  g++ cmake ninja-build pkgconf
  libtorch-dev libopenblas0-openmp   # LibTorch; OpenBLAS makes the MLP ~6x faster than reference BLAS
  nlohmann-json3-dev libcli11-dev zlib1g-dev libarchive-dev
  libcurl4-openssl-dev libssl-dev   # dataset downloads (HTTP) and their checksums (MD5)
  help2man dpkg-dev file   # packaging: man pages from --help; .deb dependencies (dpkg-shlibdeps)
  clang-14 libclang-rt-14-dev   # scripts/fuzz.sh: libFuzzer targets of the parsers
  libgloo-dev   # data-parallel runs: the headers of LibTorch's Gloo process group (c10d)
)
if [[ "${TRAINBENCH_BUILD_GUI:-ON}" != "OFF" ]]; then
  packages+=(qt6-base-dev libqcustomplot-dev libqt6svg6 xvfb xauth)  # libqt6svg6: the SVG icon
  packages+=(desktop-file-utils appstream)  # tests: validate the desktop entry and metainfo
fi

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
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
export DEBIAN_FRONTEND=noninteractive
"${runner[@]}" apt-get update -qq
"${runner[@]}" "${command[@]}"
