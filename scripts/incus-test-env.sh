#!/usr/bin/env bash
# incus-test-env.sh - a private, real Incus server for the tests and the README quick start.
#
#   scripts/incus-test-env.sh install          install Incus and helpers from Debian (only what is missing)
#   scripts/incus-test-env.sh start [--rebuild] start (or reuse) the private incusd, pool, bridge, profile, image
#   scripts/incus-test-env.sh image [--rebuild] (re)build and import only the test image
#   scripts/incus-test-env.sh stop             shut the daemon down, keep its data
#   scripts/incus-test-env.sh clean            stop, then remove all its data, bridges and nftables leftovers
#   scripts/incus-test-env.sh status           say whether it runs (exit 0 if it answers, 3 if not)
#   scripts/incus-test-env.sh env              print export lines, for: eval "$(scripts/incus-test-env.sh env)"
#
# Environment (all optional):
#   INCUS_TEST_DIR     the daemon's INCUS_DIR                 (default /var/lib/incus-compose-test)
#   INCUS_TEST_BRIDGE  name of the test bridge                (default incustest0)
#   INCUS_TEST_SUBNET  the bridge's address/prefix            (default 10.187.13.1/24)
#   INCUS_TEST_IMAGE   alias of the busybox test image        (default compose-test)
#
# What it sets up (in the default project, so projects with features.images=false see the image and
# projects with features.networks=false see the bridge; storage pools are global anyway):
#   storage pool "default" (driver dir, under $INCUS_TEST_DIR), bridge $INCUS_TEST_BRIDGE with
#   ipv4.nat=false (nothing routed off the machine) and no IPv6, a default profile holding only a
#   root disk (plans list their NICs explicitly), and the image $INCUS_TEST_IMAGE: busybox init, DHCP
#   on every NIC, httpd on port 80 answering "compose-test ok" at / and the hostname at /hostname.txt.
#
# Facts behind the choices: the machine has no systemd (so the daemon is started by hand with setsid),
# only one incusd may run at a time (they share the nftables table "inet incus"), image servers are
# unreachable (so the image is built locally from busybox-static), and `incus admin init --auto` cannot
# pick a subnet here (so the bridge gets an explicit one).
set -euo pipefail

readonly TEST_DIR=${INCUS_TEST_DIR:-/var/lib/incus-compose-test}
readonly BRIDGE=${INCUS_TEST_BRIDGE:-incustest0}
readonly SUBNET=${INCUS_TEST_SUBNET:-10.187.13.1/24}
readonly IMAGE_ALIAS=${INCUS_TEST_IMAGE:-compose-test}
readonly POOL=default
readonly INCUSD=/usr/libexec/incus/incusd
readonly SOCKET=$TEST_DIR/unix.socket
readonly LOGFILE=$TEST_DIR/incusd.log
readonly PIDFILE=$TEST_DIR/incusd.pid
# Where the backports entry goes when the machine has none; named after this script so `clean` of a
# machine by hand can tell where it came from.
readonly BACKPORTS_FILE_BASE=/etc/apt/sources.list.d/incus-test-env-backports

export DEBIAN_FRONTEND=noninteractive

log() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Every incus call of this script talks to the private daemon, whatever the caller's environment or
# client configuration (default remote) says.
inc() { INCUS_DIR=$TEST_DIR incus --force-local "$@"; }

# ---------------------------------------------------------------------------------------------------
# install
# ---------------------------------------------------------------------------------------------------

# shellcheck source=lib/apt-sources.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/apt-sources.sh"

