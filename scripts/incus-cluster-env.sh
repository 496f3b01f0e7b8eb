#!/usr/bin/env bash
# incus-cluster-env.sh - a real 3-member Incus 7.0 LTS cluster for the end-to-end tests, beside the other
# test servers (scripts/incus-test-env.sh, scripts/incus7-env.sh), which it never touches.
#
#   scripts/incus-cluster-env.sh install       the 7.0 LTS rootfs (INCUS7_SERIES=lts scripts/incus7-env.sh install)
#   scripts/incus-cluster-env.sh start         bridge, members, cluster, pool, profile, images, registry, client cert
#   scripts/incus-cluster-env.sh stop          delete every instance, stop members and registry, remove the
#                                              netns, bridge and nftables table (member state stays)
#   scripts/incus-cluster-env.sh clean         stop, then remove all state: the next start forms a new cluster
#   scripts/incus-cluster-env.sh env           print export lines, for: eval "$(scripts/incus-cluster-env.sh env)"
#   scripts/incus-cluster-env.sh status        say whether m1 answers (exit 0 if it does, 3 if not)
#   scripts/incus-cluster-env.sh in N CMD...   a rootfs command in member N's mount+net namespaces (its 7.x incus)
#   scripts/incus-cluster-env.sh exec N CMD... a host command in member N's netns only
#
# Members m1-m3 each run incusd in a netns of their own, pivoted into an overlay whose read-only lower dir
# is the rootfs of incus7-env.sh (one install for all), with state in /var/lib/incus-cluster-test/mN.
# They sit on the host bridge inclt0 (10.212.0.1/24) at 10.212.0.11-13:8443. The tests run in the host
# netns: m1's unix socket, or https://10.212.0.11:8443 with the client certificate that env names.
# start sets up: storage pool "default" (dir), a default profile with only a root disk (plans bring their
# own NICs and networks), images.auto_update_interval 0, the busybox image "compose-test"
# (scripts/lib/test-image.sh), and a TLS registry on 10.212.0.1:5000, trusted by every member, with the
# OCI test images of scripts/lib/oci-registry.sh.
#
# Nothing leaves the machine: no default route in the namespaces, no NAT, and the nftables table inet
# incus_cluster_test drops whatever would be forwarded between inclt0 and another interface.
set -euo pipefail

readonly ROOT=/var/lib/incus7-lts-root
readonly BASE=/var/lib/incus-cluster-test
readonly BRIDGE=inclt0
readonly NET=10.212.0
readonly PORT=8443
readonly REGISTRY=$NET.1:5000
readonly REGISTRY_DIR=$BASE/registry
readonly CLIENT_DIR=$BASE/client
readonly NFT_TABLE=incus_cluster_test
readonly MEMBERS=(1 2 3)
readonly IMAGE_ALIAS=compose-test
readonly CHROOT_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# Written once every member has joined; without it start forms a new cluster from empty state.
readonly FORMED=$BASE/formed

