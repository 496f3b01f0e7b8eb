"""Runs docker compose and compose-compile `config` over compose projects and compares the JSON.

Called by scripts/conformance.sh with: DOCKER_COMPOSE COMPOSE_COMPILE PROJECT_DIR...

Per project, both tools run inside the project directory with the same environment (COMPOSE_*
variables removed). compose-compile discovers its files itself (base, override, Incus overlay);
docker compose is given the same files with -f, since it does not know the Incus overlay. A
project without a base file (incus-compose-fixtures/with-multi-files) gets every YAML file with -f,
each `X.incus.yaml` right after `X.yaml`. Golden cases run as scripts/golden-run.sh runs them: their
`args` file (one argument a line; `compile` is dropped, `-f` files replace discovery) goes to both
tools, and the environment is only HOME, PATH and the lines of their `process-env` file. A project
meant to be invalid must be rejected by both.

Every project both accept is then listed by both with `config --services`, `--volumes`,
`--networks`, `--images`, `--profiles` and `--variables`; the lines must be the same. Docker prints
most of these in the order of a Go map, random from run to run, and compose-compile in sorted order,
so lines are compared as sorted lists (the `--variables` header stays first; a variable docker fills
at random from one of several spellings matches any row docker gave for it over nine runs).

Every file of the INVALID_DIR folder (golden/invalid) is then given to both tools alone, with -f:
docker must refuse it (else the file is a wrong case), and compose-compile must refuse it too.
"""

import difflib
import json
import os
import subprocess
import sys

BASE = ["compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"]
OVERRIDE = ["compose.override.yml", "compose.override.yaml", "docker-compose.override.yml", "docker-compose.override.yaml"]
OVERLAY = ["compose.incus.yaml", "compose.incus.yml", "docker-compose.incus.yaml", "docker-compose.incus.yml"]


def first(directory, names):
    for name in names:
        if os.path.isfile(os.path.join(directory, name)):
            return name
    return None


def files_for(directory):
    """The -f list for docker compose, and whether compose-compile should get it too."""
    base = first(directory, BASE)
    if base:
        return [f for f in (base, first(directory, OVERRIDE), first(directory, OVERLAY)) if f], False
    yamls = sorted(f for f in os.listdir(directory) if f.endswith((".yaml", ".yml")))
    plain = [f for f in yamls if ".incus." not in f]
    ordered = []
    for f in plain:
        ordered.append(f)
        stem = f.rsplit(".", 1)[0]
        ordered += [g for g in yamls if g.startswith(stem + ".incus.")]
    return ordered, True


def canonical(value):
    """Drops the documented differences (none at present) and returns a comparable value."""
    return value


def lines(path):
    """The non-empty, non-comment lines of a file, or [] when it does not exist."""
    if not os.path.isfile(path):
        return []
    return [line for line in open(path).read().splitlines() if line and not line.startswith("#")]


def run(argv, cwd, env):
    proc = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True)
    return proc.returncode, proc.stdout, proc.stderr


LISTINGS = ["--services", "--volumes", "--networks", "--images", "--profiles", "--variables"]


def listing_lines(switch, text):
    """A listing's lines in a comparable order (--variables: cells apart from the column widths,
    which follow the longest cell)."""
    rows = text.splitlines()
    if switch == "--variables" and rows:
        rows = [" ".join(row.split()) for row in rows]
        return rows[:1] + sorted(rows[1:])
    return sorted(rows)


def docker_variable_rows(docker_argv, cwd, env, text, wanted, runs=8, most_runs=300):
    """Every row docker's --variables gave for each variable over several runs: a variable written
    with different defaults (or alternatives) in several places gets one of them, at random (a Go map).
    While a row of ours (`wanted`) for a variable whose rows vary is still unseen, docker runs again,
    up to `most_runs` times, so that the verdict does not hang on a few random draws."""
    rows = {}

    def add(out):
        for row in out.splitlines()[1:]:
            if row.split():
                rows.setdefault(row.split()[0], set()).add(" ".join(row.split()))

    add(text)
    for _ in range(runs):
        add(run(docker_argv, cwd, env)[1])
    for _ in range(most_runs):
        unseen = [row for row in wanted
                  if len(rows.get(row.split()[0], ())) > 1 and row not in rows[row.split()[0]]]
        if not unseen:
            break
        add(run(docker_argv, cwd, env)[1])
    return rows


def compare_listings(docker_base, ours_base, cwd, env, name):
    """The listing switches that give other lines, with both outputs."""
    differences = []
    for switch in LISTINGS:
        d_code, d_out, _ = run(docker_base + ["config", switch], cwd, env)
        o_code, o_out, _ = run(ours_base + ["config", switch], cwd, env)
        if switch == "--variables" and d_code == 0:
            # A row of ours counts as docker's when one of docker's runs gave it.
            ours_rows = o_out.splitlines()
            wanted = [" ".join(row.split()) for row in ours_rows[1:] if row.split()]
            seen = docker_variable_rows(docker_base + ["config", switch], cwd, env, d_out, wanted)
            kept = [row for row in ours_rows[1:] if row.split() and " ".join(row.split()) in seen.get(row.split()[0], ())]
            d_rows = d_out.splitlines()
            by_name = {row.split()[0]: row for row in d_rows[1:] if row.split()}
            for row in kept:
                by_name[row.split()[0]] = row
            d_out = "\n".join(d_rows[:1] + [by_name[name] for name in sorted(by_name)]) + "\n"
        if d_code != o_code or listing_lines(switch, d_out) != listing_lines(switch, o_out):
            differences.append((switch, d_code, d_out, o_code, o_out))
    return differences


