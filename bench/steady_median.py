#!/usr/bin/env python3
"""The median steady-state samples/s of the TrainBench result files in a folder (bench/*.sh)."""
import json
import pathlib
import statistics
import sys

values = [json.loads(path.read_text())["steady_state"]["samples_per_second"]
          for path in pathlib.Path(sys.argv[1]).glob("*.json")]
print(f"{statistics.median(values):.0f}")
