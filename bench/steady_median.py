#!/usr/bin/env python3
"""The median steady-state samples/s of the TrainBench result files in a folder (bench/*.sh).

Usage: steady_median.py [--include-disturbed] [--total] FOLDER

Runs whose validity says disturbed are left out, as trainbench-cli's own --repeat summaries
leave them out; --include-disturbed keeps them (bench/omp_wait_policy.sh disturbs its loaded runs
on purpose). --total takes each run's training throughput over all its epochs (the images it
trained over the sum of its epoch times) instead of the batch over its median step, which reads
high for data-parallel runs (docs/benchmarks.md). Prints the median as a whole number; what was
left out goes to stderr, and the exit status is 1 when no run gives a figure.
"""
import argparse
import json
import pathlib
import statistics
import sys

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("folder", type=pathlib.Path)
parser.add_argument("--include-disturbed", action="store_true",
                    help="keep runs marked validity.disturbed (left out by default)")
parser.add_argument("--total", action="store_true",
                    help="each run's images trained / sum of epoch seconds, not its steady state")
args = parser.parse_args()
name = f"{sys.argv[0]}: {args.folder.name}"


def total_rate(run):
    """Images trained over training seconds, all epochs (a data-parallel epoch may leave some
    images out: epochs[].samples_per_second x seconds counts those it trained); None if none."""
    epochs = run.get("epochs") or []
    seconds = sum(e["seconds"] for e in epochs)
    if run.get("status") != "completed" or seconds <= 0:
        return None
    return sum(e["samples_per_second"] * e["seconds"] for e in epochs) / seconds


paths = sorted(args.folder.glob("*.json"))
values, disturbed, without = [], 0, 0
for path in paths:
    run = json.loads(path.read_text())
    if (run.get("validity") or {}).get("disturbed"):
        disturbed += 1
        if not args.include_disturbed:
            continue
    value = total_rate(run) if args.total else (run.get("steady_state") or {}).get(
        "samples_per_second")
    if value is None:
        without += 1
    else:
        values.append(value)

if disturbed:
    print(f"{name}: {disturbed} of {len(paths)} runs disturbed, "
          f"{'included' if args.include_disturbed else 'left out'}", file=sys.stderr)
what = "training throughput (no completed epochs)" if args.total else "steady state (too short?)"
if without:
    print(f"{name}: {without} runs without a {what}, left out", file=sys.stderr)
if not values:
    print(f"{name}: no run to take the median of ({len(paths)} result files)", file=sys.stderr)
    sys.exit(1)
print(f"{statistics.median(values):.0f}")
