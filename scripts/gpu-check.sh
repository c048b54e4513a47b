#!/usr/bin/env bash
# GPU verification: builds core + CLI (no Qt) against the PyTorch found on this machine, then runs
# `devices`, `probe`, the seed's fashion-mlp (10 epochs) and cifar10-resnet50 (one epoch on
# 10 000 images, fp32 and bf16) on cuda:0, eager and in graph mode, each step's profile, a few
# precision runs and an out-of-memory check,
# writing result files and a log into OUTDIR. Meant for an H100-class machine without Qt or
# internet: about 3.5 minutes on an H200 machine, build included, before the graph-mode runs and
# profiles were added (those have run only in the CPU dry run below: 7 minutes on 2 cores, all
# but 45 s of it the build).
#
#   Dry run without a GPU (profiles and the channels-last A/B run on the CPU, a few steps each):
#   GPU_CHECK_DEVICE=cpu GPU_CHECK_QUICK=1 GPU_CHECK_JOBS=2 GPU_CHECK_BUILD_TIMEOUT=1500 \
#     GPU_CHECK_TORCH_PREFIX=/usr/lib/x86_64-linux-gnu/cmake/Torch scripts/gpu-check.sh /tmp/gc
#
#   scripts/gpu-check.sh OUTDIR
#
# Needs: cmake, ninja, g++, python3 with a CUDA build of PyTorch (or GPU_CHECK_TORCH_PREFIX), and
# the header-only dependencies unpacked into .deps/root/usr (see the message below if missing).
# Knobs (environment):
#   GPU_CHECK_DEVICE=cuda:0        device to train on (cpu for a dry run on a machine without GPU)
#   GPU_CHECK_QUICK=1              tiny sample counts (dry runs)
#   GPU_CHECK_TORCH_PREFIX=DIR     CMake prefix of LibTorch instead of python3's torch
#   GPU_CHECK_BUILD_DIR=DIR        build folder (default build-gpucheck)
#   GPU_CHECK_CMAKE_ARGS="..."     extra CMake arguments
#   GPU_CHECK_JOBS=N               build jobs (default 16)
#   GPU_CHECK_BUILD_TIMEOUT=S      build time limit in seconds (default 330; more on small machines)
#   GPU_CHECK_OOM=0                skip the out-of-memory check (about 30 s; passed on an H200)
#   GPU_CHECK_DEADLINE=S           end by S seconds: each step gets at most the time left, none
#                                  starts with under 10 s left (listed as skipped); the summary
#                                  (OUTDIR/summary.txt) is written after every step
set -uo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 OUTDIR" >&2
  exit 2
fi
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# OUTDIR is the caller's: resolved before moving to the repository.
mkdir -p "$1/results" || exit 1
OUT="$(cd "$1" && pwd)"
cd "$ROOT" || exit 1
LOG="$OUT/gpu-check.log"
: >"$LOG"
DEVICE="${GPU_CHECK_DEVICE:-cuda:0}"
BUILD="${GPU_CHECK_BUILD_DIR:-$ROOT/build-gpucheck}"
JOBS="${GPU_CHECK_JOBS:-16}"
START=$SECONDS
SUMMARY=()

log() { echo "[$(date -u +%H:%M:%S) +$((SECONDS - START))s] $*" | tee -a "$LOG"; }
die() {
  log "FATAL: $*"
  exit 1
}

# The summary so far, into OUTDIR/summary.txt after every step: a caller's time limit that ends
# the script still finds what ran.
write_summary() {
  {
    echo "TrainBench GPU check, $(date -u +%Y-%m-%dT%H:%M:%SZ), +$((SECONDS - START))s"
    printf '%s\n' "${SUMMARY[@]}"
  } >"$OUT/summary.txt"
}
trap write_summary EXIT