log() { printf 'incus-cluster-env.sh [%3ds]: %s\n' "$SECONDS" "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

# shellcheck source=lib/detach.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/detach.sh"
# shellcheck source=lib/test-image.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/test-image.sh"
# shellcheck source=lib/oci-registry.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/oci-registry.sh"

netns_of() { printf 'incuscl-m%s' "$1"; }
address_of() { printf '%s.1%s' "$NET" "$1"; }
dir_of() { printf '%s/m%s' "$BASE" "$1"; }
netns_exists() { ip netns list | grep -qw "$(netns_of "$1")"; }

# The PID in pid file $1, if that process still runs something matching $2.
recorded_pid() {
    local pid
    pid=$(cat "$1" 2>/dev/null) || return 1
    grep -qa -- "$2" "/proc/$pid/cmdline" 2>/dev/null && printf '%s\n' "$pid"
}
member_pid() { recorded_pid "$(dir_of "$1")/incusd.pid" /usr/libexec/incus/incusd; }
registry_pid() { recorded_pid "$REGISTRY_DIR/registry.pid" cluster-registry.yml; }

in_member() {
    local pid
    pid=$(member_pid "$1") || die "member m$1 is not running; run: $0 start"
    nsenter -t "$pid" -m -n env -i PATH=$CHROOT_PATH HOME=/root LANG=C.UTF-8 "${@:2}"
}
m1() { in_member 1 incus "$@"; }
# umoci, skopeo and curl for scripts/lib/oci-registry.sh: m1 reaches the registry and trusts it.
oci_run() { in_member 1 "$@"; }

answering() { curl -fsS -m 10 --unix-socket "$(dir_of 1)/incus/unix.socket" http://incus/1.0 >/dev/null 2>&1; }

# The host's nft, or the rootfs's (chroot stays in the host's network namespace).
host_nft() { if command -v nft >/dev/null; then nft "$@"; else chroot "$ROOT" nft "$@"; fi; }

# The bridge, the forwarding guard, and per member a netns linked to the bridge by a veth pair.
network_up() {
    local n ns
    if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
        ip link add "$BRIDGE" type bridge
        sysctl -qw "net.ipv6.conf.$BRIDGE.disable_ipv6=1"
        ip addr add "$NET.1/24" dev "$BRIDGE"
        ip link set "$BRIDGE" up
    fi
    host_nft list table inet "$NFT_TABLE" >/dev/null 2>&1 || host_nft -f - <<EOF
table inet $NFT_TABLE {
    chain forward {
        type filter hook forward priority -10; policy accept;
        iifname "$BRIDGE" oifname != "$BRIDGE" drop
        oifname "$BRIDGE" iifname != "$BRIDGE" drop
    }
}
EOF
    for n in "${MEMBERS[@]}"; do
        ns=$(netns_of "$n")
        netns_exists "$n" || ip netns add "$ns"
        ip -n "$ns" link set lo up
        ip link show "inclt-m$n" >/dev/null 2>&1 && continue
        ip link add "inclt-m$n" type veth peer name eth0 netns "$ns"
        sysctl -qw "net.ipv6.conf.inclt-m$n.disable_ipv6=1"
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.eth0.disable_ipv6=1
        ip link set "inclt-m$n" master "$BRIDGE" up
        ip -n "$ns" addr add "$(address_of "$n")/24" dev eth0
        ip -n "$ns" link set eth0 up
    done
}

start_member() {
    local n=$1 d pid
    d=$(dir_of "$n")
    member_pid "$n" >/dev/null && return 0
    # Leftovers of a daemon that died (dnsmasq, monitors) would keep its overlay mounted.
    for pid in $(ip netns pids "$(netns_of "$n")"); do kill -KILL "$pid" 2>/dev/null || true; done
    mkdir -p "$d/upper/etc/ssl/certs" "$d/work" "$d/merged" "$d/incus"
    chmod 711 "$d/incus"
    # Written into the upper dir while the overlay is not mounted: the CA bundle plus the registry's
    # certificate (incusd's skopeo verifies the registry), and subordinate ids apart from the other
    # members' and incus7-env.sh's (2000000000+).
    cat "$ROOT/etc/ssl/certs/ca-certificates.crt" "$REGISTRY_DIR/registry.crt" >"$d/upper/etc/ssl/certs/ca-certificates.crt"
    echo "root:$((2000000000 + n * 100000000)):100000000" | tee "$d/upper/etc/subuid" >"$d/upper/etc/subgid"
    rm -f "$d/incus/unix.socket"
    # In the netns' own mount namespace: the overlay, the member's /var/lib/incus, /proc, the netns' sysfs,
    # cgroups, /dev, a fresh /run and /tmp, then pivot_root (a chroot breaks LXC's user namespaces).
    (detach ip netns exec "$(netns_of "$n")" bash -c 'set -e; lower=$1; d=$2; path=$3; r=$d/merged
        mount --make-rslave /
        mount -t overlay overlay -o "lowerdir=$lower,upperdir=$d/upper,workdir=$d/work" "$r"
        mount --bind "$d/incus" "$r/var/lib/incus"
        mount -t proc proc "$r/proc"
        mount -t sysfs sysfs "$r/sys"
        mount --rbind /sys/fs/cgroup "$r/sys/fs/cgroup"
        mount --rbind /dev "$r/dev"
        mount -t tmpfs -o mode=755 tmpfs "$r/run"
        mount -t tmpfs tmpfs "$r/tmp"
        mkdir -p "$r/.oldroot" "$r/var/log/incus"
        cd "$r"; pivot_root . .oldroot; cd /; umount -l /.oldroot
        exec env -i PATH="$path" HOME=/root LANG=C.UTF-8 /usr/libexec/incus/incusd --group root \
            --logfile=/var/log/incus/incusd.log' _ "$ROOT" "$d" "$CHROOT_PATH") </dev/null >"$d/incusd.out" 2>&1 &
    echo $! >"$d/incusd.pid"
}

wait_member() {
    local n=$1 d i pid
    d=$(dir_of "$n")
    # kill -0, not member_pid: the subshell's command line is this script's until it has exec'd.
    pid=$(cat "$d/incusd.pid")
    for ((i = 0; i < 300; i++)); do
        if [[ -S $d/incus/unix.socket ]]; then
            in_member "$n" incus admin waitready --timeout=120 >/dev/null 2>&1 && return 0
            break
        fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
    done
    die "m$n does not answer; see $d/incusd.out and $d/upper/var/log/incus/incusd.log"
}

form_cluster() {
    local n token
    log "bootstrapping m1"
    m1 admin init --preseed >/dev/null <<EOF
config:
  core.https_address: $(address_of 1):$PORT
  images.auto_update_interval: "0"
cluster: {server_name: m1, enabled: true}
storage_pools: [{name: default, driver: dir}]
profiles: [{name: default, devices: {root: {type: disk, path: /, pool: default}}}]
EOF
    for n in "${MEMBERS[@]:1}"; do
        log "joining m$n"
        token=$(m1 cluster add "m$n" --quiet | tail -n1)
        in_member "$n" incus admin init --preseed >/dev/null <<EOF
cluster:
  enabled: true
  server_name: m$n
  server_address: $(address_of "$n"):$PORT
  cluster_token: $token
  member_config: [{entity: storage-pool, name: default, key: source, value: ""}]
EOF
    done
    touch "$FORMED"
}

# Ready once every member is ONLINE (the leader's heartbeat view, which --target checks) and every member
# can forward to every other. A member forwards only over an event connection to the other one; one it
# could not reach while starting stays "Target cluster member is unavailable" until a later heartbeat.
wait_connected() {
    local i a b pending
    for ((i = 0; i < 240; i++)); do
        pending=$(m1 cluster list -f csv -c ns 2>/dev/null | grep -v ',ONLINE$' | tr '\n' ' ') || true
        for a in "${MEMBERS[@]}"; do
            for b in "${MEMBERS[@]}"; do
                [[ $a == "$b" ]] || in_member "$a" incus query "/1.0?target=m$b" >/dev/null 2>&1 || pending+=" m$a->m$b"
            done
        done
        [[ -z $pending ]] && return 0
        ((i % 10)) || log "waiting for:$pending"
        sleep 0.5
    done
    die "the cluster is not ready:$pending (for a new one: $0 clean; $0 start)"
}

# Incus makes the cluster certificate for 127.0.0.1 only; clients that check the name (curl --cacert,
# tests pinning INCUS_TEST_SERVER_CERT) need the members' addresses. update-certificate reaches them all.
ensure_cluster_certificate() {
    local names
    openssl x509 -in "$(dir_of 1)/incus/cluster.crt" -noout -ext subjectAltName 2>/dev/null |
        grep -q "IP Address:$(address_of 1)\b" && return 0
    names=IP:$(address_of 1),IP:$(address_of 2),IP:$(address_of 3)
    in_member 1 sh -ec 'work=$(mktemp -d)
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-384 -nodes -days 3650 -subj /CN=compose-test-cluster \
            -addext "subjectAltName=$1" -keyout "$work/cluster.key" -out "$work/cluster.crt" 2>/dev/null
        incus cluster update-certificate "$work/cluster.crt" "$work/cluster.key" >/dev/null
        rm -rf "$work"' _ "$names"
    log "cluster certificate for $names"
}

# A client certificate in the cluster's trust store, for the tests that talk HTTPS.
ensure_client_certificate() {
    local fingerprint
    mkdir -p "$CLIENT_DIR"
    [[ -s $CLIENT_DIR/client.crt ]] ||
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-384 -nodes -days 3650 -subj /CN=compose-test-client \
            -keyout "$CLIENT_DIR/client.key" -out "$CLIENT_DIR/client.crt" 2>/dev/null
    fingerprint=$(openssl x509 -in "$CLIENT_DIR/client.crt" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' | tr A-F a-f)
    m1 query "/1.0/certificates/$fingerprint" >/dev/null 2>&1 ||
        in_member 1 sh -ec 'cat >/tmp/client.crt; incus config trust add-certificate /tmp/client.crt --name compose-test-client
            rm /tmp/client.crt' <"$CLIENT_DIR/client.crt"
}

ensure_image() {
    m1 image alias list --format csv | grep -q "^$IMAGE_ALIAS," && return 0
    # Built in m1's namespaces, from the rootfs's busybox (the host may have none).
    in_member 1 bash -c "$(declare -f build_rootfs build_image_tarball)"'
        work=$(mktemp -d); incus image import "$(build_image_tarball "$work")" --alias "$1" >/dev/null
        rm -rf "$work"' _ "$IMAGE_ALIAS"
    log "imported image $IMAGE_ALIAS"
}

# docker-registry needs trixie's libc: it runs chrooted into the rootfs, in a private mount namespace
# where its directory is bound on the rootfs's /mnt, in the host netns (listening on the bridge only).
start_registry() {
    mkdir -p "$REGISTRY_DIR/storage"
    [[ -s $REGISTRY_DIR/registry.crt ]] ||
        registry_certificate "$REGISTRY_DIR/registry.key" "$REGISTRY_DIR/registry.crt" "${REGISTRY%:*}"
    write_ca_bundle "$REGISTRY_DIR/ca-bundle.crt" "$REGISTRY_DIR/registry.crt"
    if ! registry_pid >/dev/null; then
        registry_config /mnt/storage /mnt/registry.crt /mnt/registry.key >"$REGISTRY_DIR/cluster-registry.yml"
        (detach unshare -m bash -c 'set -e; mount --make-rprivate /; mount --bind "$2" "$1/mnt"
            exec chroot "$1" env -i PATH="$3" docker-registry serve /mnt/cluster-registry.yml' \
            _ "$ROOT" "$REGISTRY_DIR" "$CHROOT_PATH") </dev/null >"$REGISTRY_DIR/registry.log" 2>&1 &
        echo $! >"$REGISTRY_DIR/registry.pid"
    fi
}

cmd_start() {
    [[ $(id -u) == 0 ]] || die "start needs root"
    [[ -x $ROOT/usr/libexec/incus/incusd ]] || die "Incus 7 is not installed in $ROOT; run: $0 install"
    local n
    # State without the mark is from a formation that did not finish: it would rejoin nothing.
    if [[ ! -e $FORMED ]]; then
        cmd_stop 2>/dev/null
        for n in "${MEMBERS[@]}"; do rm -rf "$(dir_of "$n")"; done
    fi
    mkdir -p "$BASE"
    network_up
    start_registry
    # All members at once: after a restart none is ready before a quorum of them runs.
    for n in "${MEMBERS[@]}"; do start_member "$n"; done
    for n in "${MEMBERS[@]}"; do wait_member "$n"; done
    log "members answer"
    [[ -e $FORMED ]] || form_cluster
    wait_connected
    log "cluster online, members connected"
    ensure_cluster_certificate
    ensure_client_certificate
    ensure_image
    registry_wait || die "m1 cannot reach the registry on $REGISTRY; see $REGISTRY_DIR/registry.log"
    push_test_images
    log "ready: $(m1 cluster list -f csv -c nus | tr '\n' ' ')"
    print_env
}

# printf %q escapes commas (m1\,m2), which the tests' parser would keep: such values are single-quoted.
export_line() {
    local quoted
    quoted=$(printf '%q' "$2")
    [[ $quoted == "$2" ]] || quoted=${2@Q}
    printf 'export %s=%s\n' "$1" "$quoted"
}

print_env() {
    export_line INCUS_DIR "$(dir_of 1)/incus"
    export_line INCUS_SOCKET "$(dir_of 1)/incus/unix.socket"
    export_line INCUS_TEST_REGISTRY "$REGISTRY"
    export_line SSL_CERT_FILE "$REGISTRY_DIR/ca-bundle.crt"
    export_line INCUS_TEST_CLUSTER_MEMBERS m1,m2,m3
    export_line INCUS_TEST_CLUSTER_ADDRESSES "$(address_of 1),$(address_of 2),$(address_of 3)"
    export_line INCUS_TEST_CLUSTER_URL "https://$(address_of 1):$PORT"
    export_line INCUS_TEST_CLIENT_CERT "$CLIENT_DIR/client.crt"
    export_line INCUS_TEST_CLIENT_KEY "$CLIENT_DIR/client.key"
    export_line INCUS_TEST_SERVER_CERT "$(dir_of 1)/incus/cluster.crt"
}

# Every instance of every project (the names come from the database: no member has to answer for its own).
delete_instances() {
    local name project urls
    urls=$(m1 query "/1.0/instances?all-projects=true") || {
        log "could not list the instances"
        return 0
    }
    while read -r name project; do
        timeout 60 "$0" in 1 incus delete --force --project "${project:-default}" "$name" </dev/null >/dev/null 2>&1 ||
            log "could not delete instance $name (project ${project:-default})"
    done < <(sed -n 's|.*"/1.0/instances/\([^"?]*\)\(?project=\([^"]*\)\)\{0,1\}".*|\1 \3|p' <<<"$urls")
}

cmd_stop() {
    local n pid pids=()
    if member_pid 1 >/dev/null && answering; then delete_instances; fi
    if pid=$(registry_pid); then kill "$pid"; fi
    # Together: a member shut down alone would wait for the others to take over its database role.
    for n in "${MEMBERS[@]}"; do
        pid=$(member_pid "$n") || continue
        pids+=("$pid")
        timeout 60 "$0" in "$n" incus admin shutdown --timeout=50 >/dev/null 2>&1 &
    done
    wait || true
    for pid in "${pids[@]}"; do
        n=0
        while kill -0 "$pid" 2>/dev/null && ((n++ < 50)); do sleep 0.2; done
        ! kill -KILL "$pid" 2>/dev/null || log "killed incusd $pid: it did not shut down"
    done
    for n in "${MEMBERS[@]}"; do
        rm -f "$(dir_of "$n")/incusd.pid"
        if netns_exists "$n"; then
            # What is left in the netns was started by the member (dnsmasq, forkproxy, lxc monitors).
            for pid in $(ip netns pids "$(netns_of "$n")"); do kill -KILL "$pid" 2>/dev/null || true; done
            sleep 0.3
            ip netns del "$(netns_of "$n")"
        fi
        # The netns takes its end of the veth pair along, and this end a moment later.
        ip link del "inclt-m$n" 2>/dev/null || true
    done
    ! ip link show "$BRIDGE" >/dev/null 2>&1 || ip link del "$BRIDGE"
    ! host_nft list table inet "$NFT_TABLE" >/dev/null 2>&1 || host_nft delete table inet "$NFT_TABLE"
    # The overlays live in the members' mount namespaces; anything mounted under $BASE here is a leftover.
    findmnt -rn -o TARGET | awk -v base="$BASE/" 'index($0, base) == 1' | sort -r |
        while read -r n; do umount -l "$n"; done
    log "stopped"
}

cmd_status() {
    if member_pid 1 >/dev/null && answering; then
        echo "running: $(m1 cluster list -f csv -c nus | tr '\n' ' ')"
        return 0
    fi
    echo "not running (state in $BASE)"
    return 3
}

main() {
    local command=${1:-}
    [[ $# -gt 0 ]] && shift
    case $command in
    install) INCUS7_SERIES=lts "$(dirname "${BASH_SOURCE[0]}")/incus7-env.sh" install ;;
    start) cmd_start ;;
    stop) cmd_stop ;;
    clean) cmd_stop && rm -rf "$BASE" && log "removed $BASE" ;;
    status) cmd_status ;;
    env) print_env ;;
    in) in_member "${1:?member number}" "${@:2}" ;;
    exec) exec ip netns exec "$(netns_of "${1:?member number}")" "${@:2}" ;;
    -h | --help | help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//' ;;
    *)
        sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2
        exit 2
        ;;
    esac
}

main "$@"
