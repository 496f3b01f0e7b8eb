#!/usr/bin/env python3
"""Benchmark driver behind scripts/bench.sh (run that instead; it builds and installs first).

    run.py --ours BIN [--docker BIN] --work DIR [--sizes 100,1000,10000]
           [--timer interleaved|hyperfine|python] [--rss time|python] [--docker-timeout 120]
           [--budget SECONDS] [--strict] [--markdown FILE]

For each size: generate the compose file (gen_compose.py), check both tools once (exit status,
peak RSS, refusal or time-out of docker compose), then time both on the same file in one go
(interleaved runs by default, or hyperfine, or a Python loop), report medians, and print the
side-by-side table and the targets.
Exits 0 unless --strict is given and a target is missed (then 3), or our compiler fails (1).
"""
import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))

# Targets of issue 2, item 8.
TARGET_RATIO_AT_1000 = 20.0
TARGET_PEAK_MB_AT_1000 = 64.0
TARGET_SECONDS_AT_10000 = 2.0
LINEARITY_TOLERANCE = 1.5  # marginal cost per service may grow at most this much between ranges


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def generate(n, work):
    out_dir = os.path.join(work, "s%d" % n)
    subprocess.run([sys.executable, os.path.join(HERE, "gen_compose.py"), str(n), out_dir],
                   check=True, stdout=subprocess.DEVNULL)
    return os.path.join(out_dir, "compose.yaml")


def probe(argv, timeout, rss_mode, stdout_path, stderr_path):
    """One run: (status, seconds, peak_kb). status is 'ok', 'timeout' or the exit code."""
    with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
        if rss_mode == "time":
            cmd = ["/usr/bin/time", "-f", "%M", "-o", stderr_path + ".rss"] + argv
        else:
            cmd = argv
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, start_new_session=True)
        try:
            if rss_mode == "time":
                proc.wait(timeout=timeout)
                ru = None
            else:
                # wait4 gives the child's own rusage (ru_maxrss in KiB on Linux).
                deadline = start + (timeout if timeout else 1e9)
                while True:
                    pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
                    if pid:
                        proc.returncode = os.waitstatus_to_exitcode(status)
                        break
                    if time.perf_counter() > deadline:
                        raise subprocess.TimeoutExpired(argv, timeout)
                    time.sleep(0.002)
        except subprocess.TimeoutExpired:
            # /usr/bin/time and the tool share a new session: end both.
            try:
                os.killpg(proc.pid, 9)
            except ProcessLookupError:
                pass
            proc.wait()
            return "timeout", time.perf_counter() - start, None
        seconds = time.perf_counter() - start
    if proc.returncode != 0:
        return proc.returncode, seconds, None
    if rss_mode == "time":
        with open(stderr_path + ".rss") as f:
            lines = [l.strip() for l in f if l.strip()]
        peak_kb = int(lines[-1])
    else:
        peak_kb = ru.ru_maxrss
    return "ok", seconds, peak_kb


def runs_for(seconds, budget):
    """How many timed runs fit a per-command budget: 3 to 20, or fewer (down to 1) for a command
    so slow that 3 runs would blow the budget (keeps the whole script within CI time)."""
    if seconds * 3 > 2 * budget:
        return max(1, min(3, int(2 * budget / max(seconds, 1e-3))))
    return max(3, min(20, int(budget / max(seconds, 1e-3))))


def warmups_for(seconds, budget):
    """A warm-up run on top of the probe, unless the command is slow (the probe warmed it)."""
    return 1 if seconds * 4 < budget else 0


