#!/usr/bin/env bash
# The .deb as a user meets it: build it from the existing build folder (cpack; no second build),
# install it with apt-get, run the installed programs from the PATH (CLI --version and a
# one-epoch synthetic run; the desktop app under Xvfb with --screenshot), check the desktop
# entry, icons and man pages are in place, then purge it and check that nothing of it is left.
#   package_test.sh BUILD_DIR VERSION GUI(ON|OFF) MAN_PAGES(ON|OFF)
# Needs root (it installs a system package): otherwise, or if trainbench is already installed
# (a user's copy is never touched), it exits 77, which CTest reports as skipped.
# TRAINBENCH_PACKAGE_TEST_KEEP=DIR copies the .deb, the screenshot and the logs there;
# TRAINBENCH_SKIP_PACKAGE_TEST=1 skips it (e.g. as root on a machine you would rather not touch).
set -euo pipefail
build=$(cd "$1" && pwd)
version=$2
gui=$3
man_pages=$4
keep=${TRAINBENCH_PACKAGE_TEST_KEEP:-}

if [[ -n ${TRAINBENCH_SKIP_PACKAGE_TEST:-} ]]; then
  echo "SKIPPED: TRAINBENCH_SKIP_PACKAGE_TEST is set"
  exit 77
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "SKIPPED: the packaging test installs and removes the trainbench .deb, so it needs root" \
       "(run ctest as root, e.g. in a throw-away container or VM)"
  exit 77
fi
for tool in cpack apt-get dpkg dpkg-deb; do
  command -v "$tool" >/dev/null || { echo "SKIPPED: $tool not found (not a Debian system?)"; exit 77; }
done

# One packaging test at a time on this machine: two would install and purge under each other.
exec 9>/run/lock/trainbench-packaging-test.lock
flock --timeout 900 9

if dpkg-query -W -f='${Status}' trainbench 2>/dev/null | grep -q 'install ok installed'; then
  echo "SKIPPED: trainbench is already installed on this machine; this test will not replace" \
       "or remove it (apt-get remove --purge trainbench, then run it again)"
  exit 77
fi

