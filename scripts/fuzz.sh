#!/usr/bin/env bash
# Fuzzes the compose loader + compiler and the plan reader with libFuzzer, for a bounded time.
#
# usage: scripts/fuzz.sh [seconds] [target...]
#   seconds  total fuzzing time, split evenly across the targets (default 60; the build is extra)
#   target   compile (bytes → compose.yaml → Compiler.compile → plan JSON)
#            plan    (bytes → JanssonCoding.decode → Plan(json:) → round trip → PlanValidator)
#            default: both
#
# environment:
#   FUZZ_KEEP_GOING=1  keep fuzzing after a crash (libFuzzer fork mode) and report every crash at the end
#   FUZZ_JOBS=N        parallel targets (default 1: they run one after the other)
#   FUZZ_OPT=-Onone    optimization of the instrumented build (default -O; checks stay on, -Ounchecked is never used)
#
# Targets are built with swiftc -sanitize=fuzzer,address straight from Sources/ (Plan, Compiler)
# into .build-fuzz/libfuzzer. Seeds: golden/*/compose.yaml and ../shared/corpus/**/*.y*ml for compile,
# golden/*/plan.json for plan. The growing corpora live in fuzz/corpus/<target>/, crash inputs in
# fuzz/artifacts/<target>/ and libFuzzer logs in fuzz/logs/ (all git-ignored). Prints one summary line
# per target with its executions; exits 1 when any target crashed, leaked, timed out or ran out of memory.
set -euo pipefail
cd "$(dirname "$0")/.."

# Everything runs inside main, which bash reads whole before running: a long run is not disturbed by
# edits to this file (bash otherwise reads a script as it goes).
main() {

seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(compile plan)
for target in "${targets[@]}"; do
  case "$target" in
    compile | plan) ;;
    *) echo "fuzz.sh: unknown target '$target' (compile, plan)" >&2 && exit 2 ;;
  esac
