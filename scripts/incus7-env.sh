#!/usr/bin/env bash
# incus7-env.sh - a private Incus 7 server for the tests, beside the host's Incus 6.0 (scripts/incus-test-env.sh).
#
#   scripts/incus7-env.sh install        debootstrap a Debian rootfs and install Incus 7 in it (only what is missing)
#   scripts/incus7-env.sh start          netns, incusd, pool, profile, test images, TLS registry with OCI test images
#   scripts/incus7-env.sh stop           stop the registry and the daemon, remove the netns; the rootfs stays
#   scripts/incus7-env.sh env            print export lines, for: eval "$(scripts/incus7-env.sh env)"
#   scripts/incus7-env.sh status         say whether it runs (exit 0 if it answers, 3 if not)
#   scripts/incus7-env.sh exec CMD...    run a host command inside the netns (tests run there: ip netns exec)
#   scripts/incus7-env.sh in CMD...      run a command of the rootfs beside the daemon (its own incus client)
#
# INCUS7_SERIES picks the release:
#   lts      (default) Debian trixie + trixie-backports: the 7.0 LTS
#   feature  Debian sid + experimental: the newest 7.x feature release
#
# Why a rootfs in a network namespace: Incus 7 needs trixie's libc, so it cannot be installed on the
# Debian 12 host; the daemon runs pivot_root'ed into the rootfs (a plain chroot makes LXC's user
# namespace fail with EPERM) inside its own network and mount namespace, so its bridges, nftables table
# and mounts never meet the host's incusd. Traffic to its containers and published ports is sent from
# inside the netns (the netns has no uplink; bridges have ipv4.nat=false).
#
# What start sets up: storage pool "default" (dir), a default profile with only a root disk (plans list
# their NICs), the bridge incustest0 (10.187.13.1/24, no NAT, no IPv6) as on the host, the busybox system image "compose-test" (scripts/lib/test-image.sh), and a registry
# (Debian's docker-registry, TLS with a self-signed certificate) on 127.0.0.1:5000 in the netns with
# these OCI images, built with umoci and pushed with skopeo:
#   compose-test/httpd:1     ENTRYPOINT sh -c '... exec httpd -f -p 80 -h /var/www', no CMD
#   compose-test/entry-cmd:1 ENTRYPOINT /bin/entry.sh (writes /var/www/entry.txt = "entry-ran $@", then
#                            exec "$@"), CMD httpd -f -p 80 -h /var/www; Env GREETING=from-image
# SSL_CERT_FILE (printed by env) is a CA bundle with the registry's certificate, for compose-apply.
set -euo pipefail

readonly SERIES=${INCUS7_SERIES:-lts}
case $SERIES in
lts) SUITE=trixie EXTRA=trixie-backports NET_PREFIX=10.199.61 ;;
feature) SUITE=sid EXTRA=experimental NET_PREFIX=10.199.62 ;;
*)
    echo "incus7-env.sh: INCUS7_SERIES must be lts or feature" >&2
    exit 2
    ;;
esac
readonly SUITE EXTRA NET_PREFIX
readonly ROOT=${INCUS7_ROOT:-/var/lib/incus7-$SERIES-root}
readonly NETNS=incus7-$SERIES
readonly STATE=/run/incus7-$SERIES
readonly REGISTRY=127.0.0.1:5000
readonly IMAGE_ALIAS=compose-test
readonly INCUS_STATE=$ROOT/var/lib/incus
readonly SOCKET=$INCUS_STATE/unix.socket
readonly CHROOT_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
readonly ROOTFS_PACKAGES=(dnsmasq-base busybox-static umoci skopeo docker-registry openssl curl
    systemd-standalone-sysusers)

export DEBIAN_FRONTEND=noninteractive

