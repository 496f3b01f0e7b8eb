#!/usr/bin/env python3
"""Deterministic generator of large, realistic compose files for scripts/bench.sh.

    python3 scripts/bench/gen_compose.py N OUT_DIR

writes OUT_DIR/compose.yaml with N services (and OUT_DIR/config/, the bind-mount sources).
Same N, same bytes: no randomness, no clock, no hash-order dependence.

Every service uses an OCI `image:` and a realistic mix of the compose subset compose-compile
maps to Incus: ports (short syntax with host_ip, protocol and ranges, plus long syntax),
environment (list and map), labels (list and map), volumes (named and bind, short and long,
read-only), several networks (list and map form, aliases), depends_on chains (list and map
form with conditions), deploy.resources.limits / mem_limit / cpus, restart, command,
entrypoint, working_dir, user, hostname; a few services have replicas.

Published host ports are unique across the whole file (a block of 5 per service, starting at
10000), so the file stays valid for any N up to 11,000.
"""
import os
import sys

IMAGES = [
    "nginx:1.27",
    "postgres:16-alpine",
    "redis:7.2",
    "docker.io/library/python:3.12-slim",
    "ghcr.io/example-org/api-gateway:v2.4.1",
    "registry.example.com:5000/team/worker:2.1",
    "quay.io/prometheus/node-exporter:v1.8.0",
    "busybox",
    "example/billing@sha256:"
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "mcr.microsoft.com/dotnet/aspnet:8.0",
]

NETWORKS = ["frontend", "backend", "data", "metrics", "jobs", "edge", "mesh", "admin"]
VOLUME_COUNT = 64          # named volumes, shared round-robin
CHAIN = 10                 # depends_on chains of this length
RESTARTS = ["always", "unless-stopped", "on-failure", "no"]
TIERS = ["web", "api", "worker", "db", "cache"]


