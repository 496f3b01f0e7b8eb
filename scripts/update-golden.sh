#!/usr/bin/env bash
# Rewrites golden/<case>/plan.json and warnings.txt, and golden/invalid/errors.txt (the error of
# every invalid file), from the current compiler. Read the diff (git diff golden/) before
# committing: every changed byte is a behaviour change.
#
# usage: scripts/update-golden.sh [case ...]   (errors.txt is rewritten when no case is named)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product compose-compile >/dev/null
binary=.build/debug/compose-compile
cases=("$@")
if [ ${#cases[@]} -eq 0 ]; then
  for dir in golden/*/; do cases+=("$(basename "$dir")"); done
fi
failed=0
for name in "${cases[@]}"; do
  dir=golden/$name
  [ -f "$dir/compose.yaml" ] || [ -f "$dir/args" ] || continue
  plan=$(mktemp)
  warnings=$(mktemp)
  if scripts/golden-run.sh "$binary" "$dir" >"$plan" 2>"$warnings"; then
    mv "$plan" "$dir/plan.json"
    mv "$warnings" "$dir/warnings.txt"
  else
    echo "golden case $name failed to compile (its expected files are left as they were):" >&2
    cat "$warnings" >&2
    rm -f "$plan" "$warnings"
    failed=1
  fi
done
if [ "$#" -eq 0 ]; then
  scripts/invalid-run.sh "$binary" >golden/invalid/errors.txt
fi
git --no-pager diff --stat -- golden/
exit "$failed"