# Make sure some apt entry serves <codename>-backports; write one derived from the entry that serves
# <codename> if none does. Sets BACKPORTS_ADDED=1 when a file was written (apt-get update is then due).
BACKPORTS_ADDED=0
ensure_backports_source() {
    local rel bp format uri extra
    rel=$(codename)
    bp=$rel-backports
    if [[ -n $(apt_entries_for_suite "$bp") ]]; then
        return 0
    fi
    IFS=$'\t' read -r format uri extra < <(apt_entries_for_suite "$rel") || true
    [[ -n ${uri:-} ]] || die "no apt source entry serves the suite '$rel'; cannot derive a '$bp' entry"
    if [[ $format == sources ]]; then
        {
            printf '# Written by scripts/incus-test-env.sh: Incus comes from %s.\n' "$bp"
            printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\n' "$uri" "$bp"
            if [[ -n $extra ]]; then printf 'Signed-By: %s\n' "$extra"; fi
        } >"$BACKPORTS_FILE_BASE.sources"
        log "added $BACKPORTS_FILE_BASE.sources (same URI as the '$rel' entry)"
    else
        {
            printf '# Written by scripts/incus-test-env.sh: Incus comes from %s.\n' "$bp"
            printf 'deb %s%s %s main\n' "${extra:+$extra }" "$uri" "$bp"
        } >"$BACKPORTS_FILE_BASE.list"
        log "added $BACKPORTS_FILE_BASE.list (same URI as the '$rel' entry)"
    fi
    BACKPORTS_ADDED=1
}

pkg_installed() {
    [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true) == "install ok installed" ]]
}

