#!/usr/bin/env bash
# Smoke test of the real window: under Xvfb (an X server, not the offscreen platform) the app
# runs a tiny synthetic benchmark through the normal GUI path and saves a screenshot and report.
# Usage: gui_smoke.sh TRAINBENCH_BINARY
set -euo pipefail
app=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export TRAINBENCH_RESULTS_DIR="$work/results"
unset QT_QPA_PLATFORM  # a real X window, not the offscreen platform of the other UI tests
timeout 300 xvfb-run -a -s "-screen 0 1280x800x24" "$app" --settings "$work/settings.ini" \
  --run fashion-mlp --device cpu --synthetic --epochs 2 --train-limit 800 --test-limit 200 \
  --screenshot "$work/window.png" --report "$work/report.pdf" --quit-when-done
# The PNG is the whole window: check its signature and that it is not a blank few bytes.
[[ $(head -c 8 "$work/window.png" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]]
[[ $(stat -c %s "$work/window.png") -gt 20000 ]]
[[ $(head -c 4 "$work/report.pdf") == %PDF ]]
ls "$work/results"/*.json >/dev/null  # the run was saved to the library
echo "gui smoke test passed"