# Runs a named step with a time limit, logging its output; records ok/FAIL(code) for the summary.
# With GPU_CHECK_DEADLINE a step gets at most the time left (a step started just before it ran
# on to its own limit, past the caller's), and none starts with under 10 s left: it is recorded
# as skipped and fails (code 125). -k: a process stuck in a CUDA call may outlive SIGTERM.
step() {
  local name="$1" limit="$2"
  shift 2
  if [[ -n "${GPU_CHECK_DEADLINE:-}" ]]; then
    local left=$((GPU_CHECK_DEADLINE - (SECONDS - START)))
    if ((left < 10)); then
      SUMMARY+=("$(printf '%-34s %-14s' "$name" "SKIPPED (deadline ${GPU_CHECK_DEADLINE}s)")")
      log "-- $name: skipped, past the deadline"
      write_summary
      return 125
    fi
    ((limit > left)) && limit=$left
  fi
  log "== $name: $*"
  local begin=$SECONDS
  timeout -k 10 "$limit" "$@" >>"$LOG" 2>&1
  local code=$?
  local outcome="ok"
  [[ $code -ne 0 ]] && outcome="FAIL($code)"
  [[ $code -eq 124 || $code -eq 137 ]] && outcome="TIMEOUT(${limit}s)"
  SUMMARY+=("$(printf '%-34s %-14s %4ss' "$name" "$outcome" $((SECONDS - begin)))")
  log "-- $name: $outcome in $((SECONDS - begin))s"
  write_summary
  return $code
}

# A helper command outside step(): bounded too, its output to the log.
bounded() { timeout -k 5 60 "$@"; }

# --- what is here --------------------------------------------------------------------------------
log "TrainBench GPU check into $OUT (device $DEVICE)"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host: $(hostname)"
  uname -a
  g++ --version | head -1
  cmake --version | head -1
  echo "ninja $(ninja --version 2>/dev/null || echo missing)"
  command -v nvcc >/dev/null && nvcc --version | tail -2
  command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=index,name,memory.total,driver_version,pci.bus_id,compute_cap --format=csv
  python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available())' 2>&1
} >>"$LOG" 2>&1

# --- dependencies --------------------------------------------------------------------------------
DEPS="$ROOT/.deps/root/usr"
if [[ ! -f "$DEPS/share/cmake/nlohmann_json/nlohmann_jsonConfig.cmake" ||
      ! -f "$DEPS/share/cmake/CLI11/CLI11Config.cmake" ]]; then
  die "header-only dependencies missing: expected nlohmann-json and CLI11 CMake packages under
  $DEPS/share/cmake. On a Debian/Ubuntu machine with apt (e.g. the development machine), run:
    mkdir -p .deps && cd .deps && apt-get download nlohmann-json3-dev libcli11-dev zlib1g-dev \\
      && for f in *.deb; do dpkg -x \"\$f\" root; done
  and carry .deps to this machine (it is ignored by git)."
fi
if [[ -n "${GPU_CHECK_TORCH_PREFIX:-}" ]]; then
  TORCH_PREFIX="$GPU_CHECK_TORCH_PREFIX"
else
  TORCH_PREFIX="$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)' 2>>"$LOG")" ||
    die "no PyTorch found by python3 (set GPU_CHECK_TORCH_PREFIX to a LibTorch CMake prefix)"
fi
log "LibTorch CMake prefix: $TORCH_PREFIX"
CUDA_ARGS=()
if ! command -v nvcc >/dev/null && [[ -x /usr/local/cuda/bin/nvcc ]]; then
  export PATH="/usr/local/cuda/bin:$PATH"
fi
[[ -d /usr/local/cuda ]] && CUDA_ARGS+=("-DCUDAToolkit_ROOT=/usr/local/cuda")

# --- build ---------------------------------------------------------------------------------------
# shellcheck disable=SC2086  # GPU_CHECK_CMAKE_ARGS is a list of arguments on purpose
if ! step "configure (core + CLI, no Qt)" 120 cmake -S "$ROOT" -B "$BUILD" -G Ninja \
  -DCMAKE_BUILD_TYPE=Release -DTRAINBENCH_BUILD_GUI=OFF -DTRAINBENCH_BUILD_TESTS=OFF \
  "-DCMAKE_PREFIX_PATH=$TORCH_PREFIX;$DEPS" "${CUDA_ARGS[@]}" ${GPU_CHECK_CMAKE_ARGS:-}; then
  # The core needs zlib's headers (libarchive, libcurl and OpenSSL are optional in this build);
  # a machine without apt may lack them: name the missing ones.
  grep -o "Could NOT find [A-Za-z0-9_]*" "$LOG" | sort -u | while read -r line; do log "  $line"; done
  die "CMake configure failed (see $LOG)"
