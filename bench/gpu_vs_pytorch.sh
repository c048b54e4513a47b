#!/usr/bin/env bash
# TrainBench against PyTorch on one GPU: the same workloads trained by four contenders,
#   pytorch eager     bench/reference/pytorch_train.py --mode eager (kernels launched as it goes)
#   pytorch compile   the same under torch.compile(mode="reduce-overhead"): Inductor kernels
#                     replayed as CUDA graphs, forward and optimiser step compiled
#   trainbench eager  trainbench-cli run --execution eager (LibTorch, from C++)
#   trainbench graph  trainbench-cli run --execution graph (the step captured as a CUDA graph)
# All four train with batch 32, Keras's Adam (core/engine/keras_adam.cpp), the data on the device
# and normalised once, on synthetic data of the dataset's shape. Configurations: fashion-mlp fp32
# (10 epochs, 60 000 images), cifar10-resnet50 fp32 and bf16 (one epoch on 10 000 images).
# Each round runs the contenders in an order rotated by one from the round before, so that the
# machine's drift hits all alike; the summary gives per contender the medians of steady-state
# samples/s and training seconds, and the ratios to the two eager runs. Steady state: on both
# sides the batch over the median step time, each step timed on the device by CUDA events:
# PyTorch's script over the full steps after the run's first 20, TrainBench after its warm-up.
# Training seconds: on both sides the sum of the epochs' times.
# Absolute figures mean something only with the card named (machine.txt, the summary's head).
#
#   bench/gpu_vs_pytorch.sh OUTDIR [TRAINBENCH_CLI]
#
# TRAINBENCH_CLI defaults to build-gpucheck/app/cli/trainbench-cli (scripts/gpu-check.sh builds
# it), else build/app/cli/trainbench-cli. Needs python3 with a CUDA build of PyTorch.
# Environment: REPEATS (default 2) rounds, DEVICE (cuda:0), QUICK=1 for tiny sizes (dry runs:
# fashion-mlp 1 epoch on 2000 images, ResNet-50 on 256, too few steps for a steady state),
# DEADLINE=S to end the runs by S seconds (each run gets at most the time left; none starts with
# under 10 s left: listed as SKIPPED; the summary is written from what ran), CONFIGS_ONLY="mlp-fp32 resnet50-bf16" to run only the named ones.
# Writes OUTDIR/raw/ (each run's JSON), logs/, results/ (TrainBench's files), runs.tsv,
# machine.txt, summary.txt and gpu_vs_pytorch.log.
set -uo pipefail