def q(s):
    """A YAML double-quoted scalar."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def service(i, n):
    name = "svc-%05d" % i
    base = 10000 + 5 * i
    tier = TIERS[i % len(TIERS)]
    out = ["  %s:" % name, "    image: %s" % IMAGES[i % len(IMAGES)]]

    if i % 7 == 3:
        out.append("    entrypoint: [\"/docker-entrypoint.sh\"]")
    if i % 3 == 0:
        out.append("    command: [\"serve\", \"--port\", \"8080\", \"--id\", \"%d\"]" % i)
    elif i % 3 == 1:
        out.append("    command: run --workers 4 --queue q%d" % (i % 16))
    if i % 4 == 0:
        out.append("    working_dir: /srv/app")
        out.append("    user: \"1000:1000\"")
    if i % 5 == 2:
        out.append("    hostname: host-%d" % i)

    # ports: short (plain, host_ip, udp, range) and long syntax
    out.append("    ports:")
    out.append("      - \"%d:80\"" % base)
    if i % 2 == 0:
        out.append("      - \"127.0.0.1:%d:443/tcp\"" % (base + 1))
    else:
        out.append("      - \"%d:53/udp\"" % (base + 1))
    if i % 4 == 1:
        out.append("      - \"%d-%d:9000-9001\"" % (base + 2, base + 3))
    if i % 3 == 2:
        out.append("      - target: 8080")
        out.append("        published: \"%d\"" % (base + 4))
        out.append("        host_ip: 0.0.0.0")
        out.append("        protocol: tcp")
        out.append("        mode: host")

    # environment: list or map
    env = [
        ("SERVICE_NAME", name),
        ("SERVICE_INDEX", str(i)),
        ("TIER", tier),
        ("LOG_LEVEL", ["info", "debug", "warn"][i % 3]),
        ("DATABASE_URL", "postgres://app:secret@svc-%05d:5432/app%d" % ((i // CHAIN) * CHAIN, i % 8)),
        ("CACHE_URL", "redis://cache-%d:6379/0" % (i % 4)),
        ("FEATURE_FLAGS", "a=1,b=%d,c=on" % (i % 2)),
        ("TZ", "UTC"),
    ]
    if i % 2 == 0:
        out.append("    environment:")
        for k, v in env:
            out.append("      - %s" % q("%s=%s" % (k, v)))
    else:
        out.append("    environment:")
        for k, v in env:
            out.append("      %s: %s" % (k, q(v)))

    # labels: list or map
    labels = [
        ("com.example.tier", tier),
        ("com.example.team", "team-%d" % (i % 12)),
        ("com.example.chain", str(i // CHAIN)),
        ("org.opencontainers.image.source", "https://git.example.com/svc/%d" % (i % 100)),
    ]
    out.append("    labels:")
    if i % 2 == 1:
        for k, v in labels:
            out.append("      - %s" % q("%s=%s" % (k, v)))
    else:
        for k, v in labels:
            out.append("      %s: %s" % (k, q(v)))

    # volumes: named + bind, short and long
    vol = "data-%02d" % (i % VOLUME_COUNT)
    out.append("    volumes:")
    out.append("      - %s:/var/lib/app" % vol)
    out.append("      - ./config/%s:/etc/app:ro" % tier)
    if i % 3 == 0:
        out.append("      - type: volume")
        out.append("        source: cache-%d" % (i % 4))
        out.append("        target: /var/cache/app")
    if i % 5 == 1:
        out.append("      - type: bind")
        out.append("        source: ./config/shared")
        out.append("        target: /etc/shared")
        out.append("        read_only: true")

    # networks: 1 to 3, list or map (with aliases)
    nets = [NETWORKS[i % len(NETWORKS)]]
    if i % 2 == 0:
        nets.append(NETWORKS[(i // 2 + 3) % len(NETWORKS)])
    if i % 5 == 0:
        nets.append(NETWORKS[(i + 5) % len(NETWORKS)])
    nets = sorted(set(nets), key=NETWORKS.index)
    if i % 3 == 0:
        out.append("    networks:")
        for k, net in enumerate(nets):
            if k == 0:
                out.append("      %s:" % net)
                out.append("        aliases: [%s-alias-%d]" % (tier, i))
            else:
                out.append("      %s: {}" % net)
    else:
        out.append("    networks: [%s]" % ", ".join(nets))

    # depends_on: chains of CHAIN services, list or map form
    if i % CHAIN != 0:
        if i % 2 == 0:
            out.append("    depends_on: [svc-%05d]" % (i - 1))
        else:
            out.append("    depends_on:")
            out.append("      svc-%05d:" % (i - 1))
            out.append("        condition: %s" % ("service_started" if i % 4 == 1 else "service_healthy"))
            if i % 8 == 7 and i >= 2 and (i - 2) // CHAIN == i // CHAIN:
                out.append("      svc-%05d:" % (i - 2))
                out.append("        condition: service_started")
                out.append("        required: false")

    # limits: deploy.resources.limits, or mem_limit/cpus
    if i % 4 == 3:
        out.append("    mem_limit: %dm" % (128 * (1 + i % 4)))
        out.append("    cpus: 0.5")
    else:
        out.append("    deploy:")
        if i % 50 == 25:
            out.append("      replicas: 2")
        out.append("      resources:")
        out.append("        limits:")
        out.append("          cpus: \"%s\"" % ["0.25", "0.5", "1", "2"][i % 4])
        out.append("          memory: %dM" % (256 * (1 + i % 3)))

    out.append("    restart: %s" % RESTARTS[i % len(RESTARTS)])
    return out


def compose(n):
    lines = [
        "# generated by scripts/bench/gen_compose.py %d -- do not edit" % n,
        "name: bench%d" % n,
        "services:",
    ]
    for i in range(n):
        lines.extend(service(i, n))
    lines.append("networks:")
    for k, net in enumerate(NETWORKS):
        lines.append("  %s:" % net)
        if net == "data":
            lines.append("    internal: true")
        if k < 4:
            lines.append("    ipam:")
            lines.append("      config:")
            lines.append("        - subnet: 10.%d.0.0/16" % (100 + k))
        lines.append("    labels:")
        lines.append("      com.example.network: %s" % net)
    lines.append("volumes:")
    for v in range(VOLUME_COUNT):
        lines.append("  data-%02d: {}" % v)
    for v in range(4):
        lines.append("  cache-%d:" % v)
        lines.append("    labels:")
        lines.append("      com.example.cache: \"%d\"" % v)
    return "\n".join(lines) + "\n"


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: gen_compose.py N OUT_DIR")
    n = int(sys.argv[1])
    if not 1 <= n <= 11000:
        sys.exit("N must be in 1..11000 (published ports must stay below 65536)")
    out_dir = sys.argv[2]
    for d in TIERS + ["shared"]:
        os.makedirs(os.path.join(out_dir, "config", d), exist_ok=True)
    path = os.path.join(out_dir, "compose.yaml")
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write(compose(n))
    os.replace(tmp, path)
    print(path)


if __name__ == "__main__":
    main()
