# Sourced by the scripts that start a test incusd: the busybox system-container image the end-to-end
# tests run (busybox init, DHCP on every NIC, httpd on port 80 answering "compose-test ok" at / and the
# hostname at /hostname.txt).

# Write a busybox container rootfs into $1.
build_rootfs() {
    local root=$1 applet
    mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc/init.d,dev,proc,sys,run,tmp,root,var/www/cgi-bin,var/run}
    chmod 1777 "$root/tmp"
    chmod 700 "$root/root"
    cp /bin/busybox "$root/bin/busybox"
    # One symlink per applet, all in /bin (PATH covers it); init also where the kernel/LXC looks.
    while IFS= read -r applet; do
        [[ $applet == busybox || -z $applet ]] && continue
        ln -sf busybox "$root/bin/$applet"
    done < <(/bin/busybox --list)
    ln -sf ../bin/busybox "$root/sbin/init"
    ln -sf ../../bin/busybox "$root/usr/bin/env"

    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
    printf 'root::0:0:99999:7:::\n' >"$root/etc/shadow"
    chmod 600 "$root/etc/shadow"
    printf '127.0.0.1 localhost\n::1 localhost\n' >"$root/etc/hosts"
    : >"$root/etc/resolv.conf"
    printf 'compose-test ok\n' >"$root/var/www/index.html"

    cat >"$root/etc/inittab" <<'EOF'
# busybox init: one-time setup, then a web server kept alive.
::sysinit:/etc/init.d/rcS
::respawn:/bin/httpd -f -p 80 -h /var/www
EOF

    cat >"$root/etc/init.d/rcS" <<'EOF'
#!/bin/sh
# Boot-time setup of the compose-test image (run once by init).
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
# Incus/LXC mount these already; mount them only if missing.
mountpoint -q /proc || mount -t proc proc /proc
mountpoint -q /sys || mount -t sysfs sysfs /sys
mkdir -p /run /tmp /var/run
hostname > /var/www/hostname.txt
ip link set lo up
# DHCP on every NIC (eth0 first): the plans name their NICs and may have several.
for path in /sys/class/net/*; do
    dev=${path##*/}
    [ "$dev" = lo ] && continue
    ip link set "$dev" up
    udhcpc -i "$dev" -s /etc/udhcpc.script -b -p "/run/udhcpc.$dev.pid" >/dev/null 2>&1
done
EOF
    chmod 755 "$root/etc/init.d/rcS"

    cat >"$root/etc/udhcpc.script" <<'EOF'
#!/bin/sh
# udhcpc event handler: configure $interface and DNS.
# udhcpc passes interface, ip, mask, broadcast, router, domain, dns in the environment.
# shellcheck disable=SC2154
# resolv.conf is rebuilt from one file per interface so several NICs do not overwrite each other.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
RDIR=/run/resolv
mkdir -p "$RDIR"

# Default route metric: eth0 wins, other NICs are backups.
if [ "$interface" = eth0 ]; then metric=10; else metric=$((100 + $(cat "/sys/class/net/$interface/ifindex"))); fi

write_resolv() {
    set --
    for f in "$RDIR"/eth0 "$RDIR"/*; do [ -f "$f" ] && set -- "$@" "$f"; done
    if [ $# -eq 0 ]; then : > /etc/resolv.conf; return; fi
    # One search line and unique nameservers, eth0's first (awk dedupes eth0 read twice).
    awk '$1 == "search" { for (i = 2; i <= NF; i++) if (!s[$i]++) search = search " " $i; next }
         $1 == "nameserver" && !n[$2]++ { ns = ns $0 "\n" }
         END { if (search != "") print "search" search; printf "%s", ns }' "$@" > /etc/resolv.conf.new
    mv /etc/resolv.conf.new /etc/resolv.conf
}

case "$1" in
deconfig)
    ip -4 addr flush dev "$interface"
    ip link set "$interface" up
    rm -f "$RDIR/$interface"
    write_resolv
    ;;
bound|renew)
    ip -4 addr flush dev "$interface"
    ip addr add "$ip/${mask:-24}" ${broadcast:+broadcast "$broadcast"} dev "$interface"
    for r in $router; do
        ip route replace default via "$r" dev "$interface" metric "$metric"
        break
    done
    {
        [ -n "$domain" ] && echo "search $domain"
        for d in $dns; do echo "nameserver $d"; done
    } > "$RDIR/$interface"
    write_resolv
    ;;
esac
exit 0
EOF
    chmod 755 "$root/etc/udhcpc.script"

    # /cgi-bin/hostname answers the live hostname (hostname.txt is written once at boot).
    cat >"$root/var/www/cgi-bin/hostname" <<'EOF'
#!/bin/sh
printf 'Content-Type: text/plain\r\n\r\n'
hostname
EOF
    chmod 755 "$root/var/www/cgi-bin/hostname"
}

# Build a unified image tarball (metadata.yaml + rootfs/) and print its path.
build_image_tarball() {
    local work=$1
    build_rootfs "$work/rootfs"
    cat >"$work/metadata.yaml" <<EOF
architecture: $(uname -m)
creation_date: $(date +%s)
properties:
  description: compose-test (busybox init, DHCP on every NIC, httpd on port 80)
  os: busybox
  release: "$(/bin/busybox | head -n1 | awk '{print $2}')"
EOF
    tar -C "$work" --numeric-owner --owner=0 --group=0 -czf "$work/image.tar.gz" metadata.yaml rootfs
    printf '%s\n' "$work/image.tar.gz"
}