log() { printf 'incus7-env.sh (%s): %s\n' "$SERIES" "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

# shellcheck source=lib/apt-sources.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/apt-sources.sh"
# shellcheck source=lib/detach.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/detach.sh"
# shellcheck source=lib/test-image.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/test-image.sh"
# shellcheck source=lib/rootfs.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/rootfs.sh"
# shellcheck source=lib/oci-registry.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/oci-registry.sh"

# The mirror URI of the entry that serves the host's own release: Debian keeps every suite there.
host_mirror() {
    local format uri extra
    IFS=$'\t' read -r format uri extra < <(apt_entries_for_suite "$(codename)") || true
    [[ -n ${uri:-} ]] || die "no apt source entry serves the suite '$(codename)'; cannot find a Debian mirror"
    printf '%s\n' "$uri"
}

# apt inside the rootfs (scripts/lib/rootfs.sh), with the sources file kept under $STATE.
rootfs_apt() { rootfs_run "$ROOT" "$STATE/apt" "$@"; }

rootfs_has_packages() {
    chroot "$ROOT" dpkg-query -W -f '${Version}' incus-base 2>/dev/null | grep -q '^7\.' &&
        chroot "$ROOT" dpkg-query -W "${ROOTFS_PACKAGES[@]}" >/dev/null 2>&1
}

cmd_install() {
    [[ $(id -u) == 0 ]] || die "install needs root"
    local mirror
    mkdir -p "$STATE/apt"
    if ! command -v debootstrap >/dev/null; then
        log "installing debootstrap"
        apt-get install -y -q --no-install-recommends debootstrap >/dev/null 2>&1 ||
            { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends debootstrap >/dev/null; }
    fi
    if [[ ! -x $ROOT/usr/bin/apt-get ]]; then
        mirror=$(host_mirror)
        log "debootstrap $SUITE into $ROOT (a few minutes)"
        rm -rf "$ROOT"
        mkdir -p "$ROOT"
        debootstrap --variant=minbase --include=ca-certificates "$SUITE" "$ROOT" "$mirror" \
            >"$STATE/debootstrap.log" 2>&1 || {
            tail -20 "$STATE/debootstrap.log" >&2
            die "debootstrap failed"
        }
    fi
    # debootstrap's own sources entry names the mirror; apt gets it from $STATE at run time instead.
    rm -f "$ROOT/etc/apt/sources.list"
    touch "$ROOT/etc/resolv.conf"
    # No service starts inside the rootfs while packages are installed.
    printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
    chmod 755 "$ROOT/usr/sbin/policy-rc.d"
    if ! rootfs_has_packages; then
        mirror=$(host_mirror)
        printf 'Types: deb\nURIs: %s\nSuites: %s %s\nComponents: main\nSigned-By: %s\n' "$mirror" "$SUITE" "$EXTRA" \
            /usr/share/keyrings/debian-archive-keyring.gpg >"$STATE/apt/incus7.sources"
        log "installing Incus 7 from $EXTRA in the rootfs"
        # sid and experimental Release files can be past Valid-Until for this clock; signatures are checked.
        rootfs_apt apt-get -o Acquire::Check-Valid-Until=false update -q >"$STATE/apt.log" 2>&1 || {
            tail -5 "$STATE/apt.log" >&2
            die "apt-get update failed in the rootfs"
        }
        rootfs_apt apt-get install -y -q --no-install-recommends "incus-base/$EXTRA" "incus-client/$EXTRA" \
            "${ROOTFS_PACKAGES[@]}" >>"$STATE/apt.log" 2>&1 || {
            tail -20 "$STATE/apt.log" >&2
            die "installing Incus in the rootfs failed"
        }
        rootfs_apt apt-get clean
        rm -f "$STATE/apt/incus7.sources"
        rm -rf "$ROOT"/var/lib/apt/lists/*_dists_*
    fi
    # The daemon's own lookups stay on loopback (the netns has no uplink).
    echo 'nameserver 127.0.0.1' >"$ROOT/etc/resolv.conf"
    # Container ids apart from the host incusd's.
    echo 'root:2000000000:10000000' | tee "$ROOT/etc/subuid" >"$ROOT/etc/subgid"
    install_registry_config
    log "rootfs ready: incus $(chroot "$ROOT" dpkg-query -W -f '${Version}' incus-base)"
}

# The registry's certificate (scripts/lib/oci-registry.sh), trusted by the rootfs's CA store: incusd runs
# skopeo, which refuses registries it cannot verify.
install_registry_config() {
    local dir=$ROOT/etc/docker/registry
    if [[ ! -s $dir/compose-test.crt ]]; then
        mkdir -p "$dir" "$ROOT/var/lib/compose-test-registry"
        registry_certificate "$dir/compose-test.key" "$dir/compose-test.crt" "${REGISTRY%:*}"
        cp "$dir/compose-test.crt" "$ROOT/usr/local/share/ca-certificates/compose-test-registry.crt"
        chroot "$ROOT" update-ca-certificates >/dev/null 2>&1
    fi
    registry_config /var/lib/compose-test-registry /etc/docker/registry/compose-test.crt \
        /etc/docker/registry/compose-test.key >"$dir/compose-test.yml"
}

# ---------------------------------------------------------------------------------------------------
# the daemon
# ---------------------------------------------------------------------------------------------------

# The PID recorded in $STATE/$1.pid, if that process still runs $2.
recorded_pid() {
    local pid
    pid=$(cat "$STATE/$1.pid" 2>/dev/null) || return 1
    grep -qa -- "$2" "/proc/$pid/cmdline" 2>/dev/null && printf '%s\n' "$pid"
}
daemon_pid() { recorded_pid incusd /usr/libexec/incus/incusd; }

# A command of the rootfs, in the daemon's mount and network namespace.
in_namespace() {
    local pid
    pid=$(daemon_pid) || die "incusd ($SERIES) is not running; run: $0 start"
    nsenter -t "$pid" -m -n env -i PATH=$CHROOT_PATH HOME=/root LANG=C.UTF-8 "$@"
}

# The host's incus client talks to the daemon through its socket (it refuses only --protocol=oci).
# INCUS_SOCKET is set too: a caller's (the host server's) would win over INCUS_DIR.
inc() { INCUS_DIR=$INCUS_STATE INCUS_SOCKET=$SOCKET incus --force-local "$@"; }

server_version() {
    inc query /1.0 | sed -n 's/.*"server_version": "\([^"]*\)".*/\1/p' | head -n1
}

answering() {
    [[ -S $SOCKET ]] && timeout 10 env INCUS_DIR="$INCUS_STATE" INCUS_SOCKET="$SOCKET" incus --force-local query /1.0 \
        >/dev/null 2>&1
}

start_daemon() {
    if daemon_pid >/dev/null && answering; then
        return 0
    fi
    [[ -x $ROOT/usr/libexec/incus/incusd ]] || die "Incus is not installed in $ROOT; run: $0 install"
    mkdir -p "$STATE"
    ip netns list | grep -qw "$NETNS" || ip netns add "$NETNS"
    ip -n "$NETNS" link set lo up
    if ! daemon_pid >/dev/null; then
        rm -f "$SOCKET"
        log "starting incusd in netns $NETNS"
        # In the netns' own mount namespace: the rootfs bound onto itself, /proc, the netns's sysfs,
        # cgroups, /dev and a fresh /run, then pivot_root into it.
        (detach ip netns exec "$NETNS" bash -c 'set -e; root=$1; path=$2
            mount --make-rslave /
            mount --bind "$root" "$root"
            mount -t proc proc "$root/proc"
            mount -t sysfs sysfs "$root/sys"
            mount --rbind /sys/fs/cgroup "$root/sys/fs/cgroup"
            mount --rbind /dev "$root/dev"
            mount -t tmpfs -o mode=755 tmpfs "$root/run"
            mkdir -p "$root/.oldroot" "$root/var/log/incus"
            cd "$root"; pivot_root . .oldroot; cd /; umount -l /.oldroot
            exec env -i PATH="$path" HOME=/root LANG=C.UTF-8 /usr/libexec/incus/incusd --group root \
                --logfile=/var/log/incus/incusd.log' _ "$ROOT" "$CHROOT_PATH") </dev/null >"$STATE/incusd.out" 2>&1 &
        echo $! >"$STATE/incusd.pid"
    fi
    # Alive is kill -0, not daemon_pid: until the background subshell has exec'd its way to incusd,
    # its command line is still this script's, and a loaded machine checks in that moment.
    local i pid
    pid=$(cat "$STATE/incusd.pid")
    for ((i = 0; i < 200; i++)); do
        [[ -S $SOCKET ]] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.3
    done
    [[ -S $SOCKET ]] && daemon_pid >/dev/null || {
        cat "$STATE/incusd.out" >&2
        tail -n 20 "$ROOT/var/log/incus/incusd.log" >&2 2>/dev/null || true
        die "incusd did not start"
    }
    in_namespace incus admin waitready --timeout=60 >/dev/null || die "incusd does not answer; see $ROOT/var/log/incus/incusd.log"
}

ensure_server_objects() {
    inc storage show default >/dev/null 2>&1 || inc storage create default dir >/dev/null
    local dev
    for dev in $(inc profile device list default); do
        [[ $(inc profile device get default "$dev" type) == nic ]] && inc profile device remove default "$dev" >/dev/null
    done
    inc profile device get default root pool >/dev/null 2>&1 ||
        inc profile device add default root disk path=/ pool=default >/dev/null
    # The bridge the tests use as an external network, as on the host's test server.
    inc network show incustest0 >/dev/null 2>&1 ||
        inc network create incustest0 ipv4.address=10.187.13.1/24 ipv4.nat=false ipv6.address=none >/dev/null
    if ! inc image alias list --project default --format csv | grep -q "^$IMAGE_ALIAS,"; then
        local work
        work=$(mktemp -d "${TMPDIR:-/tmp}/incus7-image.XXXXXX")
        inc image import "$(build_image_tarball "$work")" --project default --alias "$IMAGE_ALIAS" >/dev/null
        rm -rf "$work"
        log "imported image $IMAGE_ALIAS"
    fi
}

start_registry() {
    if ! recorded_pid registry docker-registry >/dev/null; then
        (detach nsenter -t "$(daemon_pid)" -m -n env -i PATH=$CHROOT_PATH HOME=/root \
            docker-registry serve /etc/docker/registry/compose-test.yml) </dev/null >"$STATE/registry.log" 2>&1 &
        echo $! >"$STATE/registry.pid"
    fi
    registry_wait || die "the registry does not answer on $REGISTRY; see $STATE/registry.log"
}

# umoci, skopeo and curl for scripts/lib/oci-registry.sh: beside the daemon, where the registry listens.
oci_run() { in_namespace "$@"; }

print_env() {
    printf 'export INCUS_DIR=%q; export INCUS_SOCKET=%q; export INCUS_TEST_NETNS=%q; ' "$INCUS_STATE" "$SOCKET" "$NETNS"
    printf 'export INCUS_TEST_REGISTRY=%q; export SSL_CERT_FILE=%q\n' "$REGISTRY" "$STATE/ca-bundle.crt"
}

cmd_start() {
    [[ $(id -u) == 0 ]] || die "start needs root"
    command -v incus >/dev/null 2>&1 || die "the host's incus client is missing; run: scripts/incus-test-env.sh install"
    start_daemon
    ensure_server_objects
    start_registry
    push_test_images
    write_ca_bundle "$STATE/ca-bundle.crt" "$ROOT/etc/docker/registry/compose-test.crt"
    log "ready: incus $(server_version), socket $SOCKET, netns $NETNS"
    print_env
}

cmd_stop() {
    local pid i
    if pid=$(recorded_pid registry docker-registry); then kill "$pid" 2>/dev/null || true; fi
    if pid=$(daemon_pid); then
        log "stopping incusd (pid $pid)"
        timeout 90 env INCUS_DIR="$INCUS_STATE" INCUS_SOCKET="$SOCKET" incus --force-local admin shutdown --timeout=60 \
            >/dev/null 2>&1 ||
            log "incus admin shutdown did not finish cleanly"
        for ((i = 0; i < 50; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$STATE/incusd.pid" "$STATE/registry.pid"
    if ip netns list | grep -qw "$NETNS"; then
        # Whatever still runs in the netns was started by this script (dnsmasq, forkproxy, containers).
        for pid in $(ip netns pids "$NETNS"); do kill -KILL "$pid" 2>/dev/null || true; done
        sleep 0.5
        ip netns del "$NETNS"
    fi
    log "stopped; the rootfs stays in $ROOT"
}

cmd_status() {
    if daemon_pid >/dev/null && answering; then
        echo "running: Incus $(server_version), pid $(daemon_pid), netns $NETNS, socket $SOCKET"
        return 0
    fi
    echo "not running ($SERIES, netns $NETNS)"
    return 3
}

main() {
    local command=${1:-}
    [[ $# -gt 0 ]] && shift
    case $command in
    install) cmd_install ;;
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    env) print_env ;;
    exec) exec ip netns exec "$NETNS" "$@" ;;
    in) in_namespace "$@" ;;
    -h | --help | help) sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//' ;;
    *)
        sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2
        exit 2
        ;;
    esac
}

main "$@"
