#!/usr/bin/env bash
# package-test.sh - installs dist/incus-compose-swift_*.deb (scripts/package.sh builds it) into a fresh
# Debian 12 root with apt resolving its dependencies, and checks what a user gets: both tools'
# --version and --help, a compile of examples/hello, `man compose-apply`, the licences of the
# packages built in, bash completion of subcommands and options; then removes the package and checks
# nothing of it is left.
#
# The root is debootstrapped once (minbase, the mirror read from the host's apt entries at run time)
# into $PACKAGE_TEST_ROOT.pristine and copied afresh for every run.
#
# usage: scripts/package-test.sh [--build]    (--build: run scripts/package.sh first)
set -euo pipefail
cd "$(dirname "$0")/.."
readonly BASE=${PACKAGE_TEST_ROOT:-/var/lib/incus-compose-package-test}
readonly PRISTINE=$BASE.pristine
readonly SUITE=bookworm
say() { printf 'package-test.sh: %s\n' "$*" >&2; }
fail() {
    say "FAILED: $*"
    exit 1
}

# shellcheck source=lib/apt-sources.sh
source scripts/lib/apt-sources.sh
# shellcheck source=lib/rootfs.sh
source scripts/lib/rootfs.sh

[ "${1:-}" != --build ] || scripts/package.sh
version=$(tr -d ' \n' <VERSION)
deb=$(ls "dist/incus-compose-swift_${version}_$(dpkg --print-architecture).deb" 2>/dev/null) ||
    fail "no .deb for version $version in dist/: run scripts/package.sh"

IFS=$'\t' read -r _ mirror _ < <(apt_entries_for_suite "$(codename)") || true
[ -n "${mirror:-}" ] || fail "no apt source entry serves $(codename): cannot find a Debian mirror"
command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
if [ ! -x "$PRISTINE/usr/bin/apt-get" ]; then
    say "debootstrap $SUITE into $PRISTINE (a few minutes, once)"
    rm -rf "$PRISTINE"
    debootstrap --variant=minbase "$SUITE" "$PRISTINE" "$mirror" >"$BASE.debootstrap.log" 2>&1 ||
        { tail -20 "$BASE.debootstrap.log" >&2; fail "debootstrap"; }
    rm -f "$PRISTINE/etc/apt/sources.list"
fi

work=$(mktemp -d "$BASE.XXXXXX")
sources=$(mktemp -d)
trap 'rm -rf "$work" "$sources"' EXIT
cp -a "$PRISTINE/." "$work/"
printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    "$mirror" "$SUITE" >"$sources/debian.sources"
in_root() { rootfs_run "$work" "$sources" "$@"; }
cp "$deb" "$work/tmp/package.deb"
mkdir -p "$work/tmp/hello"
cp examples/hello/compose.yaml "$work/tmp/hello/"

say "installing $(basename "$deb") with apt (its dependencies from Debian)"
in_root apt-get update -qq >/dev/null
in_root apt-get install -y -qq --no-install-recommends man-db /tmp/package.deb >"$work/tmp/install.log" 2>&1 ||
    { tail -20 "$work/tmp/install.log" >&2; fail "apt-get install"; }

for program in compose-compile compose-apply; do
    out=$(in_root "$program" --version) || fail "$program --version"
    [[ $out == "$program $version (commit "* ]] || fail "$program --version printed: $out"
    say "ok: $out"
    in_root "$program" --help | grep -q USAGE || fail "$program --help"
    man_page=$(in_root man -P cat "$program" 2>/dev/null) || fail "man $program"
    grep -q "$program" <<<"$man_page" || fail "man $program has no text"
done
in_root compose-compile -f /tmp/hello/compose.yaml -o /tmp/hello/plan.json || fail "compile examples/hello"
grep -q '"instances"' "$work/tmp/hello/plan.json" || fail "the compiled plan has no instances"
say "ok: --help, man pages, a compile of examples/hello"
grep -q "==== swift-nio-ssl ====" "$work/usr/share/doc/incus-compose-swift/THIRD-PARTY-LICENSES" ||
    fail "the licences of the Swift packages inside the binaries are missing"

complete() {   # complete PROGRAM WORDS...: what bash completion offers for the last word
    in_root bash -c 'source "/usr/share/bash-completion/completions/$1"; shift
        COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
        "_$1" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"; printf "%s\n" "${COMPREPLY[@]}"' \
        _ "$@"
}
complete compose-compile compose-compile con | grep -qx config || fail "bash completion of compose-compile subcommands"
complete compose-apply compose-apply apply --dry | grep -qx -- --dry-run || fail "bash completion of compose-apply options"
say "ok: bash completion of subcommands and options"

in_root apt-get remove --purge -y -qq incus-compose-swift >/dev/null || fail "apt-get remove"
for path in usr/bin/compose-compile usr/bin/compose-apply usr/share/man/man1/compose-apply.1.gz \
    usr/share/bash-completion/completions/compose-compile usr/share/doc/incus-compose-swift; do
    [ ! -e "$work/$path" ] || fail "/$path is left after removing the package"
done
say "ok: removed cleanly"
