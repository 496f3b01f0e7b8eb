#!/usr/bin/env bash
# The main job end to end on a fresh machine: install what is needed, start a private incusd,
# build, compile examples/hello into a plan, apply it, and show both published ports answering
# (userspace proxy on 127.0.0.1:8080, kernel NAT on the bridge address 10.187.29.1:8081).
# A second apply shows that nothing changes. `scripts/demo.sh --destroy` removes it all again.
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBIAN_FRONTEND=noninteractive
missing=()
for package in libyaml-dev libjansson-dev libcurl4-openssl-dev libssl-dev libjemalloc-dev pkg-config curl; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
scripts/incus-test-env.sh install
scripts/incus-test-env.sh start >/dev/null
eval "$(scripts/incus-test-env.sh env)"

echo "== building"
swift build --product compose-compile 2>&1 | tail -1
swift build --product compose-apply 2>&1 | tail -1
bin=$(swift build --show-bin-path)
plan=$(mktemp --suffix=.json)
trap 'rm -f "$plan"' EXIT

echo "== compose-compile -f examples/hello/compose.yaml > plan.json"
"$bin/compose-compile" -f examples/hello/compose.yaml >"$plan"
python3 - "$plan" <<'PY'
import json, sys
plan = json.load(open(sys.argv[1]))
print(f"project {plan['project']['name']}: {len(plan['instances'])} instances, "
      f"{len(plan['networks'])} networks, {len(plan['volumes'])} volumes, "
      f"{len(plan['placeholders'])} placeholders")
for name, instance in sorted(plan["instances"].items()):
    for device_name, device in sorted(instance["devices"].items()):
        if device["type"] == "proxy":
            mode = "NAT" if device.get("nat") == "true" else "userspace"
            print(f"  {name}/{device_name}: {device['listen']} -> {device['connect']} ({mode})")
PY

if [ "${1:-}" = "--destroy" ]; then
  "$bin/compose-apply" --destroy --volumes "$plan"
  exit 0
fi

echo "== compose-apply plan.json"
"$bin/compose-apply" "$plan"
echo "== userspace proxy: curl http://127.0.0.1:8080/"
curl -fsS -m 10 http://127.0.0.1:8080/
echo "== kernel NAT proxy: curl http://10.187.29.1:8081/"
curl -fsS -m 10 http://10.187.29.1:8081/
echo "== service discovery: web-1 fetches http://api/"
incus exec web-1 --project hello -- wget -qO- http://api/
echo "== compose-apply plan.json again (nothing to do)"
"$bin/compose-apply" "$plan"
echo "== done; remove it with: scripts/demo.sh --destroy"
