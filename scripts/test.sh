#!/usr/bin/env bash
# The whole test suite, on a fresh machine: installs what the tests need (Debian packages, Incus 6.0
# from bookworm-backports, Incus 7 in Debian rootfs), starts the private servers, builds, and runs
# every test: all of them against the host's Incus 6.0 LTS, then the end-to-end tests against Incus
# 7.0 LTS (scripts/incus7-env.sh, in its own network namespace with a registry of OCI test images)
# and, with `--incus all`, against the newest 7.x feature release as well, and the cluster tests
# against a 3-member Incus 7.0 LTS cluster (scripts/incus-cluster-env.sh).
#
# usage: scripts/test.sh [--keep-incus] [--incus lts|all] [swift test arguments...]
set -euo pipefail
cd "$(dirname "$0")/.."

keep_incus=false
incus7_series=(lts)
while [ $# -gt 0 ]; do
  case $1 in
  --keep-incus) keep_incus=true; shift ;;
  --incus)
    case ${2:-} in
    lts) incus7_series=(lts) ;;
    all) incus7_series=(lts feature) ;;
    *) echo "test.sh: --incus takes lts or all" >&2; exit 2 ;;
    esac
    shift 2
    ;;
  *) break ;;
  esac
done

export DEBIAN_FRONTEND=noninteractive
# curl and openssl: the end-to-end tests fetch from published ports and make registry certificates.
build_packages=(libyaml-dev libjansson-dev libcurl4-openssl-dev libssl-dev libjemalloc-dev pkg-config curl openssl)
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
stop_servers() {
  scripts/incus-test-env.sh stop >/dev/null 2>&1 || true
  for series in "${incus7_series[@]}"; do INCUS7_SERIES=$series scripts/incus7-env.sh stop >/dev/null 2>&1 || true; done
  scripts/incus-cluster-env.sh stop >/dev/null 2>&1 || true
}
# The real projects run in the background later on; an early exit ends them with the script.
real_projects_pid=""
real_projects_log=""
on_exit() {
  if [ -n "$real_projects_pid" ]; then kill "$real_projects_pid" 2>/dev/null || true; wait "$real_projects_pid" 2>/dev/null || true; fi
  if [ -n "$real_projects_log" ]; then rm -f "$real_projects_log"; fi
  if [ "$keep_incus" = false ]; then stop_servers; fi
}
trap on_exit EXIT
for series in "${incus7_series[@]}"; do
  echo "== installing Incus 7 ($series) in its rootfs"
  INCUS7_SERIES=$series scripts/incus7-env.sh install
done

echo "== building"
swift build --build-tests 2>&1 | grep -Ev '^\[[0-9]+/[0-9]+\]' || true
swift build --build-tests >/dev/null

echo "== lint"
swift format lint --strict -r Sources Tests Plugins

echo "== conformance with docker compose config (at least 95% of projects identical, every listing,"
echo "   every invalid file refused by both)"
COMPOSE_COMPILE="$(swift build --show-bin-path)/compose-compile" CONFORMANCE_MIN_RATE=95 CONFORMANCE_LISTINGS_MIN_RATE=100 \
  CONFORMANCE_INVALID_MIN_RATE=100 \
  scripts/conformance.sh | grep -E '^(MISMATCH|LISTING|ACCEPTED|WRONG-CASE|[0-9]+/[0-9]+ )'

echo "== fuzzing the loader and the plan reader (60 s)"
scripts/fuzz.sh 60 2>&1 | tail -n 4

echo "== packages: release binaries, tarball and .deb, installed into a fresh Debian 12 root"
scripts/package-test.sh --build

echo "== tests (Incus 6.0 LTS on the host)"
swift test --skip-build --disable-swift-testing "$@"

# The real projects run on the host's Incus 6.0 while the Incus 7 tests run in their namespaces (both
# wait on Incus far more than they compute); their lines are printed when both are done.
real_projects_log=$(mktemp)
scripts/real-projects.sh >"$real_projects_log" 2>&1 &
real_projects_pid=$!

# The end-to-end tests again, inside each Incus 7 server's network namespace: its containers, published
# ports and registry are reachable only from there.
for series in "${incus7_series[@]}"; do
  INCUS7_SERIES=$series scripts/incus7-env.sh start >/dev/null
  version=$(INCUS7_SERIES=$series scripts/incus7-env.sh status)
  echo "== end-to-end tests (Incus 7, $series: $version)"
  INCUS7_SERIES=$series scripts/incus7-env.sh exec env INCUS_TEST_ENV_SCRIPT=scripts/incus7-env.sh \
    INCUS7_SERIES="$series" swift test --skip-build --disable-swift-testing --filter 'EndToEndTests|CommandLineTests' "$@"
  if [ "$keep_incus" = false ]; then INCUS7_SERIES=$series scripts/incus7-env.sh stop >/dev/null 2>&1; fi
done

real_projects_status=0
wait "$real_projects_pid" || real_projects_status=$?
real_projects_pid=""
echo "== real projects of ../shared/corpus: compile, apply, re-apply with zero writes, destroy (Incus 6.0)"
grep -Ev '^(pass|\|)' "$real_projects_log" || true
if [ "$real_projects_status" -ne 0 ]; then
  echo "test.sh: scripts/real-projects.sh failed (exit $real_projects_status)" >&2
  exit 1
fi

# A project on an Incus cluster: three 7.0 LTS members in network namespaces of their own (from the
# LTS rootfs), a registry every member reaches; the tests run in the host's namespace.
scripts/incus-cluster-env.sh start >/dev/null
echo "== cluster end-to-end tests (3 members, Incus 7.0 LTS)"
INCUS_TEST_ENV_SCRIPT=scripts/incus-cluster-env.sh swift test --skip-build --disable-swift-testing \
  --filter ClusterEndToEndTests "$@"
if [ "$keep_incus" = false ]; then scripts/incus-cluster-env.sh stop >/dev/null 2>&1; fi