def time_hyperfine(commands, work, n):
    """commands: list of (label, argv, runs). Returns {label: [seconds...]}."""
    results = {}
    for label, argv, runs, warmups in commands:
        export = os.path.join(work, "hyperfine-%s-%d.json" % (label, n))
        # -N: no intermediate shell; output goes to /dev/null (hyperfine's default).
        subprocess.run(["hyperfine", "-N", "--style", "none", "--warmup", str(warmups), "--runs", str(runs),
                        "--export-json", export, "--command-name", label,
                        " ".join(shell_quote(a) for a in argv)],
                       check=True, stdout=subprocess.DEVNULL)
        with open(export) as f:
            results[label] = json.load(f)["results"][0]["times"]
    return results


def time_interleaved(commands):
    """Round robin: each round runs every command whose share of runs is due, spread evenly, so a
    machine whose speed drifts during the run (a VM's neighbours, other work) slows both tools
    alike instead of whichever ran while it was slow. Processes are started with posix_spawn and
    their output goes to /dev/null (as with hyperfine -N)."""
    devnull = os.open(os.devnull, os.O_RDWR)
    actions = [(os.POSIX_SPAWN_DUP2, devnull, 0), (os.POSIX_SPAWN_DUP2, devnull, 1),
               (os.POSIX_SPAWN_DUP2, devnull, 2)]

    def once(argv):
        start = time.perf_counter()
        pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=actions)
        _, status = os.waitpid(pid, 0)
        elapsed = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            raise subprocess.CalledProcessError(code, argv)
        return elapsed

    try:
        for label, argv, runs, warmups in commands:
            for _ in range(warmups):
                once(argv)
        results = {c[0]: [] for c in commands}
        rounds = max(c[2] for c in commands)
        for r in range(rounds):
            for label, argv, runs, _ in commands:
                # `runs` of `rounds` rounds, evenly: the rounds where the running count steps up.
                if (r + 1) * runs // rounds > r * runs // rounds:
                    results[label].append(once(argv))
        return results
    finally:
        os.close(devnull)


def time_python(commands):
    results = {}
    for label, argv, runs, warmups in commands:
        for _ in range(warmups):
            subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
            times.append(time.perf_counter() - start)
        results[label] = times
    return results


def shell_quote(s):
    if s and all(c.isalnum() or c in "-_./=:,@+" for c in s):
        return s
    return "'" + s.replace("'", "'\\''") + "'"


def first_error_line(path):
    try:
        with open(path, errors="replace") as f:
            lines = [l.strip() for l in f if l.strip() and "level=warning" not in l]
    except OSError:
        return "?"
    lines = [l for l in lines if not l.startswith("Command exited with")]
    return lines[0] if lines else "no message"


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return f.read().split()[0]
    except OSError:
        return "?"


