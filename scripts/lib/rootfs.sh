# Sourced by the scripts that work in a debootstrapped Debian rootfs (incus7-env.sh, package-test.sh).

# rootfs_run ROOT SOURCES_DIR COMMAND...: runs COMMAND chrooted into ROOT, in a throwaway mount
# namespace where SOURCES_DIR (apt source entries written at run time, outside the repository) is
# bound onto ROOT's /etc/apt/sources.list.d, with /proc, /dev and the host's resolv.conf.
rootfs_run() {
    unshare -m bash -c 'set -e; root=$1; sources=$2; shift 2
        mount --make-rprivate /
        mount --bind "$sources" "$root/etc/apt/sources.list.d"
        mount -t proc proc "$root/proc"
        mount --rbind /dev "$root/dev"
        touch "$root/etc/resolv.conf"
        mount --bind /etc/resolv.conf "$root/etc/resolv.conf"
        exec chroot "$root" env -i DEBIAN_FRONTEND=noninteractive \
            PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"' \
        _ "$1" "$2" "${@:3}"
}
