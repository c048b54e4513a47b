#!/usr/bin/env bash
# Channels-last convolution kernels against contiguous ones (TRAINBENCH_CHANNELS_LAST=1 / 0,
# core/engine/weight_layout.h) with one trainbench-cli, alternating in one call so that the
# machine's drift hits both alike: a ResNet-50 step as a run trains it (trainbench-cli profile),
# median of the repeats, per precision.
# Usage: bench/channels_last_ab.sh CLI [DEVICE]   (DEVICE: cpu by default, e.g. cuda:0)
# Environment: THREADS (default: nproc), STEPS (20), REPEATS (5), PRECISIONS ("fp32 bf16").
set -euo pipefail
if [[ $# -lt 1 || $# -gt 2 ]]; then
  echo "usage: $0 CLI [DEVICE]" >&2
  exit 2
fi
cli=$1
device=${2:-cpu}
threads=${THREADS:-$(nproc)}
steps=${STEPS:-20}
repeats=${REPEATS:-5}
precisions=${PRECISIONS:-fp32 bf16}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

for ((i = 1; i <= repeats; i++)); do
  for precision in $precisions; do
    for layout in 0 1; do
      TRAINBENCH_CHANNELS_LAST=$layout "$cli" profile --workload cifar10-resnet50 --device "$device" \
        --synthetic --precision "$precision" --threads "$threads" --steps "$steps" --warmup 3 \
        --json >"$out/$precision-$layout-$i.json"
    done
  done
done
echo "cifar10-resnet50 on $device, $threads threads, $steps steps, median of $repeats, alternating"
python3 - "$out" $precisions <<'PY'
import glob, json, statistics, sys
folder, precisions = sys.argv[1], sys.argv[2:]
for precision in precisions:
    ms = {}
    for layout in ("0", "1"):
        runs = [json.load(open(f)) for f in sorted(glob.glob(f"{folder}/{precision}-{layout}-*.json"))]
        ms[layout] = statistics.median(r["run_step_seconds"] * 1e3 for r in runs)
    print(f"{precision}: contiguous {ms['0']:.1f} ms/step, channels-last {ms['1']:.1f} ms/step, "
          f"channels-last {ms['0'] / ms['1']:.2f}x as fast")
PY