fi
if grep -q "CUDA code paths enabled" "$LOG"; then
  log "this LibTorch has CUDA"
else
  log "warning: this LibTorch has no CUDA; GPU runs will be refused"
fi
if ! step "build trainbench-cli" "${GPU_CHECK_BUILD_TIMEOUT:-330}" \
  cmake --build "$BUILD" --target trainbench-cli -j "$JOBS"; then
  # CUDA graph capture (core/engine/step_graph.cpp) and the CUDA-event timers
  # (core/engine/device_timer.cpp, step_clock.cpp) are only compiled on such a machine: keep
  # their errors, and build without the one that failed (both where the log does not tell) so
  # that the rest runs.
  grep -q "CUDA graph capture enabled\|CUDA device timer enabled" "$LOG" ||
    die "build failed (see $LOG)"
  # The compiler's diagnostics and ninja's FAILED lines only: its progress lines name every
  # file it builds, the ones that compiled too.
  ERRORS=$(grep -E "^FAILED: |: (fatal )?error" "$LOG" || true)
  head -80 <<<"$ERRORS" >"$OUT/cuda-build-errors.txt"
  WITHOUT=()
  grep -qE "step_graph\.cpp(\.o|:[0-9]+)" <<<"$ERRORS" && WITHOUT+=(-DTRAINBENCH_CUDA_GRAPHS=OFF)
  grep -qE "(device_timer|step_clock)\.cpp(\.o|:[0-9]+)" <<<"$ERRORS" &&
    WITHOUT+=(-DTRAINBENCH_CUDA_DEVICE_TIMER=OFF)
  [[ ${#WITHOUT[@]} -eq 0 ]] &&
    WITHOUT=(-DTRAINBENCH_CUDA_GRAPHS=OFF -DTRAINBENCH_CUDA_DEVICE_TIMER=OFF)
  log "the CUDA-only code failed to build (errors in cuda-build-errors.txt); building with ${WITHOUT[*]}"
  step "configure without the failed CUDA code" 120 cmake "$BUILD" "${WITHOUT[@]}" ||
    die "CMake configure failed (see $LOG)"
  step "build trainbench-cli (reduced)" "${GPU_CHECK_BUILD_TIMEOUT:-330}" \
    cmake --build "$BUILD" --target trainbench-cli -j "$JOBS" || die "build failed (see $LOG)"
fi
CLI="$BUILD/app/cli/trainbench-cli"

# --- checks --------------------------------------------------------------------------------------
export TRAINBENCH_RESULTS_DIR="$OUT/results"
step "devices" 60 "$CLI" devices
bounded "$CLI" devices --json >"$OUT/devices.json" 2>>"$LOG"
# Once, as JSON (a second, human-readable probe would double its time on the GPU).
# TO_FILE FILE COMMAND...: the command's output into FILE, under step's timeout. The file is an
# argument, not part of the command string: any path is safe.
TO_FILE=(bash -c 'file=$1; shift; exec "$@" >"$file"' to_file)
step "probe $DEVICE" 90 "${TO_FILE[@]}" "$OUT/probe.json" "$CLI" probe --device "$DEVICE" --json
[[ -f "$OUT/probe.json" ]] && cat "$OUT/probe.json" >>"$LOG"
[[ "$DEVICE" != cpu ]] && step "probe cpu" 60 "$CLI" probe --device cpu

if [[ -n "${GPU_CHECK_QUICK:-}" ]]; then
  MLP_ARGS=(--epochs 1 --train-limit 2000 --test-limit 500)
  RESNET_ARGS=(--epochs 1 --train-limit 64 --test-limit 32)
  SHORT_ARGS=(--epochs 1 --train-limit 1000 --test-limit 200)
  PROFILE_STEPS=3
  AB_STEPS=2
else
  MLP_ARGS=(--epochs 10)
  RESNET_ARGS=(--epochs 1 --train-limit 10000)
  SHORT_ARGS=(--epochs 2)
  PROFILE_STEPS=200
  AB_STEPS=100
fi

# Real data where the default data folder has it, else synthetic (exit 3: data missing).
run_workload() {
  local name="$1" workload="$2" limit="$3"
  shift 3
  step "$name" "$limit" "$CLI" run --workload "$workload" --device "$DEVICE" --out "$OUT/results/" "$@"
  local code=$? ran="$name"
  if [[ $code -eq 3 ]]; then
    # Not a failure of the check: the machine has no copy of the data set.
    SUMMARY[-1]="$(printf '%-34s %-14s' "$name" "no data: synthetic next")"
    step "$name (synthetic)" "$limit" "$CLI" run --workload "$workload" --device "$DEVICE" \
      --synthetic --out "$OUT/results/" "$@"
    code=$?
    ran="$name (synthetic)"
  fi
  [[ $code -eq 0 && " $* " == *" --execution graph "* ]] && check_graph_ran "$ran"
  return $code
}

# A graph-mode run whose capture failed trains eagerly and exits 0: "ok" would read as graph
# mode working. Its result (the newest) says so; the summary then does too, as a failure.
check_graph_ran() {
  local newest fallback
  newest=$(ls -t "$OUT"/results/*.json 2>/dev/null | head -1)
  [[ -n "$newest" ]] || return 0
  fallback=$(bounded python3 - "$newest" <<'PY'
import json, sys
config = json.load(open(sys.argv[1])).get("config", {})
if config.get("execution") != "graph":
    print(config.get("execution_fallback") or "ran as " + str(config.get("execution")))
PY
)
  if [[ -n "$fallback" ]]; then
    log "$1: $fallback"
    SUMMARY[-1]="$(printf '%-34s %-14s %s' "$1" "FAIL(fell back)" "${fallback:0:120}")"
    write_summary
  fi
}
run_workload "fashion-mlp fp32" fashion-mlp 150 "${MLP_ARGS[@]}"
if ! workloads=$(bounded "$CLI" workloads 2>>"$LOG"); then
  SUMMARY+=("$(printf '%-34s %-14s' "workloads" "FAIL")")
elif grep -q '^cifar10-resnet50 ' <<<"$workloads"; then
  run_workload "cifar10-resnet50 fp32" cifar10-resnet50 180 "${RESNET_ARGS[@]}"
  [[ "$DEVICE" != cpu ]] &&
    run_workload "cifar10-resnet50 bf16" cifar10-resnet50 180 "${RESNET_ARGS[@]}" --precision bf16
else
  log "cifar10-resnet50 is not in this build's workloads: skipped"
  SUMMARY+=("cifar10-resnet50                   SKIPPED (not in this build)")
fi

# Graph mode (--execution graph) against the eager runs above first (the main figures),
# then each step's breakdown: phases, host issue time, operator calls, each phase's time on the
# device's own clock (CUDA events) and the verdict; then channels-last kernels (on by default for
# bf16 on CUDA) against contiguous ones. A quick dry run on the CPU runs the breakdowns too (a few
# steps), so that this part of the script is known to run before a GPU machine depends on it.
if [[ "$DEVICE" != cpu ]]; then
  run_workload "fashion-mlp fp32 graph" fashion-mlp 150 "${MLP_ARGS[@]}" --execution graph
  run_workload "cifar10-resnet50 fp32 graph" cifar10-resnet50 180 "${RESNET_ARGS[@]}" --execution graph
  run_workload "cifar10-resnet50 bf16 graph" cifar10-resnet50 180 "${RESNET_ARGS[@]}" \
    --precision bf16 --execution graph
  bounded "$CLI" compare "$OUT/results" >>"$LOG" 2>&1
fi
# Steady state is timed by CUDA events between steps (core/engine/step_clock.h). Where a run
# has later epochs to compare with, it must agree with its last epoch (images over the wall
# seconds of an epoch that ends in a sync): several times faster means steps were timed at
# their launch (10-100x for graph replays).
timing=$(bounded python3 - "$OUT/results" 2>&1 <<'PY'
import json, pathlib, sys
for path in sorted(pathlib.Path(sys.argv[1]).glob("*.json")):
    run = json.loads(path.read_text())
    steady = (run.get("steady_state") or {}).get("samples_per_second")
    epochs = run.get("epochs") or []
    last = epochs[-1].get("samples_per_second") if epochs else None
    if not steady or not last:
        continue
    ratio = steady / last
    # A median step against an epoch's mean with its tail: up to 1.5 is usual.
    suspect = len(epochs) >= 2 and ratio > 3
    print(f"{'SUSPECT' if suspect else 'ok'} step timing {path.name}: steady {steady:.0f}/s, "
          f"last epoch {last:.0f}/s, ratio {ratio:.2f}")
PY
)
log "$timing"
if grep -q "^SUSPECT" <<<"$timing"; then
  SUMMARY+=("$(printf '%-34s %-14s' "step timing vs epochs" "SUSPECT (log)")")
else
  SUMMARY+=("$(printf '%-34s %-14s' "step timing vs epochs" "ok")")
fi
if [[ "$DEVICE" != cpu || -n "${GPU_CHECK_QUICK:-}" ]]; then
  for workload in fashion-mlp cifar10-resnet50; do
    for precision in fp32 bf16; do
      [[ "$workload" == fashion-mlp && "$precision" == bf16 ]] && continue
      # Once, as JSON (the table's figures and the verdict), kept and copied into the log.
      profile_json="$OUT/profile-$workload-$precision.json"
      step "profile $workload $precision" 120 "${TO_FILE[@]}" "$profile_json" "$CLI" \
        profile --workload "$workload" --device "$DEVICE" --synthetic --precision "$precision" \
        --steps "$PROFILE_STEPS" --json
      [[ -f "$profile_json" ]] && cat "$profile_json" >>"$LOG"
    done
  done
  step "channels-last A/B bf16" 150 env REPEATS=1 STEPS="$AB_STEPS" PRECISIONS=bf16 \
    "$ROOT/bench/channels_last_ab.sh" "$CLI" "$DEVICE"
fi

# Precisions (short runs): bf16 everywhere it is supported, tf32 and fp16 on GPUs.
for precision in bf16 tf32 fp16; do
  [[ "$DEVICE" == cpu && "$precision" != bf16 ]] && continue
  step "fashion-mlp $precision" 90 "$CLI" run --workload fashion-mlp --device "$DEVICE" \
    --synthetic --precision "$precision" --out "$OUT/results/" "${SHORT_ARGS[@]}"
done

# Out of memory must fail cleanly (exit 4, "out of memory on cuda:0 ... tried to allocate"):
# ResNet-50 training at batch 65 536 peaked at 116 GB on an H200 (NVML), about 1.8 MB per
# 32x32 image, so a batch of 98 304 needs some 170 GB, more than an H100 or H200 has, while no
# single tensor reaches 2^31 elements (the largest holds 16 384 values per image).
if [[ "$DEVICE" != cpu && "${GPU_CHECK_OOM:-1}" == 1 ]]; then
  step "out-of-memory run (expected to fail)" 120 "$CLI" run --workload cifar10-resnet50 \
    --device "$DEVICE" --synthetic --epochs 1 --batch-size 98304 --train-limit 98304 \
    --test-limit 16 --no-probe --out "$OUT/results/"
  # Failing is this step's success; failing without saying why is not.
  oom_code=$?
  if [[ $oom_code -eq 125 || $oom_code -eq 124 ]]; then
    :  # not started (past the deadline) or timed out: the summary says so already
  elif grep -q "out of memory on $DEVICE" "$LOG"; then
    log "out-of-memory message: ok"
    SUMMARY[-1]="$(printf '%-34s %-14s' "out-of-memory run" "ok (said so)")"
  else
    log "out-of-memory message: NOT FOUND"
    SUMMARY[-1]="$(printf '%-34s %-14s' "out-of-memory run" "FAIL (no message)")"
  fi
fi

for file in "$OUT"/results/*.json; do
  [[ -f "$file" ]] && bounded "$CLI" show "$file" >>"$LOG" 2>&1
done

write_summary
log "summary (total $((SECONDS - START))s):"
for line in "${SUMMARY[@]}"; do log "  $line"; done
log "results in $OUT/results, log in $LOG"
# A script that reads the exit code learns what the summary says.
if printf '%s\n' "${SUMMARY[@]}" | grep -qE 'FAIL|TIMEOUT'; then
  log "some checks failed"
  exit 1
fi
