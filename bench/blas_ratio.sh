#!/usr/bin/env bash
# Measures, in one run, how much faster the seed MLP trains with OpenBLAS (OpenMP) than with
# Debian's reference BLAS: the reason scripts/install-deps.sh installs libopenblas0-openmp.
# Usage: bench/blas_ratio.sh [EPOCHS]   (2 or more; synthetic data of Fashion-MNIST's full size)
set -euo pipefail
cd "$(dirname "$0")/.."
epochs=${1:-2}
# The first epoch is warm-up and not counted: with fewer than 2 nothing would be left to time.
if ! [[ $epochs =~ ^[0-9]+$ ]] || ((epochs < 2)); then
  echo "usage: $0 [EPOCHS]   (EPOCHS: 2 or more, the first is warm-up; not '$epochs')" >&2
  exit 2
fi
cli=build/app/cli/trainbench-cli
lib=/usr/lib/$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# The mean of "Epoch k/N - S.SSs" lines in seconds, skipping the warm-up epoch; an epoch under
# 0.1 s reads "Epoch k/N - 62.8ms" (app/cli/progress_printer.cpp), hence the unit check.
mean_epoch_seconds() {
  awk '/^Epoch [0-9]+\/[0-9]+ - /{ t = $4; if (sub(/ms$/, "", t)) t /= 1000; else sub(/s$/, "", t)
                                   if (++n > 1) { sum += t; m++ } }
       END { if (m == 0) { print "nan" } else { printf "%.4g\n", sum / m } }'
}

run() {  # $1: folder holding the libblas.so.3 to use
  LD_LIBRARY_PATH="$1" "$cli" run --workload fashion-mlp --synthetic --epochs "$epochs" \
    --out "$out/" | mean_epoch_seconds
}

reference=$(run "$lib/blas")
openblas=$(run "$lib/openblas-openmp")
echo "fashion-mlp, 60000 synthetic images, mean epoch after the first, $(nproc) cores"
echo "reference BLAS:   ${reference} s"
echo "OpenBLAS OpenMP:  ${openblas} s"
awk -v r="$reference" -v o="$openblas" 'BEGIN { printf "ratio: %.1fx\n", r / o }'
