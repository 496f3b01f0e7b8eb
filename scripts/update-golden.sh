#!/usr/bin/env bash
# Rewrites golden/<case>/plan.json and warnings.txt from the current compiler. Read the diff
# (git diff golden/) before committing: every changed byte is a behaviour change.
#
# usage: scripts/update-golden.sh [case ...]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product compose-compile >/dev/null
binary=.build/debug/compose-compile
cases=("$@")
if [ ${#cases[@]} -eq 0 ]; then
  for dir in golden/*/; do cases+=("$(basename "$dir")"); done
fi
for name in "${cases[@]}"; do
  dir=golden/$name
  [ -f "$dir/compose.yaml" ] || [ -f "$dir/args" ] || continue
  if ! scripts/golden-run.sh "$binary" "$dir" >"$dir/plan.json" 2>"$dir/warnings.txt"; then
    echo "golden case $name failed to compile:" >&2
    cat "$dir/warnings.txt" >&2
    exit 1
  fi
done
git --no-pager diff --stat -- golden/