work=$(mktemp -d)
chmod 755 "$work"  # apt reads the .deb as its unprivileged _apt user
installed=0
cleanup() {
  local status=$?
  if [[ $installed -eq 1 ]]; then
    echo "cleaning up: removing the trainbench package"
    apt-get remove --purge -y -qq -o DPkg::Lock::Timeout=300 trainbench >/dev/null 2>&1 ||
      dpkg --purge trainbench >/dev/null 2>&1 || echo "WARNING: could not remove trainbench"
  fi
  if [[ -n $keep ]]; then
    mkdir -p "$keep"
    cp "$work"/dist/*.deb "$work"/*.png "$work"/*.log "$keep"/ 2>/dev/null || true
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
step() { echo "== $*"; }
apt_get() { DEBIAN_FRONTEND=noninteractive apt-get -y -o DPkg::Lock::Timeout=300 "$@"; }

step "cpack (from $build)"
start=$SECONDS
cpack --config "$build/CPackConfig.cmake" -G DEB -B "$work/dist" >"$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log"; exit 1; }
debs=("$work"/dist/trainbench_*.deb)
[[ ${#debs[@]} -eq 1 && -f ${debs[0]} ]] || { echo "expected one trainbench_*.deb"; ls -l "$work/dist"; exit 1; }
deb=${debs[0]}
echo "$(basename "$deb"), $(($(stat -c %s "$deb") / 1024)) KiB, in $((SECONDS - start)) s"

step "package metadata"
field() { dpkg-deb --field "$deb" "$1"; }
dpkg-deb --field "$deb" Package Version Section Depends Recommends Installed-Size
[[ $(field Package) == trainbench ]]
[[ $(field Version) == "$version" ]]
[[ $(field Section) == science ]]
[[ $(field Recommends) == *libopenblas0-openmp* ]]
[[ $(field Depends) == *libc6* ]]  # dpkg-shlibdeps ran
if [[ $gui == ON ]]; then
  [[ $(field Depends) == *libqt6widgets6* && $(field Depends) == *libqt6svg6* ]]
else
  [[ $(field Depends) != *libqt6* ]]  # the CLI-only package needs no Qt
fi

step "apt-get install ./$(basename "$deb")"
installed=1
(cd "$work/dist" && apt_get install "./$(basename "$deb")") >"$work/install.log" 2>&1 ||
  { cat "$work/install.log"; exit 1; }
dpkg-query -W -f='${Status}\n' trainbench | grep -q 'install ok installed'
dpkg -L trainbench >"$work/files.txt"
# Each path's kind now, to tell files (must go) from directories (may be shared) afterwards.
while read -r path; do
  if [[ -d $path && ! -L $path ]]; then echo "d $path"; else echo "f $path"; fi
done <"$work/files.txt" >"$work/kinds.txt"
prefix=/usr
grep -qx "f $prefix/bin/trainbench-cli" "$work/kinds.txt"

step "installed trainbench-cli"
cd "$work"  # nothing below may depend on the source or build folder, or touch root's home
export HOME=$work/home XDG_DATA_HOME=$work/home/data XDG_CONFIG_HOME=$work/home/config \
       XDG_CACHE_HOME=$work/home/cache
mkdir -p "$HOME"
[[ $(command -v trainbench-cli) == "$prefix/bin/trainbench-cli" ]]
cli_version=$(trainbench-cli --version)
echo "$cli_version"
[[ $cli_version == "trainbench-cli $version (LibTorch "* ]]
TRAINBENCH_RESULTS_DIR="$work/library" trainbench-cli run --synthetic --epochs 1 \
  --train-limit 500 --test-limit 100 --out "$work/results/" >"$work/cli-run.log" 2>&1 ||
  { cat "$work/cli-run.log"; exit 1; }
tail -n 5 "$work/cli-run.log"
result=$(ls "$work"/results/*.json)
grep -q "\"app_version\": *\"$version\"" "$result"
grep -q '"status": *"completed"' "$result"

if [[ $man_pages == ON ]]; then
  step "man pages"
  # Gzipped, as Debian policy asks, with no name or time in the header (gzip -n).
  grep -qx "f $prefix/share/man/man1/trainbench-cli.1.gz" "$work/kinds.txt"
  # The footer names the bare version: the whole --version line ran into the date there.
  zgrep -q "^\.TH .* \"trainbench-cli $version\" " "$prefix/share/man/man1/trainbench-cli.1.gz"
  [[ $(od -An -tx1 -j4 -N4 "$prefix/share/man/man1/trainbench-cli.1.gz" | tr -d ' ') == 00000000 ]]
  [[ $gui != ON ]] || grep -qx "f $prefix/share/man/man1/trainbench.1.gz" "$work/kinds.txt"
fi

step "documents"
# The programs' help points to docs/result-format.md and docs/cli.md: they are installed.
for doc in README.md docs/result-format.md docs/cli.md docs/screenshot.png; do
  grep -qx "f $prefix/share/doc/trainbench/$doc" "$work/kinds.txt"
done
# Debian's LibTorch has no CUDA: the description must not leave a GPU user to find that out.
if trainbench-cli devices 2>&1 | grep -q '(CPU only)'; then
  [[ $(field Description) == *"CPU only"* ]]
fi

if [[ $gui == ON ]]; then
  step "desktop entry and icons"
  desktop=$(grep -E '^f /usr/share/applications/.*\.desktop$' "$work/kinds.txt" | cut -c3-)
  [[ -f $desktop ]]
  icon=$(sed -n 's/^Icon=//p' "$desktop")
  exec_line=$(sed -n 's/^Exec=//p' "$desktop")
  [[ $(command -v "${exec_line%% *}") == "$prefix/bin/trainbench" ]]
  [[ -f $prefix/share/icons/hicolor/scalable/apps/$icon.svg ]]
  for size in 16 24 32 48 64 128 256 512; do
    [[ -f $prefix/share/icons/hicolor/${size}x${size}/apps/$icon.png ]]
  done
  grep -E '^f /usr/share/metainfo/.*\.metainfo\.xml$' "$work/kinds.txt" | cut -c3-
  if command -v desktop-file-validate >/dev/null; then desktop-file-validate "$desktop" | grep -v ': hint: ' || true; fi
  echo "$desktop: Exec=$exec_line, Icon=$icon"

  step "installed trainbench"
  gui_version=$(QT_QPA_PLATFORM=offscreen trainbench --version 2>/dev/null)
  echo "$gui_version"
  [[ $gui_version == "trainbench $version (LibTorch "*", Qt "*")" ]]
  if command -v xvfb-run >/dev/null; then
    (unset QT_QPA_PLATFORM
     TRAINBENCH_RESULTS_DIR="$work/library" timeout 300 xvfb-run -a -s "-screen 0 1280x800x24" \
       trainbench --settings "$work/settings.ini" --run fashion-mlp --device cpu --synthetic \
       --epochs 1 --train-limit 500 --test-limit 100 --screenshot "$work/installed-window.png" \
       --quit-when-done) >"$work/gui-run.log" 2>&1 || { cat "$work/gui-run.log"; exit 1; }
    [[ $(head -c 8 "$work/installed-window.png" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]]
    [[ $(stat -c %s "$work/installed-window.png") -gt 20000 ]]
    ls "$work"/library/*.json >/dev/null  # the GUI saved its run to the library
    echo "screenshot: $(stat -c %s "$work/installed-window.png") bytes"
  else
    echo "xvfb-run not found (apt-get install xvfb xauth): the desktop app was not started"
  fi
fi

step "apt-get remove --purge trainbench"
apt_get remove --purge trainbench >"$work/remove.log" 2>&1 || { cat "$work/remove.log"; exit 1; }
installed=0
if dpkg-query -W -f='${Status}' trainbench 2>/dev/null | grep -q 'installed'; then
  echo "trainbench is still known to dpkg"; exit 1
fi
left=0
while read -r kind path; do
  [[ $path == /. ]] && continue
  if [[ $kind == f ]]; then
    [[ -e $path || -L $path ]] && { echo "left behind: $path"; left=1; }
  elif [[ -d $path && -z $(ls -A "$path") ]] && ! dpkg -S "$path" >/dev/null 2>&1; then
    echo "left behind: empty directory $path"; left=1  # shared directories are not empty or owned
  fi
done <"$work/kinds.txt"
[[ $left -eq 0 ]]
echo "removed: none of the $(grep -c '^f' "$work/kinds.txt") files is left"
echo "packaging test passed in $SECONDS s"
