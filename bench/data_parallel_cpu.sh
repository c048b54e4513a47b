#!/usr/bin/env bash
# One machine's CPU as one rank with all its threads against N ranks (--data-parallel N, the
# same threads split between them), alternating, in one run: each configuration's training
# samples/s (the images it trained over the sum of its epoch times, the median of the repeats)
# and the N-rank figure as a share of the one-rank one. Not the steady state (batch over the
# median step): the ranks' steps wait on each other unevenly, so a data-parallel run's median
# step reads faster than it trained (docs/benchmarks.md).
# On a small CPU this measures correctness and the cost of the gradient exchange, not a speed-up.
# Usage: bench/data_parallel_cpu.sh [RANKS]   (default 2)
# Environment: THREADS (default: nproc; a multiple of RANKS), IMAGES (default 12000), EPOCHS (3),
# REPEATS (3).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)  # before the cd: $0 may be relative to the caller
cd "$here/.."
ranks=${1:-2}
images=${IMAGES:-12000}
epochs=${EPOCHS:-3}
repeats=${REPEATS:-3}
threads=${THREADS:-$(nproc)}
# Both sides get the same threads in all; the CLI gives each rank at least one whole thread, so a
# total that does not divide would give the N ranks more than the one rank.
if ((threads % ranks != 0)); then
  echo "$0: THREADS ($threads) must be a multiple of RANKS ($ranks): set THREADS" >&2
  exit 2
fi
cli=build/app/cli/trainbench-cli
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

run() {  # $1: folder; the rest: extra flags. Saves one result in the folder.
  local folder=$1
  shift
  mkdir -p "$folder"
  "$cli" run --workload fashion-mlp --synthetic --epochs "$epochs" --train-limit "$images" \
    --test-limit 1000 --no-probe --no-machine-check --quiet --out "$folder/" "$@" >/dev/null
}

for ((i = 1; i <= repeats; i++)); do
  run "$out/one" --threads "$threads"
  run "$out/many" --threads "$threads" --data-parallel "$ranks"
done
median() { python3 "$here/steady_median.py" --total "$1"; }  # training samples/s in folder $1
one=$(median "$out/one")
many=$(median "$out/many")
echo "fashion-mlp, $images synthetic images x $epochs epochs, $(nproc) logical CPUs," \
  "training samples/s (images trained / epoch seconds), median of $repeats, alternating"
printf '%-28s %s samples/s\n' "1 rank, $threads threads:" "$one"
printf '%-28s %s samples/s (%sx one rank)\n' "$ranks ranks, $threads threads in all:" "$many" \
  "$(python3 -c "print(f'{$many / $one:.2f}')")"
# trainbench-cli scaling's table ranks by the steady state: shown for its efficiency column and
# run counts, labelled so that its higher N-rank figure is not read as this script's.
echo "trainbench-cli scaling (by steady state, which overstates the ranks):"
"$cli" scaling "$out/one" "$out/many" 2>/dev/null | sed -n '1,12p' || true
