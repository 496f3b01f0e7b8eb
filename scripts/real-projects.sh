#!/usr/bin/env bash
# Takes every project of ../shared/corpus through compile, apply, re-apply (zero writes) and
# destroy on the private incusd that scripts/incus-test-env.sh starts, and prints a table (see
# scripts/real-projects.py). Exit status 1 when a project fails.
#
# usage: scripts/real-projects.sh   (COMPOSE_COMPILE and COMPOSE_APPLY: built binaries to use)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$(cd "$root" && swift build --show-bin-path)"
compile="${COMPOSE_COMPILE:-$bin/compose-compile}"
apply="${COMPOSE_APPLY:-$bin/compose-apply}"
eval "$("$root/scripts/incus-test-env.sh" env)"
exec python3 "$root/scripts/real-projects.py" "$compile" "$apply"
