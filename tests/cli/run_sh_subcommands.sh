#!/usr/bin/env bash
# scripts/run.sh hands a CLI subcommand to trainbench-cli rather than to the app: every
# subcommand that `trainbench-cli --help` lists must be in its dispatch list.
# Usage: run_sh_subcommands.sh RUN_SH TRAINBENCH_CLI
set -euo pipefail
run_sh=$1
cli=$2
# The case pattern of the line that execs the CLI, e.g. "run|devices|...|--version".
dispatched=$(grep -E '^\s*[a-z|-]+\) exec "\$cli"' "$run_sh" | sed -E 's/^\s*([^)]*)\).*/\1/')
[[ -n $dispatched ]] || { echo "no CLI dispatch line found in $run_sh" >&2; exit 1; }
# The subcommands as --help lists them: two spaces, a name, spaces, its description.
subcommands=$("$cli" --help | sed -n '/^Subcommands:/,/^$/p' | sed -nE 's/^  ([a-z-]+) .*/\1/p')
[[ -n $subcommands ]] || { echo "no subcommands in '$cli --help'" >&2; exit 1; }
missing=()
for name in $subcommands; do
  [[ "|$dispatched|" == *"|$name|"* ]] || missing+=("$name")
done
if (( ${#missing[@]} > 0 )); then
  echo "$run_sh would start the app for: ${missing[*]} (dispatched to the CLI: $dispatched)" >&2
  exit 1
fi
echo "all $(wc -w <<<"$subcommands") subcommands go to the CLI"