done
[[ "$seconds" =~ ^[0-9]+$ ]] && [ "$seconds" -ge ${#targets[@]} ] || {
  echo "fuzz.sh: seconds must be a whole number of at least ${#targets[@]}" >&2
  exit 2
}
per_target=$((seconds / ${#targets[@]}))
jobs=${FUZZ_JOBS:-1}
optimization=${FUZZ_OPT:--O}

build=.build-fuzz/libfuzzer
mkdir -p "$build/modules" fuzz/corpus fuzz/artifacts fuzz/logs

# ---- build -------------------------------------------------------------------------------------
swift_flags=(-swift-version 5 -parse-as-library -use-ld=lld -sanitize=fuzzer,address -g "$optimization"
  -I Sources/CYAML -I Sources/CJansson -I Sources/CCrypto -I "$build/modules")

# Compiles one library module of Sources/ into an object file and its .swiftmodule.
build_module() {
  local module=$1
  local sources=()
  while IFS= read -r -d '' file; do sources+=("$file"); done < <(find "Sources/$module" -name '*.swift' -print0 | sort -z)
  swiftc "${swift_flags[@]}" -module-name "$module" -wmo -c -o "$build/$module.o" \
    -emit-module -emit-module-path "$build/modules/$module.swiftmodule" "${sources[@]}"
}

build_started=$(date +%s)
echo "== building fuzz targets ($optimization, -sanitize=fuzzer,address)"
# The plan reader and its validation are the Plan module's; the compile target needs the Compiler too.
build_module Plan
for target in "${targets[@]}"; do
  [ "$target" = compile ] && build_module Compiler && break
done
for target in "${targets[@]}"; do
  case "$target" in
    compile) objects=("$build/Plan.o" "$build/Compiler.o") libraries=(-lyaml -ljansson -lcrypto) ;;
    plan) objects=("$build/Plan.o") libraries=(-ljansson -lcrypto) ;;
  esac
  source_file=$(find "fuzz/$target" -name '*.swift' | head -1)
  swiftc "${swift_flags[@]}" -module-name "Fuzz_$target" "$source_file" "${objects[@]}" "${libraries[@]}" \
    -o "$build/fuzz-$target"
done
echo "== built in $(($(date +%s) - build_started)) s"

# ---- seeds -------------------------------------------------------------------------------------
# Copies seed files into one flat directory under unique names (libFuzzer reads directories).
collect_seeds() {
  local directory=$1
  shift
  rm -rf "$directory"
  mkdir -p "$directory"
  local index=0
  for file in "$@"; do
    [ -f "$file" ] || continue
    cp "$file" "$directory/seed-$index-$(basename "$(dirname "$file")")-$(basename "$file")"
    index=$((index + 1))
  done
}
shopt -s nullglob globstar
for target in "${targets[@]}"; do
  case "$target" in
    compile)
      collect_seeds "$build/seeds/compile" golden/*/*.y*ml ../shared/corpus/**/*.yml ../shared/corpus/**/*.yaml \
        fuzz/regressions/compile/*
      ;;
    plan) collect_seeds "$build/seeds/plan" golden/*/plan.json fuzz/regressions/plan/* ;;
  esac
done
shopt -u nullglob globstar

# ---- fuzz --------------------------------------------------------------------------------------
# Runs one target for per_target seconds; writes its summary to $build/summary-<target>.
run_target() {
  local target=$1
  local corpus=fuzz/corpus/$target
  local artifacts=fuzz/artifacts/$target
  local log=fuzz/logs/$target-$(date +%Y%m%d-%H%M%S).log
  mkdir -p "$corpus" "$artifacts"
  local options=(-max_total_time="$per_target" -timeout=10 -rss_limit_mb=2048 -max_len=16384
    -print_final_stats=1 -artifact_prefix="$artifacts/" -dict="fuzz/$target.dict")
  [ -f "fuzz/$target.dict" ] || options=("${options[@]:0:${#options[@]}-1}")
  if [ "${FUZZ_KEEP_GOING:-0}" = 1 ]; then
    options+=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
  fi
  local status=0
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} "$build/fuzz-$target" "${options[@]}" "$corpus" \
    "$build/seeds/$target" >"$log" 2>&1 || status=$?
  # Plain mode prints stat::number_of_executed_units; fork mode prints "#N: ... exec/s" lines whose
  # first number is the running total of executions.
  local executions
  executions=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1 || true)
  if [ -z "$executions" ]; then
    executions=$(grep -oE '^#[0-9]+:' "$log" | tr -dc '0-9\n' | tail -1 || true)
  fi
  local crashes
  crashes=$(find "$artifacts" -type f -newer "$build/fuzz-$target" | wc -l)
  local coverage
  coverage=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || true)
  echo "fuzz $target: ${executions:-0} executions in ${per_target} s, coverage ${coverage:-?} edges," \
    "corpus $(find "$corpus" -type f | wc -l) inputs, new crash inputs $crashes, exit $status, log $log" \
    >"$build/summary-$target"
  echo "$status $crashes" >"$build/status-$target"
}

# The compile target writes each input as a file; keep those files in memory when possible.
scratch_base=/dev/shm
[ -d "$scratch_base" ] && [ -w "$scratch_base" ] || scratch_base=${TMPDIR:-/tmp}
export COMPOSE_FUZZ_DIR=$scratch_base/compose-fuzz-$$
mkdir -p "$COMPOSE_FUZZ_DIR"
trap 'rm -rf "$COMPOSE_FUZZ_DIR"' EXIT

echo "== fuzzing ${targets[*]} for $per_target s each"
running=0
for target in "${targets[@]}"; do
  rm -f "$build/summary-$target" "$build/status-$target"
  run_target "$target" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait

failed=0
for target in "${targets[@]}"; do
  cat "$build/summary-$target"
  read -r status crashes <"$build/status-$target"
  if [ "$status" != 0 ] || [ "$crashes" != 0 ]; then
    failed=1
    find "fuzz/artifacts/$target" -type f -newer "$build/fuzz-$target" | sed 's/^/  crash input: /'
  fi
done
exit $failed
}

main "$@"