if [[ $# -lt 1 || $# -gt 2 ]]; then
  echo "usage: $0 OUTDIR [TRAINBENCH_CLI]" >&2
  exit 2
fi
CLI="${2:-}"
[[ -n "$CLI" && "$CLI" != /* ]] && CLI="$PWD/$CLI"  # as given, before the cd below
mkdir -p "$1/raw" "$1/logs" "$1/results" || exit 1
OUT="$(cd "$1" && pwd)"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT" || exit 1
if [[ -z "$CLI" ]]; then
  CLI="$ROOT/build-gpucheck/app/cli/trainbench-cli"
  [[ -x "$CLI" ]] || CLI="$ROOT/build/app/cli/trainbench-cli"
fi
REPEATS="${REPEATS:-2}"
DEVICE="${DEVICE:-cuda:0}"
LOG="$OUT/gpu_vs_pytorch.log"
: >"$LOG"
printf 'config\tcontender\tround\toutcome\tseconds\tfile\n' >"$OUT/runs.tsv"
START=$SECONDS

log() { echo "[$(date -u +%H:%M:%S) +$((SECONDS - START))s] $*" | tee -a "$LOG"; }
die() {
  log "FATAL: $*"
  exit 1
}

[[ -x "$CLI" ]] || die "no trainbench-cli at $CLI (build it with scripts/gpu-check.sh, or name it)"
[[ "$REPEATS" =~ ^[1-9][0-9]*$ ]] || die "REPEATS must be a positive number, not '$REPEATS'"
[[ "$DEVICE" =~ ^cuda(:[0-9]+)?$ ]] || die "DEVICE must be cuda or cuda:N, not '$DEVICE'"

# PyTorch's script is given --device cuda and sees only DEVICE's GPU, as CUDA_VISIBLE_DEVICES
# says; where that is set already, cuda:K is its K-th entry, as TrainBench reads it.
VISIBLE=""
if [[ "$DEVICE" == cuda:* ]]; then
  index="${DEVICE#cuda:}"
  VISIBLE="$index"
  if [[ -n "${CUDA_VISIBLE_DEVICES:-}" ]]; then
    IFS=, read -ra visible_list <<<"$CUDA_VISIBLE_DEVICES"
    VISIBLE="${visible_list[$index]:-}"
    [[ -n "$VISIBLE" ]] || die "$DEVICE is not among CUDA_VISIBLE_DEVICES=$CUDA_VISIBLE_DEVICES"
  fi
fi

# --- the machine -------------------------------------------------------------------------------
{
  echo "date: $(date -u)"
  echo "host: $(hostname)"
  echo "device: $DEVICE"
  command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version --format=csv
  echo "torch: $(python3 -c 'import torch; print(torch.__version__, torch.version.cuda)' 2>&1)"
  echo "trainbench-cli: $("$CLI" --version 2>&1)"
} >"$OUT/machine.txt" 2>&1
tee -a "$LOG" <"$OUT/machine.txt"

# --- the configurations ------------------------------------------------------------------------
# name, workload, precision, epochs, training images, time limit of one run in seconds
if [[ -n "${QUICK:-}" ]]; then
  CONFIGS=("mlp-fp32 fashion-mlp fp32 1 2000 300"
           "resnet50-fp32 cifar10-resnet50 fp32 1 256 300"
           "resnet50-bf16 cifar10-resnet50 bf16 1 256 300")
else
  CONFIGS=("mlp-fp32 fashion-mlp fp32 10 60000 300"
           "resnet50-fp32 cifar10-resnet50 fp32 1 10000 300"
           "resnet50-bf16 cifar10-resnet50 bf16 1 10000 300")
fi
printf '%s\n' "${CONFIGS[@]}" >"$OUT/configs.txt"

# ok, FAIL(code) or TIMEOUT(limit) for a run's exit code ($1) under time limit $2.
outcome() {
  case "$1" in
    0) echo ok ;;
    124 | 137) echo "TIMEOUT($2s)" ;;
    *) echo "FAIL($1)" ;;
  esac
}

# Whether DEADLINE has passed (under 10 s left); if so, records run $2 of config $1 as skipped.
past_deadline() {
  [[ -n "${DEADLINE:-}" ]] && ((DEADLINE - (SECONDS - START) < 10)) || return 1
  printf '%s\t%s\t%s\tSKIPPED(deadline %ss)\t0\t\n' "$1" "$2" "$3" "$DEADLINE" >>"$OUT/runs.tsv"
  log "-- $1 $2 round $3: skipped, past the deadline"
}

# A run's time limit $1, cut to the time left before DEADLINE: a run started just before it
# went on to its own limit, past the caller's, and the summary was never written.
capped_limit() {
  local limit="$1"
  if [[ -n "${DEADLINE:-}" ]]; then
    local left=$((DEADLINE - (SECONDS - START)))
    ((limit > left)) && limit=$left
  fi
  echo "$limit"
}

# config workload precision epochs images limit mode round
run_pytorch() {
  local name="$1-pytorch-$7-$8" begin=$SECONDS code limit
  past_deadline "$1" "pytorch $7" "$8" && return
  limit="$(capped_limit "$6")"
  log "== $name"
  (
    [[ -n "$VISIBLE" ]] && export CUDA_VISIBLE_DEVICES="$VISIBLE"
    timeout -k 10 "$limit" python3 bench/reference/pytorch_train.py --workload "$2" --mode "$7" \
      --precision "$3" --epochs "$4" --train-images "$5" --device cuda
  ) >"$OUT/raw/$name.json" 2>"$OUT/logs/$name.log"
  code=$?
  local result
  result="$(outcome "$code" "$limit")"
  printf '%s\tpytorch %s\t%s\t%s\t%s\t%s\n' "$1" "$7" "$8" "$result" $((SECONDS - begin)) \
    "raw/$name.json" >>"$OUT/runs.tsv"
  log "-- $name: $result in $((SECONDS - begin))s"
  [[ "$result" == ok ]] || tail -3 "$OUT/logs/$name.log" | sed 's/^/   /' | tee -a "$LOG"
  grep -h "did not compile" "$OUT/logs/$name.log" | head -1 | tee -a "$LOG"
}

# config workload precision epochs images limit execution round
run_trainbench() {
  local name="$1-trainbench-$7-$8" begin=$SECONDS code stamp="$OUT/results/.before-run" limit
  past_deadline "$1" "trainbench $7" "$8" && return
  limit="$(capped_limit "$6")"
  log "== $name"
  touch "$stamp"
  timeout -k 10 "$limit" "$CLI" run --workload "$2" --device "$DEVICE" --synthetic --epochs "$4" \
    --train-limit "$5" --test-limit 1000 --precision "$3" --execution "$7" --no-probe \
    --no-machine-check --quiet --out "$OUT/results/" >"$OUT/logs/$name.log" 2>&1
  code=$?
  local result newest file=""
  result="$(outcome "$code" "$limit")"
  # The run's own file: the newest one written since it started (a failed run saves one too).
  newest="$(find "$OUT/results" -maxdepth 1 -name '*.json' -newer "$stamp" -printf '%T@ %p\n' |
    sort -n | tail -1 | cut -d' ' -f2-)"
  if [[ -n "$newest" ]]; then
    cp "$newest" "$OUT/raw/$name.json" && file="raw/$name.json"
  elif [[ "$result" == ok ]]; then
    result="FAIL(no result file)"
  fi
  printf '%s\ttrainbench %s\t%s\t%s\t%s\t%s\n' "$1" "$7" "$8" "$result" $((SECONDS - begin)) \
    "$file" >>"$OUT/runs.tsv"
  log "-- $name: $result in $((SECONDS - begin))s"
  [[ "$result" == ok ]] || tail -3 "$OUT/logs/$name.log" | sed 's/^/   /' | tee -a "$LOG"
  # Graph mode that trained eagerly says why (trainbench-cli's warning).
  grep -h "graph mode trained eagerly" "$OUT/logs/$name.log" | head -1 | tee -a "$LOG"
}

if [[ -n "${CONFIGS_ONLY:-}" ]]; then
  chosen=()
  for config in "${CONFIGS[@]}"; do
    [[ " $CONFIGS_ONLY " == *" ${config%% *} "* ]] && chosen+=("$config")
  done
  [[ ${#chosen[@]} -gt 0 ]] || die "CONFIGS_ONLY names none of: $(cut -d' ' -f1 "$OUT/configs.txt" | tr '\n' ' ')"
  CONFIGS=("${chosen[@]}")
  printf '%s\n' "${CONFIGS[@]}" >"$OUT/configs.txt"
fi
[[ -z "${DEADLINE:-}" || "$DEADLINE" =~ ^[0-9]+$ ]] || die "DEADLINE must be seconds, not '$DEADLINE'"

# Round r starts r-1 places further along this order, so that no contender always runs first
# (on a machine just started or cooled) or always last. torch.compile is last in round 1 (all of
# a REPEATS=1 run): its compilation is the longest, so a deadline cuts it first there.
ORDER=("trainbench graph" "trainbench eager" "pytorch eager" "pytorch compile")
for config in "${CONFIGS[@]}"; do
  read -r cname workload precision epochs images limit <<<"$config"
  for ((round = 1; round <= REPEATS; round++)); do
    args=("$cname" "$workload" "$precision" "$epochs" "$images" "$limit")
    for ((k = 0; k < ${#ORDER[@]}; k++)); do
      read -r side mode <<<"${ORDER[(round - 1 + k) % ${#ORDER[@]}]}"
      "run_$side" "${args[@]}" "$mode" "$round"
    done
  done
done

# --- the summary -------------------------------------------------------------------------------
python3 - "$OUT" <<'PY' | tee "$OUT/summary.txt"
import json, pathlib, statistics, sys

out = pathlib.Path(sys.argv[1])
CONTENDERS = ["pytorch eager", "pytorch compile", "trainbench eager", "trainbench graph"]
runs = [line.split("\t") for line in (out / "runs.tsv").read_text().splitlines()[1:] if line]


def figures(contender, path):
    """(steady samples/s (batch / median step) or None, training seconds, what ran, why it fell
    back, extra: trainbench's total seconds, pytorch's mean samples/s over its steady steps)"""
    data = json.loads((out / path).read_text())
    if contender.startswith("pytorch"):
        ran = data["mode"] if data["mode"] == "eager" else data["compiled"]
        return (data.get("steady_samples_per_second"), data["train_seconds"], ran,
                data.get("compile_fallback"), data.get("steady_mean_samples_per_second"))
    steady = (data.get("steady_state") or {}).get("samples_per_second")
    config = data["config"]
    return (steady, sum(e["seconds"] for e in data["epochs"]), config["execution"],
            config.get("execution_fallback"), data.get("total_seconds"))


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def text(value, form):
    width = form.split(".")[0]  # a missing figure keeps the column's width
    return format("-", ">" + width) if value is None else format(value, form)


print((out / "machine.txt").read_text().rstrip())
for line in (out / "configs.txt").read_text().splitlines():
    name, workload, precision, epochs, images, _ = line.split()
    print(f"\n== {name}: {workload} {precision}, {epochs} epoch(s) on {images} synthetic images, "
          "batch 32")
    rows, notes = {}, []
    for contender in CONTENDERS:
        mine = [r for r in runs if r[0] == name and r[1] == contender]
        steady, seconds, ran, extras = [], [], [], []
        for _, _, round_, result, _, path in mine:
            if result != "ok":
                where = "" if result.startswith("SKIPPED") else " (logs/)"
                notes.append(f"{contender}, round {round_}: {result}{where}")
                continue
            try:
                s, t, r, why, extra = figures(contender, path)
            except (OSError, ValueError, KeyError, TypeError) as error:
                notes.append(f"{contender}, round {round_}: unreadable result ({error})")
                continue
            steady.append(s)
            seconds.append(t)
            ran.append(r)
            extras.append(extra)
            if why:
                notes.append(f"{contender}, round {round_}: {why}")
        rows[contender] = dict(ok=f"{len(steady)}/{len(mine)}",
                               ran=",".join(sorted(set(ran))) or "-", steady=median(steady),
                               seconds=median(seconds), extra=median(extras))
    print(f"{'contender':<18} {'runs':>5}  {'ran as':<18} {'steady samples/s':>16} "
          f"{'train s':>9} {'/ PT eager':>10} {'/ TB eager':>10}")
    bases = [rows["pytorch eager"]["steady"], rows["trainbench eager"]["steady"]]
    for contender in CONTENDERS:
        row = rows[contender]
        ratios = [row["steady"] / b if row["steady"] and b else None for b in bases]
        print(f"{contender:<18} {row['ok']:>5}  {row['ran']:<18} {text(row['steady'], '16.0f')} "
              f"{text(row['seconds'], '9.2f')} {text(ratios[0], '9.2f')}x "
              f"{text(ratios[1], '9.2f')}x")
    for contender in ("trainbench eager", "trainbench graph"):
        if rows[contender]["extra"] is not None:
            notes.append(f"{contender}: median total {rows[contender]['extra']:.2f} s "
                         "(training and evaluation of 1000 test images)")
    for contender in ("pytorch eager", "pytorch compile"):
        if rows[contender]["extra"] is not None:
            notes.append(f"{contender}: median {rows[contender]['extra']:.0f} samples/s as the "
                         "mean over its steady steps (not compared)")
    for note in notes:
        print(f"  {note}")
print("\nMedians over the rounds. Steady state: batch / median step time on both sides, steps"
      "\ntimed on the device by CUDA events: pytorch's full steps after its first 20, trainbench's"
      "\nafter its warm-up. Training seconds: the sum of the epochs' times on both sides (model"
      "\nbuilding and data preparation before the first epoch left out).")
PY

ok=$(awk -F'\t' 'NR > 1 && $4 == "ok"' "$OUT/runs.tsv" | wc -l)
log "done: $ok runs ok of $(($(wc -l <"$OUT/runs.tsv") - 1)); summary in $OUT/summary.txt"
[[ $ok -gt 0 ]]  # exit status 1 when not one run succeeded
