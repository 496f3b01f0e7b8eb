#!/usr/bin/env bash
# ports.sh - the paths into a published port, side by side, on the Incus 7.0 LTS test server
# (scripts/bench.sh --ports runs it): an OCI busybox httpd service published with
# `x-incus.nat-proxy: true` on a wildcard address ("PORT:80"), measured through
#   nat        the bridge address: the kernel DNAT rule
#   loopback   127.0.0.1: the userspace loopback companion proxy
#   direct     the container's own address, no proxy
# each for throughput (a 300 MB file, curl, median of 3) and new connections a second (wrk, 8
# connections, 5 s, small file). Everything runs inside the server's network namespace.
#
# Environment: BENCH_PORTS_SERIES (lts, or feature), BENCH_PORTS_MB (300), BENCH_MARKDOWN (also
# append the table to this file).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SERIES=${BENCH_PORTS_SERIES:-lts}
MEGABYTES=${BENCH_PORTS_MB:-300}
PORT=18480
SUBNET=10.187.248.1/24
BRIDGE_IP=${SUBNET%/*}
say() { printf '%s\n' "$*" >&2; }

command -v wrk >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
INCUS7_SERIES=$SERIES "$ROOT/scripts/incus7-env.sh" install >/dev/null
eval "$(INCUS7_SERIES=$SERIES "$ROOT/scripts/incus7-env.sh" start 2>/dev/null)"
in_netns() { ip netns exec "$INCUS_TEST_NETNS" "$@"; }

(cd "$ROOT" && swift build --product compose-compile >/dev/null && swift build --product compose-apply >/dev/null)
bin=$(cd "$ROOT" && swift build --show-bin-path)
work=$(mktemp -d)
trap 'in_netns "$bin/compose-apply" --destroy --volumes "$work/plan.json" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
cat >"$work/compose.yaml" <<EOF
name: bench-ports
services:
  web:
    image: $INCUS_TEST_REGISTRY/compose-test/httpd:1
    ports: ["$PORT:80"]
    x-incus:
      nat-proxy: true
networks:
  default:
    x-incus:
      ipv4.address: $SUBNET
      ipv4.nat: "false"
EOF
"$bin/compose-compile" -f "$work/compose.yaml" >"$work/plan.json"
in_netns "$bin/compose-apply" "$work/plan.json" >/dev/null 2>&1
incus exec --project bench-ports web-1 -- dd if=/dev/zero of=/var/www/big bs=1M count="$MEGABYTES" 2>/dev/null
container_ip=$(incus query "/1.0/instances/web-1?project=bench-ports" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["devices"]["eth0"]["ipv4.address"])')

throughput() {   # median MB/s of 3 downloads of the big file
    local url=$1 i
    for i in 1 2 3; do
        in_netns curl -s --noproxy '*' -o /dev/null -w '%{speed_download}\n' "$url/big"
    done | sort -n | sed -n 2p | awk '{ printf "%.0f", $1 / 1e6 }'
}
connections() {   # requests a second, each on a new connection
    in_netns wrk -t1 -c8 -d5s -H 'Connection: close' "$1/" 2>/dev/null | awk '/Requests\/sec/ { printf "%.0f", $2 }'
}

table="| path ($(INCUS7_SERIES=$SERIES "$ROOT/scripts/incus7-env.sh" status | sed 's/running: //; s/, pid.*//')) | MB/s | new connections/s |
| --- | ---: | ---: |"
for path in "nat http://$BRIDGE_IP:$PORT" "loopback http://127.0.0.1:$PORT" "direct http://$container_ip:80"; do
    name=${path%% *} url=${path#* }
    say "-- $name: $url"
    table+=$'\n'"| $name | $(throughput "$url") | $(connections "$url") |"
done
printf '%s\n' "$table"
if [ -n "${BENCH_MARKDOWN:-}" ]; then printf '%s\n' "$table" >>"$BENCH_MARKDOWN"; fi
