"""Takes every project of ../shared/corpus through compile, apply, re-apply and destroy on a private
incusd, and prints a table. Called by scripts/real-projects.sh with: COMPOSE_COMPILE COMPOSE_APPLY.

Each project is copied to a scratch directory first (apply creates missing bind sources, and the
corpus must stay as it is). An overlay file added last makes it runnable here: every service runs
the local busybox test image (x-incus.image; nothing can be pulled), every healthcheck runs `true`
(the project's own check commands are not in that image), and every network gets ipv4.nat=false
and, unless the project gives one, an explicit subnet, so no traffic leaves the machine.
Variables that secrets and configs are read from get a test value, as a user sets them. Then:

  compile  compose-compile with the project's files and the overlay
  apply    compose-apply: every instance created and started
  again    compose-apply again: zero write requests
  destroy  compose-apply --destroy --volumes: the project gone from the server

A project passes when all four do; it is "refused" when compile or apply refuses it before any
change (exit 1 or 2) for a reason docker compose would refuse it too, which the EXPECTED_REFUSALS
table names with the words the error must contain. Anything else fails the run.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from conformance_compare import files_for  # noqa: E402  (the same file choice as conformance.sh)

# Projects docker compose refuses too at `up`, with the words our refusal must contain.
EXPECTED_REFUSALS = {
    # A long-syntax bind of a file the corpus lacks; docker does not create it either.
    "awesome-compose/nginx-golang-mysql": "is not created",
    # A static IPv6 address that is the network's own (docker refuses the address as in use).
    "incus-compose-fixtures/with-network-ranges": "is the address of network",
    # An external network must exist; nothing in the project creates it.
    "incus-compose-fixtures/dns2": "external network",
    "incus-compose-fixtures/test-external-network": "external network",
    "incus-compose-fixtures/with-external-network": "external network",
}
# Projects that cannot be run at all (docker refuses their files too).
SKIPPED = {
    "incus-compose-fixtures/invalid": "docker compose refuses the files",
    # It publishes port 53 on every address, which the DNS servers (dnsmasq) of this machine's Incus
    # bridges hold: the proxy device cannot listen there, as docker could not either beside them.
    "awesome-compose/pihole-cloudflared-DoH": "port 53 is held by the Incus bridges' DNS servers here",
}


def run(argv, cwd, env):
    proc = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True)
    return proc.returncode, proc.stdout, proc.stderr


def overlay(model, index):
    """The overlay that runs every service from the test image on NAT-less explicit subnets."""
    lines = ["services:"]
    for name, service in sorted(model.get("services", {}).items()):
        lines += [f"  {json.dumps(name)}:", '    x-incus: {image: "local:compose-test"}']
        # The project's own checks run commands of its real image; the test image answers "true",
        # so that `service_healthy` dependencies still wait for a healthy instance.
        if service.get("healthcheck") and not service["healthcheck"].get("disable"):
            lines.append('    healthcheck: {test: ["CMD", "true"]}')
    lines.append("networks:")
    for number, name in enumerate(sorted(set(model.get("networks", {})) | {"default"})):
        definition = model.get("networks", {}).get(name) or {}
        if definition.get("external"):
            continue
        settings = {"ipv4.nat": "false"}
        has_subnet = any(c.get("subnet") for c in (definition.get("ipam") or {}).get("config") or [])
        has_subnet = has_subnet or "ipv4.address" in (definition.get("x-incus") or {})
        if not has_subnet:
            settings["ipv4.address"] = f"10.{190 + (index * 8 + number) // 256}.{(index * 8 + number) % 256}.1/24"
        lines += [f"  {json.dumps(name)}:", "    x-incus: " + json.dumps(settings)]
    return "\n".join(lines) + "\n"


def file_variables(model):
    """Values for the variables secrets and configs are read from, which a user sets before apply."""
    return {
        definition["environment"]: "real-projects test value"
        for kind in ("secrets", "configs")
        for definition in (model.get(kind) or {}).values()
        if isinstance(definition, dict) and definition.get("environment")
    }


def main():
    compile_binary, apply_binary = sys.argv[1], sys.argv[2]
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
    corpus = os.path.join(root, "..", "shared", "corpus")
    projects = sorted(
        os.path.join(group, name)
        for group in os.listdir(corpus) if os.path.isdir(os.path.join(corpus, group))
        for name in os.listdir(os.path.join(corpus, group)) if os.path.isdir(os.path.join(corpus, group, name)))
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPOSE_")}
    scratch = tempfile.mkdtemp(prefix="real-projects-")
    rows, failures = [], 0
    for index, relative in enumerate(projects):
        if relative in SKIPPED:
            rows.append((relative, "skipped", SKIPPED[relative]))
            continue
        work = os.path.join(scratch, relative.replace("/", "_"))
        shutil.copytree(os.path.join(corpus, relative), work, symlinks=True)
        name = "rp" + str(index) + "-" + re.sub(r"[^a-z0-9]", "", relative.split("/")[-1].lower())[:20]
        files, explicit = files_for(work)
        file_args = sum((["-f", f] for f in files), [])
        code, out, err = run([compile_binary, "config", "--format", "json", "--extensions"] + file_args, work, env)
        if code != 0:
            rows.append((relative, "FAIL", "config: " + (err.strip().splitlines() or [""])[-1]))
            failures += 1
            continue
        model = json.loads(out)
        with open(os.path.join(work, "zz-real-projects.yaml"), "w") as handle:
            handle.write(overlay(model, index))
        project_env = dict(env, **file_variables(model))
        plan = os.path.join(work, "plan.json")
        code, out, err = run(
            [compile_binary, "-p", name, "-o", plan] + file_args + ["-f", "zz-real-projects.yaml"], work, env)
        verdict = None
        if code == 0:
            code, _, err = run([apply_binary, plan], work, project_env)
            if code == 0:
                again_code, _, again_err = run([apply_binary, plan], work, project_env)
                writes = re.search(r"\((\d+) write requests", again_err)
                if again_code != 0 or not writes or writes.group(1) != "0":
                    verdict = ("FAIL", "re-apply: " + (again_err.strip().splitlines() or [""])[-1])
            destroyed, _, destroy_err = run([apply_binary, "--destroy", "--volumes", plan], work, project_env)
            if code == 0 and verdict is None:
                verdict = ("pass", "") if destroyed == 0 else ("FAIL", "destroy: " + destroy_err.strip()[-200:])
        if verdict is None:
            last = (err.strip().splitlines() or [""])[-1]
            expected = EXPECTED_REFUSALS.get(relative)
            if code in (1, 2) and expected and expected in err:
                verdict = ("refused", last)
            else:
                verdict = ("FAIL", f"exit {code}: {last}")
        if verdict[0] == "FAIL":
            failures += 1
        rows.append((relative,) + verdict)
        print(f"{verdict[0]:8} {relative} {verdict[1]}", flush=True)
    shutil.rmtree(scratch, ignore_errors=True)
    print()
    print("| project | result | detail |")
    print("|---|---|---|")
    for relative, result, detail in rows:
        print(f"| {relative} | {result} | {detail[:120]} |")
    passed = sum(1 for row in rows if row[1] == "pass")
    refused = sum(1 for row in rows if row[1] == "refused")
    print(f"\n{passed} passed, {refused} refused as docker would, {failures} failed, of {len(rows)} projects")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
