#!/usr/bin/env bash
# Compiles one golden case exactly the way the golden test does, printing the plan on stdout and
# the warnings on stderr, with the case directory's absolute path replaced by /golden/<case> so
# the expected files do not depend on where the repository is checked out.
#
# usage: scripts/golden-run.sh COMPOSE_COMPILE_BINARY golden/<case>
set -euo pipefail
binary=$(realpath "$1")
case_dir=$(realpath "$2")
case_name=$(basename "$case_dir")
args=(-f compose.yaml)
if [ -f "$case_dir/args" ]; then
  mapfile -t args < <(grep -v '^#' "$case_dir/args" | sed '/^$/d')
fi
environment=(HOME=/nonexistent-home PATH=/usr/bin:/bin)
# The parallel-work knobs pass through, so tests can check they never change a plan.
for knob in COMPOSE_COMPILE_THREADS COMPOSE_COMPILE_CHUNK; do
  if [ -n "${!knob:-}" ]; then environment+=("$knob=${!knob}"); fi
done
if [ -f "$case_dir/process-env" ]; then
  mapfile -t extra < <(grep -v '^#' "$case_dir/process-env" | sed '/^$/d')
  environment+=("${extra[@]}")
fi
stderr_file=$(mktemp)
trap 'rm -f "$stderr_file"' EXIT
status=0
(cd "$case_dir" && env -i "${environment[@]}" "$binary" "${args[@]}") 2>"$stderr_file" \
  | sed "s#$case_dir#/golden/$case_name#g" || status=$?
sed "s#$case_dir#/golden/$case_name#g" "$stderr_file" >&2
exit "$status"
