#!/usr/bin/env bash
# `trainbench --help` and `--version` answer without a display (a server, an SSH session): no X
# server, no Wayland, no offscreen platform. QApplication would abort there; these flags must not,
# and the app itself says what to do instead of aborting.
# Usage: gui_flags.sh TRAINBENCH_BINARY
set -euo pipefail
app=$1
bare=(env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM)
help=$("${bare[@]}" "$app" --help)
[[ $help == *"--quit-when-done"* ]] || { echo "--help lacks the options: $help"; exit 1; }
version=$("${bare[@]}" "$app" --version)
# The build beside LibTorch and Qt, as results record it: "...; GCC 12.2.0, optimised)".
[[ $version == trainbench*LibTorch*\;*optimised\) ]] || { echo "--version says: $version"; exit 1; }
# Qt's own GUI options before the flag must not turn it into an error.
"${bare[@]}" "$app" -platform xcb -v | grep -q LibTorch
set +e
refused=$("${bare[@]}" "$app" --quit-when-done 2>&1)
status=$?
set -e
[[ $status == 2 && $refused == *"no display"*"trainbench-cli"* ]] ||
  { echo "without a display the app exited $status saying: $refused"; exit 1; }
echo "gui flags test passed"