def check_invalid_files(docker, ours, directory, env):
    """Runs both tools on each file of `directory`; returns the percentage both refuse."""
    if not directory:
        return 100.0
    names = sorted(f for f in os.listdir(directory) if f.endswith(".yaml"))
    run_env = {"HOME": "/nonexistent-home", "PATH": "/usr/bin:/bin"}
    refused = 0
    for name in names:
        d_code, _, d_err = run([docker, "-f", name, "config", "--format", "json"], directory, run_env)
        o_code, _, o_err = run([ours, "config", "--format", "json", "-f", name], directory, run_env)
        if d_code == 0:
            print(f"WRONG-CASE invalid/{name}: docker compose accepts it")
        elif o_code == 0:
            print(f"ACCEPTED  invalid/{name}: docker refuses it, compose-compile accepts it")
            print("    docker: " + d_err.strip().replace("\n", "\n    "))
        else:
            refused += 1
            print(f"refused   invalid/{name}")
    rate = 100.0 * refused / len(names) if names else 100.0
    print(f"\n{refused}/{len(names)} invalid files refused by both ({rate:.1f}%)")
    return rate


def main():
    docker, ours, projects = sys.argv[1], sys.argv[2], sys.argv[3:]
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPOSE_")}
    matched = 0
    listings_checked = 0
    listings_matched = 0
    for project in projects:
        name = os.path.relpath(project, os.path.join(os.path.dirname(__file__), ".."))
        files, explicit = files_for(project)
        extra = []
        run_env = env
        if os.path.basename(os.path.dirname(project)) == "golden":
            extra = lines(os.path.join(project, "args"))
            extra = [a for a in extra if a != "compile"]
            run_env = {"HOME": "/nonexistent-home", "PATH": "/usr/bin:/bin"}
            for line in lines(os.path.join(project, "process-env")):
                key, _, value = line.partition("=")
                run_env[key] = value
        file_args = sum((["-f", f] for f in files), [])
        if "-f" in extra:
            file_args, explicit = [], True
        docker_args = [docker] + file_args + extra + ["config", "--format", "json"]
        our_args = [ours, "config", "--format", "json"] + (file_args if explicit else []) + extra
        d_code, d_out, d_err = run(docker_args, project, run_env)
        o_code, o_out, o_err = run(our_args, project, run_env)
        if d_code != 0 or o_code != 0:
            if d_code != 0 and o_code != 0:
                matched += 1
                print(f"match     {name} (both reject)")
                print(f"    docker: {d_err.strip().splitlines()[-1] if d_err.strip() else ''}")
                print(f"    ours:   {o_err.strip().splitlines()[-1] if o_err.strip() else ''}")
            else:
                print(f"MISMATCH  {name}: docker exit {d_code}, compose-compile exit {o_code}")
                print("    docker: " + d_err.strip().replace("\n", "\n    "))
                print("    ours:   " + o_err.strip().replace("\n", "\n    "))
            continue
        differences = compare_listings(
            [docker] + file_args + extra, [ours] + (file_args if explicit else []) + extra, project, run_env, name)
        listings_checked += len(LISTINGS)
        listings_matched += len(LISTINGS) - len(differences)
        for switch, d_status, d_listing, o_status, o_listing in differences:
            print(f"LISTING   {name} config {switch}: docker exit {d_status}, compose-compile exit {o_status}")
            for line in difflib.unified_diff(
                listing_lines(switch, d_listing), listing_lines(switch, o_listing), "docker compose",
                "compose-compile", lineterm="", n=1):
                print("    " + line)
        expected = canonical(json.loads(d_out))
        actual = canonical(json.loads(o_out))
        if expected == actual:
            matched += 1
            print(f"match     {name}")
            continue
        print(f"MISMATCH  {name}")
        left = json.dumps(expected, indent=1, sort_keys=True).splitlines()
        right = json.dumps(actual, indent=1, sort_keys=True).splitlines()
        for line in difflib.unified_diff(left, right, "docker compose", "compose-compile", lineterm="", n=2):
            print("    " + line)
    invalid_rate = check_invalid_files(docker, ours, os.environ.get("INVALID_DIR", ""), env)
    total = len(projects)
    rate = 100.0 * matched / total if total else 0.0
    listing_rate = 100.0 * listings_matched / listings_checked if listings_checked else 100.0
    print(f"\n{listings_matched}/{listings_checked} listings identical ({listing_rate:.1f}%): "
          + " ".join(LISTINGS))
    print(f"{matched}/{total} projects identical ({rate:.1f}%)")
    if listing_rate < float(os.environ.get("CONFORMANCE_LISTINGS_MIN_RATE", "0")):
        print("listings below the required rate")
        return 1
    if invalid_rate < float(os.environ.get("CONFORMANCE_INVALID_MIN_RATE", "0")):
        print("invalid files refused below the required rate")
        return 1
    minimum = float(os.environ.get("CONFORMANCE_MIN_RATE", "0"))
    if rate < minimum:
        print(f"conformance below the required {minimum:.1f}%")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