def fmt_s(x):
    return "%.3f" % x if x < 10 else "%.1f" % x


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ours", required=True)
    ap.add_argument("--docker")
    ap.add_argument("--docker-missing-reason", default="not installed")
    ap.add_argument("--work", required=True)
    ap.add_argument("--sizes", default="100,1000,10000")
    ap.add_argument("--timer", choices=["interleaved", "hyperfine", "python"], default="interleaved")
    ap.add_argument("--rss", choices=["time", "python"], default="time")
    ap.add_argument("--docker-timeout", type=float, default=120)
    ap.add_argument("--ours-timeout", type=float, default=300)
    ap.add_argument("--budget", type=float, default=20, help="seconds of timed runs per command and size")
    ap.add_argument("--strict", action="store_true")
    ap.add_argument("--markdown", help="also write the table (markdown) to this file")
    args = ap.parse_args()

    os.makedirs(args.work, exist_ok=True)
    load_start = loadavg()
    sizes = [int(s) for s in args.sizes.replace(" ", ",").split(",") if s]
    rows = []
    for n in sizes:
        path = generate(n, args.work)
        size_mb = os.path.getsize(path) / 1e6
        log("== %d services (%s, %.1f MB)" % (n, os.path.relpath(path), size_mb))
        ours_argv = [args.ours, "-f", path]
        base = os.path.join(args.work, "s%d" % n)
        status, secs, peak = probe(ours_argv, args.ours_timeout, args.rss, base + "/ours.json", base + "/ours.err")
        if status == "timeout":
            log("compose-compile: timed out (> %g s) on %s; larger sizes skipped" % (args.ours_timeout, path))
            rows.append({"n": n, "mb": size_mb, "ours_cell": "timed out (> %g s)" % args.ours_timeout})
            break
        if status != "ok":
            log("compose-compile failed (exit %s) on %s: %s" % (status, path, first_error_line(base + "/ours.err")))
            return 1
        with open(base + "/ours.json") as f:
            plan = json.load(f)
        row = {"n": n, "mb": size_mb, "ours_peak_mb": peak / 1024.0, "ours_probe": secs,
               "instances": len(plan.get("instances", {})), "warnings": len(plan.get("warnings", []))}
        log("   compose-compile: %.3f s, %.1f MB peak, %d instances, %d warnings"
            % (secs, peak / 1024.0, row["instances"], row["warnings"]))

        commands = [("ours", ours_argv, runs_for(secs, args.budget), warmups_for(secs, args.budget))]
        if args.docker:
            docker_argv = [args.docker, "-f", path, "config", "--format", "json"]
            status, dsecs, dpeak = probe(docker_argv, args.docker_timeout, args.rss,
                                         base + "/docker.json", base + "/docker.err")
            if status == "ok":
                row["docker_peak_mb"] = dpeak / 1024.0
                commands.append(("docker", docker_argv, runs_for(dsecs, args.budget), warmups_for(dsecs, args.budget)))
                log("   docker compose config: %.3f s, %.1f MB peak" % (dsecs, dpeak / 1024.0))
            elif status == "timeout":
                row["docker_cell"] = "timed out (> %g s)" % args.docker_timeout
                log("   docker compose config: " + row["docker_cell"])
            else:
                msg = first_error_line(base + "/docker.err")
                row["docker_cell"] = "refused (exit %s)" % status
                row["docker_error"] = msg
                log("   docker compose config: exit %s after %.2f s: %s" % (status, dsecs, msg))
        else:
            row["docker_cell"] = args.docker_missing_reason

        # A command slower than 2x the budget is not run again: its probe is its one timed run.
        probes = {"ours": secs, "docker": dsecs if len(commands) > 1 else None}
        again = [c for c in commands if probes[c[0]] <= 2 * args.budget]
        log("   timing: " + ", ".join("%s x%d" % (c[0], c[2]) if c in again else "%s x1 (the probe)" % c[0]
                                      for c in commands))
        if args.timer == "hyperfine":
            times = time_hyperfine(again, args.work, n)
        elif args.timer == "interleaved":
            times = time_interleaved(again)
        else:
            times = time_python(again)
        for c in commands:
            if c not in again:
                times[c[0]] = [probes[c[0]]]
        row["ours_s"] = statistics.median(times["ours"])
        row["ours_runs"] = len(times["ours"])
        if "docker" in times:
            row["docker_s"] = statistics.median(times["docker"])
            row["docker_runs"] = len(times["docker"])
            row["ratio"] = row["docker_s"] / row["ours_s"]
        rows.append(row)

    # ---- the table
    header = ["services", "file MB", "ours median s", "ours peak MB", "docker median s",
              "docker peak MB", "docker/ours", "ours µs/service"]
    table = []
    for r in rows:
        if "ours_s" not in r:
            table.append(["{:,}".format(r["n"]), "%.1f" % r["mb"], r["ours_cell"], "—", "not run", "—", "—", "—"])
            continue
        if "docker_s" in r:
            d_s, d_mb, ratio = fmt_s(r["docker_s"]), "%.0f" % r["docker_peak_mb"], "%.1f×" % r["ratio"]
        else:
            d_s, d_mb, ratio = r.get("docker_cell", "n/a"), "—", "—"
        table.append(["{:,}".format(r["n"]), "%.1f" % r["mb"], fmt_s(r["ours_s"]), "%.0f" % r["ours_peak_mb"],
                      d_s, d_mb, ratio, "%.0f" % (1e6 * r["ours_s"] / r["n"])])
    widths = [max(len(h), *(len(t[i]) for t in table)) for i, h in enumerate(header)]
    lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |",
             "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    for t in table:
        lines.append("| " + " | ".join(c.rjust(w) for c, w in zip(t, widths)) + " |")

    notes = []
    for r in rows:
        if "docker_error" in r:
            notes.append("docker compose at %s services: %s" % ("{:,}".format(r["n"]), r["docker_error"]))
    runs = ", ".join("%s: ours x%d%s" % ("{:,}".format(r["n"]), r["ours_runs"],
                                         ", docker x%d" % r["docker_runs"] if "docker_runs" in r else "")
                     for r in rows if "ours_runs" in r)
    notes.append("timed runs (median of): " + runs + " [%s]" % args.timer)
    notes.append("machine: %d cores; 1-min load average %s at start, %s at end (other work on the machine slows both tools)"
                 % (os.cpu_count() or 0, load_start, loadavg()))

    # ---- targets
    by_n = {r["n"]: r for r in rows}
    timed_out = [r for r in rows if "ours_s" not in r]
    rows = [r for r in rows if "ours_s" in r]
    checks = []
    if 1000 in by_n and "ours_s" in by_n[1000]:
        r = by_n[1000]
        if "ratio" in r:
            checks.append(("1,000 services: >= %gx faster than docker compose config" % TARGET_RATIO_AT_1000,
                           "%.1fx" % r["ratio"], r["ratio"] >= TARGET_RATIO_AT_1000))
        checks.append(("1,000 services: peak RSS < %g MB" % TARGET_PEAK_MB_AT_1000,
                       "%.1f MB" % r["ours_peak_mb"], r["ours_peak_mb"] < TARGET_PEAK_MB_AT_1000))
    if 10000 in by_n and "ours_s" not in by_n[10000]:
        checks.append(("10,000 services: < %g s" % TARGET_SECONDS_AT_10000, by_n[10000]["ours_cell"], False))
    elif 10000 in by_n:
        r = by_n[10000]
        checks.append(("10,000 services: < %g s" % TARGET_SECONDS_AT_10000,
                       "%.3f s" % r["ours_s"], r["ours_s"] < TARGET_SECONDS_AT_10000))
    ordered = sorted(rows, key=lambda r: r["n"])
    marginals = []
    for a, b in zip(ordered, ordered[1:]):
        marginals.append((a["n"], b["n"], (b["ours_s"] - a["ours_s"]) / (b["n"] - a["n"])))
    if timed_out:
        checks.append(("linear growth", "compose-compile timed out at %s services" % "{:,}".format(timed_out[0]["n"]), False))
    elif len(marginals) >= 2:
        first, last = marginals[0][2], marginals[-1][2]
        desc = ", ".join("%s→%s: %.0f µs" % ("{:,}".format(a), "{:,}".format(b), 1e6 * m) for a, b, m in marginals)
        checks.append(("linear growth: marginal cost per service grows < %gx" % LINEARITY_TOLERANCE,
                       desc + " (x%.2f)" % (last / first if first > 0 else float("inf")),
                       first > 0 and last / first < LINEARITY_TOLERANCE))

    out = ["", "\n".join(lines), ""]
    out += ["  " + n for n in notes]
    out.append("")
    out.append("Targets (issue 2, item 8):")
    if not checks:
        out.append("  (none: the targets concern 100, 1,000 and 10,000 services)")
    for name, value, ok in checks:
        out.append("  [%s] %s — %s" % ("ok" if ok else "MISSED", name, value))
    text = "\n".join(out) + "\n"
    sys.stdout.write(text)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(text)
    missed = [c for c in checks if not c[2]]
    if missed and args.strict:
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