cmd_install() {
    [[ $(id -u) == 0 ]] || die "install needs root"
    local bp need_update=0 missing_base=() missing_bp=() p
    bp=$(codename)-backports
    # Helpers from the release itself: the bridge's DHCP/DNS (dnsmasq), the firewall tables Incus
    # writes (nftables), the test image's userland (busybox-static).
    for p in dnsmasq-base nftables busybox-static; do
        pkg_installed "$p" || missing_base+=("$p")
    done
    # incus-base is the daemon without QEMU (VMs cannot run here); incus-client is the CLI.
    for p in incus-base incus-client; do
        pkg_installed "$p" || missing_bp+=("$p")
    done
    if ((${#missing_base[@]} == 0 && ${#missing_bp[@]} == 0)); then
        log "install: everything is already installed"
        return 0
    fi
    if ((${#missing_bp[@]} > 0)); then
        ensure_backports_source
        if ((BACKPORTS_ADDED)); then need_update=1; fi
        # Lists may be missing or older than the backports entry even when we wrote nothing.
        apt-cache madison incus-base 2>/dev/null | grep -q -- "$bp" || need_update=1
    fi
    for p in "${missing_base[@]}"; do
        apt-cache show "$p" >/dev/null 2>&1 || need_update=1
    done
    if ((need_update)); then
        log "install: apt-get update"
        apt-get update -q
    fi
    if ((${#missing_base[@]} > 0)); then
        log "install: ${missing_base[*]}"
        apt-get install -y -q --no-install-recommends "${missing_base[@]}"
    fi
    if ((${#missing_bp[@]} > 0)); then
        log "install: ${missing_bp[*]} from $bp"
        apt-get install -y -q -t "$bp" --no-install-recommends "${missing_bp[@]}"
    fi
}

# ---------------------------------------------------------------------------------------------------
# the daemon
# ---------------------------------------------------------------------------------------------------

# PIDs of running incusd daemons (not their fork* helpers) in this network namespace, one
# "PID<TAB>INCUS_DIR" per line. A daemon in a namespace of its own (scripts/incus7-env.sh) has its own
# nftables table and bridges, so it runs beside this one without conflict.
incusd_daemons() {
    local d pid exe argv dir own_netns
    own_netns=$(readlink /proc/self/ns/net)
    for d in /proc/[0-9]*; do
        pid=${d#/proc/}
        exe=$(readlink "$d/exe" 2>/dev/null) || continue
        [[ ${exe##*/} == incusd ]] || continue
        [[ $(readlink "$d/ns/net" 2>/dev/null) == "$own_netns" ]] || continue
        # Not the daemon: helpers run as "incusd forkproxy ..." and each container's monitor is a
        # fork of incusd renamed "[lxc monitor] DIR NAME". The daemon is "incusd [-options]".
        mapfile -d '' -t argv <"$d/cmdline" 2>/dev/null || continue
        [[ ${#argv[@]} -gt 0 && ${argv[0]##*/} == incusd ]] || continue
        [[ ${#argv[@]} -eq 1 || ${argv[1]} == -* ]] || continue
        dir=$(tr '\0' '\n' <"$d/environ" 2>/dev/null | sed -n 's/^INCUS_DIR=//p' | head -n1)
        printf '%s\t%s\n' "$pid" "$(realpath -m "${dir:-/var/lib/incus}")"
    done
}

# PID of the daemon that owns TEST_DIR, if any.
our_pid() {
    local want pid dir
    want=$(realpath -m "$TEST_DIR")
    while IFS=$'\t' read -r pid dir; do
        [[ $dir == "$want" ]] && { printf '%s\n' "$pid"; return 0; }
    done < <(incusd_daemons)
    return 1
}

# True when the daemon of TEST_DIR answers API calls.
answering() {
    [[ -S $SOCKET ]] && timeout 10 env INCUS_DIR="$TEST_DIR" incus --force-local query /1.0 >/dev/null 2>&1
}

# The kernel here has everything built in (no modules, no modprobe); only check that what Incus
# needs is there, so a missing piece fails with a clear message instead of deep in incusd's log.
check_kernel() {
    if command -v modprobe >/dev/null 2>&1; then
        modprobe -q -a bridge veth nf_tables 2>/dev/null || true
    fi
    nft list tables >/dev/null 2>&1 || die "nftables does not work here ('nft list tables' fails)"
    if [[ ! -d /sys/fs/cgroup || -z $(ls -A /sys/fs/cgroup) ]]; then
        die "/sys/fs/cgroup is empty: containers need cgroups"
    fi
}

start_daemon() {
    local other pid dir want
    want=$(realpath -m "$TEST_DIR")
    if pid=$(our_pid); then
        if answering; then
            log "incusd for $TEST_DIR already runs (pid $pid)"
            return 0
        fi
        log "incusd for $TEST_DIR runs (pid $pid) but does not answer yet; waiting"
        INCUS_DIR=$TEST_DIR incus --force-local admin waitready --timeout=60 ||
            die "incusd (pid $pid) for $TEST_DIR does not answer; see $LOGFILE"
        return 0
    fi
    # Only one incusd at a time: they would fight over the nftables table "inet incus".
    other=""
    while IFS=$'\t' read -r pid dir; do
        [[ $dir != "$want" ]] && other+="pid $pid with INCUS_DIR=$dir; "
    done < <(incusd_daemons)
    [[ -z $other ]] || die "another incusd is running (${other%; }). Only one can run on a machine; stop it first (INCUS_DIR=<its dir> incus admin shutdown)."

    [[ -x $INCUSD ]] || die "$INCUSD not found; run: $0 install"
    check_kernel
    mkdir -p "$TEST_DIR"
    chmod 711 "$TEST_DIR"
    log "starting incusd (INCUS_DIR=$TEST_DIR, log $LOGFILE)"
    # setsid: its own session, so it outlives this shell and the caller's process group. Descriptors
    # past stdio that the caller left open are closed first: a caller reading this script's output
    # to its end (the tests' Process pipes) would otherwise wait for as long as incusd runs.
    (
        for descriptor in /proc/$BASHPID/fd/*; do
            descriptor=${descriptor##*/}
            if ((descriptor > 2)); then eval "exec $descriptor>&-"; fi
        done
        INCUS_DIR=$TEST_DIR exec setsid "$INCUSD" --group root --logfile="$LOGFILE" \
            </dev/null >>"$TEST_DIR/incusd.out" 2>&1
    ) &
    echo $! >"$PIDFILE"
    # (stdout to stderr: a first run of the client greets on stdout, and callers eval our stdout)
    if ! INCUS_DIR=$TEST_DIR incus --force-local admin waitready --timeout=60 >&2; then
        tail -n 20 "$LOGFILE" >&2 2>/dev/null || true
        die "incusd did not become ready within 60 s; see $LOGFILE"
    fi
}

# ---------------------------------------------------------------------------------------------------
# pool, bridge, profile
# ---------------------------------------------------------------------------------------------------

ensure_pool() {
    if ! inc storage show "$POOL" >/dev/null 2>&1; then
        # No source: a dir pool then lives in $INCUS_DIR/storage-pools/default, inside TEST_DIR.
        inc storage create "$POOL" dir >/dev/null
        log "created storage pool $POOL (dir)"
    fi
}

ensure_bridge() {
    if ! inc network show "$BRIDGE" >/dev/null 2>&1; then
        # Explicit subnet (auto cannot find one here); no NAT so nothing is routed off the machine.
        inc network create "$BRIDGE" --type=bridge \
            ipv4.address="$SUBNET" ipv4.nat=false ipv6.address=none >/dev/null
        log "created bridge $BRIDGE ($SUBNET, ipv4.nat=false, no IPv6)"
        return 0
    fi
    # It exists: bring the keys back to what the tests rely on (cheap when already right).
    local kv k v cur
    for kv in "ipv4.address=$SUBNET" ipv4.nat=false ipv6.address=none; do
        k=${kv%%=*} v=${kv#*=}
        cur=$(inc network get "$BRIDGE" "$k")
        [[ $cur == "$v" ]] || inc network set "$BRIDGE" "$k=$v"
    done
}

ensure_profile() {
    local devices dev
    devices=$(inc profile device list default)
    # The plans list every NIC themselves; a NIC in the default profile would add a stray one.
    for dev in $devices; do
        if [[ $(inc profile device get default "$dev" type) == nic ]]; then
            inc profile device remove default "$dev" >/dev/null
        fi
    done
    if grep -qx root <<<"$devices"; then
        [[ $(inc profile device get default root pool) == "$POOL" ]] ||
            inc profile device set default root pool="$POOL"
    else
        inc profile device add default root disk path=/ pool="$POOL" >/dev/null
        log "default profile: root disk on pool $POOL"
    fi
}

# ---------------------------------------------------------------------------------------------------
# the test image
# ---------------------------------------------------------------------------------------------------

# shellcheck source=lib/test-image.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/test-image.sh"


# Import the image under IMAGE_ALIAS in the default project unless it is there; --rebuild replaces it.
ensure_image() {
    local rebuild=$1 work tarball fp old
    old=$(inc image alias list --project default --format csv |
        awk -F, -v a="$IMAGE_ALIAS" '$1 == a { print $2; exit }')
    if [[ -n $old && $rebuild == 0 ]]; then
        return 0
    fi
    [[ -x /bin/busybox ]] || die "/bin/busybox missing; run: $0 install"
    work=$(mktemp -d "${TMPDIR:-/tmp}/incus-test-image.XXXXXX")
    # shellcheck disable=SC2064  # expand $work now: it is local and gone when the trap fires
    trap "rm -rf '$work'" RETURN
    tarball=$(build_image_tarball "$work")
    # A unified tarball's fingerprint is its sha256.
    fp=$(sha256sum "$tarball" | awk '{print $1}')
    if [[ -z $old ]]; then
        inc image import "$tarball" --project default --alias "$IMAGE_ALIAS" >/dev/null
    else
        inc image import "$tarball" --project default >/dev/null
        inc image alias delete "$IMAGE_ALIAS" --project default
        inc image alias create "$IMAGE_ALIAS" "$fp" --project default
        # Instances do not need their source image; the old one only takes space.
        inc image delete "$old" --project default 2>/dev/null || true
    fi
    log "imported image $IMAGE_ALIAS (${fp:0:12})"
}

# ---------------------------------------------------------------------------------------------------
# subcommands
# ---------------------------------------------------------------------------------------------------

print_env() {
    printf 'export INCUS_DIR=%q; export INCUS_SOCKET=%q\n' "$TEST_DIR" "$SOCKET"
}

cmd_start() {
    local rebuild=0
    [[ ${1:-} == --rebuild ]] && rebuild=1
    [[ $(id -u) == 0 ]] || die "start needs root"
    command -v incus >/dev/null 2>&1 || die "incus not installed; run: $0 install"
    start_daemon
    ensure_pool
    ensure_bridge
    ensure_profile
    ensure_image "$rebuild"
    log "ready: socket $SOCKET, bridge $BRIDGE ($SUBNET), pool $POOL, image $IMAGE_ALIAS"
    printf 'export INCUS_DIR=%q\n' "$TEST_DIR"
    printf '# socket: %s\n' "$SOCKET"
}

cmd_image() {
    local rebuild=0
    [[ ${1:-} == --rebuild ]] && rebuild=1
    answering || die "the test incusd is not running; run: $0 start"
    ensure_image "$rebuild"
}

cmd_stop() {
    local pid i
    pid=$(our_pid) || { log "incusd for $TEST_DIR is not running"; return 0; }
    log "stopping incusd (pid $pid)"
    # Bounded: shutdown stops the instances first; give it a minute, then kill.
    timeout 90 env INCUS_DIR="$TEST_DIR" incus --force-local admin shutdown --timeout=60 >&2 ||
        log "incus admin shutdown did not finish cleanly"
    for ((i = 0; i < 50; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "incusd did not stop; killing pid $pid"
        kill -TERM "$pid" 2>/dev/null || true
        sleep 2
        kill -KILL "$pid" 2>/dev/null || true
        # Its containers keep running (their monitors are separate); the next start adopts them.
        for ((i = 0; i < 50; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
    fi
    rm -f "$PIDFILE"
}

# After a killed daemon, its helpers may live on: the bridge's dnsmasq, forkproxy/forkdns helpers and
# each running container's "[lxc monitor]" (a fork of incusd). Find them by their command line naming
# TEST_DIR and end them by PID; a monitor's child is the container's init, whose death ends the
# container (init is PID 1 of the container's PID namespace).
kill_leftovers() {
    local d pid exe want child
    want=$(realpath -m "$TEST_DIR")
    for d in /proc/[0-9]*; do
        pid=${d#/proc/}
        exe=$(readlink "$d/exe" 2>/dev/null) || continue
        [[ ${exe##*/} == incusd || ${exe##*/} == dnsmasq ]] || continue
        tr '\0' ' ' <"$d/cmdline" 2>/dev/null | grep -qF -- "$want/" || continue
        log "ending leftover process $pid: $(tr '\0' ' ' <"$d/cmdline" | cut -c1-100)"
        for child in $(pgrep -P "$pid" || true); do
            kill -KILL "$child" 2>/dev/null || true
        done
        kill -KILL "$pid" 2>/dev/null || true
    done
}

# TEST_DIR gets removed whole by clean: refuse anything that is not a dedicated directory.
check_test_dir() {
    local want
    want=$(realpath -m "$TEST_DIR")
    # At least two levels deep (/var/lib/x, /tmp/x), never / or a top-level directory.
    [[ $want == /*[!/]*/* ]] ||
        die "INCUS_TEST_DIR=$TEST_DIR is too close to / to be removed; use a dedicated directory"
}

cmd_clean() {
    local want m
    check_test_dir
    cmd_stop
    kill_leftovers
    want=$(realpath -m "$TEST_DIR")
    # Unmount everything below TEST_DIR, deepest first (shmounts, devlxd, container rootfs, ...).
    while IFS= read -r m; do
        umount -l "$m" 2>/dev/null || true
    done < <(awk -v p="$want" '$2 == p || index($2, p "/") == 1 { print $2 }' /proc/self/mounts | sort -r)
    rm -rf -- "$want"
    # Leftovers in the kernel: the test bridge and the firewall table the daemon wrote (shutdown
    # removes the bridge but keeps the table). Only one incusd runs at a time (start checks), so
    # they were ours unless another incusd runs now; then they may be its own, and stay.
    if [[ -n $(incusd_daemons) ]]; then
        log "another incusd runs: leaving bridge $BRIDGE and nftables table inet incus alone"
    else
        if ip link show "$BRIDGE" >/dev/null 2>&1; then
            ip link delete "$BRIDGE" && log "removed bridge $BRIDGE"
        fi
        if nft list table inet incus >/dev/null 2>&1; then
            nft delete table inet incus && log "removed nftables table inet incus"
        fi
    fi
    log "cleaned $want"
}

cmd_status() {
    local pid
    if pid=$(our_pid) && answering; then
        echo "running: pid $pid, INCUS_DIR=$TEST_DIR, socket $SOCKET"
        return 0
    fi
    if [[ -n ${pid:-} ]]; then
        echo "starting or hung: pid $pid, INCUS_DIR=$TEST_DIR (not answering)"
    else
        echo "not running (INCUS_DIR=$TEST_DIR)"
    fi
    return 3
}

usage() {
    sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
}

main() {
    local cmd=${1:-}
    [[ $# -gt 0 ]] && shift
    case $cmd in
    install) cmd_install "$@" ;;
    start) cmd_start "$@" ;;
    image) cmd_image "$@" ;;
    stop) cmd_stop "$@" ;;
    clean) cmd_clean "$@" ;;
    status) cmd_status "$@" ;;
    env) print_env ;;
    -h | --help | help) usage ;;
    *) usage >&2; exit 2 ;;
    esac
}

main "$@"
