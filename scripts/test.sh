#!/usr/bin/env bash
# The whole test suite, on a fresh machine: installs what the tests need (Debian packages, Incus
# from bookworm-backports), starts a private incusd, builds, and runs every test against it.
#
# usage: scripts/test.sh [--keep-incus] [swift test arguments...]
set -euo pipefail
cd "$(dirname "$0")/.."

keep_incus=false
if [ "${1:-}" = "--keep-incus" ]; then
  keep_incus=true
  shift
fi

export DEBIAN_FRONTEND=noninteractive
build_packages=(libyaml-dev libjansson-dev libcurl4-openssl-dev libssl-dev libjemalloc-dev pkg-config)
missing=()
for package in "${build_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing ${missing[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
python3 -c 'import jsonschema' 2>/dev/null || python3 -m pip install --quiet jsonschema

echo "== starting a private incusd"
scripts/incus-test-env.sh install
scripts/incus-test-env.sh start
eval "$(scripts/incus-test-env.sh env)"
if [ "$keep_incus" = false ]; then
  trap 'scripts/incus-test-env.sh stop >/dev/null 2>&1 || true' EXIT
fi

echo "== building"
swift build --build-tests 2>&1 | grep -Ev '^\[[0-9]+/[0-9]+\]' || true
swift build --build-tests >/dev/null

echo "== lint"
swift format lint --strict -r Sources Tests

echo "== conformance with docker compose config (at least 95% of projects identical)"
COMPOSE_COMPILE="$(swift build --show-bin-path)/compose-compile" CONFORMANCE_MIN_RATE=95 \
  scripts/conformance.sh | tail -n 3

echo "== fuzzing the loader and the plan reader (60 s)"
scripts/fuzz.sh 60 2>&1 | tail -n 4

echo "== tests"
swift test --skip-build --disable-swift-testing "$@"
