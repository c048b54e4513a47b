#!/usr/bin/env bash
# Two builds of the engine against each other on this machine, alternating in one call so that
# the machine's drift hits both alike: the seed MLP's steady-state samples/s (median of the
# repeats) and each build's operator calls per step (trainbench-cli profile).
# Usage: bench/engine_ab.sh BEFORE_CLI AFTER_CLI   (two trainbench-cli binaries)
# Environment: THREADS (default: nproc), IMAGES (30000), EPOCHS (3), REPEATS (5).
set -euo pipefail
if [[ $# -ne 2 ]]; then
  echo "usage: $0 BEFORE_CLI AFTER_CLI" >&2
  exit 2
fi
before=$1
after=$2
threads=${THREADS:-$(nproc)}
images=${IMAGES:-30000}
epochs=${EPOCHS:-3}
repeats=${REPEATS:-5}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

run() {  # $1: the binary, $2: its results folder
  mkdir -p "$2"
  "$1" run --workload fashion-mlp --synthetic --epochs "$epochs" --train-limit "$images" \
    --test-limit 1000 --threads "$threads" --no-probe --no-machine-check --quiet --out "$2/" >/dev/null
}

for ((i = 1; i <= repeats; i++)); do
  run "$before" "$out/before"
  run "$after" "$out/after"
done
median() { python3 "$(dirname "$0")/steady_median.py" "$1"; }  # steady-state samples/s in folder $1
calls() {  # operator calls per step of $1 on workload $2
  "$1" profile --workload "$2" --synthetic --threads "$threads" --steps 3 --warmup 1 --json |
    python3 -c 'import json, sys; print(round(json.load(sys.stdin)["operator_calls"]))'
}
b=$(median "$out/before")
a=$(median "$out/after")
echo "fashion-mlp, $images synthetic images x $epochs epochs, $threads threads, median of $repeats, alternating"
echo "before: $b samples/s, $(calls "$before" fashion-mlp) operator calls per step"
echo "after:  $a samples/s, $(calls "$after" fashion-mlp) operator calls per step"
python3 -c "print(f'after / before: {$a / $b:.2f}x')"
echo "cifar10-resnet50 operator calls per step: before $(calls "$before" cifar10-resnet50), after $(calls "$after" cifar10-resnet50)"
