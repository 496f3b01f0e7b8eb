#!/usr/bin/env bash
# Compiles every golden/invalid/<case>.yaml the way the golden test does and prints, per case, its
# name and what compose-compile wrote on standard error, with the directory replaced by
# /golden/invalid. A case that exits other than 1, or prints a plan, says so in the output, so the
# comparison with golden/invalid/errors.txt fails.
#
# usage: scripts/invalid-run.sh COMPOSE_COMPILE_BINARY
set -euo pipefail
binary=$(realpath "$1")
dir=$(realpath "$(dirname "$0")/../golden/invalid")
plan=$(mktemp)
trap 'rm -f "$plan"' EXIT
for file in "$dir"/*.yaml; do
  name=$(basename "$file")
  echo "== $name"
  status=0
  errors=$(cd "$dir" && env -i HOME=/nonexistent-home PATH=/usr/bin:/bin "$binary" -f "$name" 2>&1 >"$plan") || status=$?
  printf '%s\n' "$errors" | sed "s#$dir#/golden/invalid#g"
  [ "$status" -eq 1 ] || echo "UNEXPECTED exit status $status"
  [ ! -s "$plan" ] || echo "UNEXPECTED plan on standard output"
done
