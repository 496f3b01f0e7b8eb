# Sourced by the scripts that run a TLS registry of OCI test images for an Incus 7 daemon
# (incus7-env.sh, incus-cluster-env.sh): Debian's docker-registry from the Incus 7 rootfs, a
# self-signed certificate, and the OCI test images built with umoci and pushed with skopeo.
#
# The sourcing script defines:
#   REGISTRY      host:port the registry listens on (an IP: the certificate's SAN is that IP)
#   oci_run CMD   runs a command of the rootfs where the registry is reachable and its certificate is
#                 trusted (umoci, skopeo, curl come from there)
#   log           its message helper
#
# The images, the same wherever they are pushed:
#   compose-test/httpd:1     ENTRYPOINT sh -c '... exec httpd -f -p 80 -h /var/www', no CMD
#   compose-test/entry-cmd:1 ENTRYPOINT /bin/entry.sh (writes /var/www/entry.txt = "entry-ran $@", then
#                            exec "$@"), CMD httpd -f -p 80 -h /var/www; Env GREETING=from-image

# registry_certificate KEY CRT IP: a self-signed P-256 certificate for IP (and localhost). incusd runs
# skopeo, which refuses registries it cannot verify, and OCI remotes are https only.
registry_certificate() {
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
        -subj "/CN=$3" -addext "subjectAltName=IP:$3,DNS:localhost" -keyout "$1" -out "$2" 2>/dev/null
}

# registry_config STORAGE CRT KEY: docker-registry's configuration for $REGISTRY (paths as the registry
# process sees them), on stdout.
registry_config() {
    printf 'version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: %s\n  delete:\n    enabled: true\nhttp:\n  addr: %s\n  tls:\n    certificate: %s\n    key: %s\n' \
        "$1" "$REGISTRY" "$2" "$3"
}

# Waits (up to 20 s) until the registry answers over TLS where oci_run runs.
registry_wait() {
    local i
    for ((i = 0; i < 100; i++)); do
        oci_run curl -fsS -o /dev/null "https://$REGISTRY/v2/" 2>/dev/null && return 0
        sleep 0.2
    done
    return 1
}

# Builds OCI image $1 (name:tag) with umoci and pushes it with skopeo. $2 is a shell snippet run in the
# image's rootfs directory ($r) before repacking; the rest are umoci config flags.
push_oci_image() {
    local reference=$1 prepare=$2
    shift 2
    oci_run skopeo inspect -n "docker://$REGISTRY/$reference" >/dev/null 2>&1 && return 0
    oci_run sh -ec 'reference=$1; registry=$2; prepare=$3; shift 3
        work=$(mktemp -d); layout=$work/layout; bundle=$work/bundle
        umoci init --layout "$layout"; umoci new --image "$layout:1"
        umoci unpack --image "$layout:1" "$bundle" >/dev/null
        r=$bundle/rootfs; mkdir -p "$r/bin" "$r/etc" "$r/tmp" "$r/var/www" "$r/root"
        cp /bin/busybox "$r/bin/busybox"
        for applet in $(/bin/busybox --list); do [ "$applet" = busybox ] || ln -sf busybox "$r/bin/$applet"; done
        printf "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n" > "$r/etc/passwd"
        printf "root:x:0:\nnogroup:x:65534:\n" > "$r/etc/group"
        eval "$prepare"
        umoci repack --image "$layout:1" "$bundle"
        umoci config --image "$layout:1" "$@"
        umoci gc --layout "$layout"
        skopeo copy -q --insecure-policy "oci:$layout:1" "docker://$registry/$reference"
        rm -rf "$work"' _ "$reference" "$REGISTRY" "$prepare" "$@"
    log "pushed OCI image $REGISTRY/$reference"
}

push_test_images() {
    push_oci_image compose-test/httpd:1 'hostname > /dev/null' \
        --config.entrypoint /bin/sh --config.entrypoint -c \
        --config.entrypoint 'hostname > /var/www/index.html; exec httpd -f -p 80 -h /var/www' \
        --config.exposedports 80/tcp --config.env PATH=/bin
    # shellcheck disable=SC2016  # expanded in the image's shell, not here
    push_oci_image compose-test/entry-cmd:1 \
        'printf "#!/bin/sh\necho \"entry-ran \$*\" > /var/www/entry.txt\nhostname > /var/www/index.html\nexec \"\$@\"\n" > "$r/bin/entry.sh"; chmod 755 "$r/bin/entry.sh"' \
        --config.entrypoint /bin/entry.sh \
        --config.cmd httpd --config.cmd -f --config.cmd -p --config.cmd 80 --config.cmd -h --config.cmd /var/www \
        --config.exposedports 80/tcp --config.env PATH=/bin --config.env GREETING=from-image
}

# write_ca_bundle OUT CRT: the host's CA bundle plus the registry's certificate, what compose-apply (on
# the host side of the socket) verifies the registry with.
write_ca_bundle() {
    cat /etc/ssl/certs/ca-certificates.crt "$2" >"$1" 2>/dev/null || cp "$2" "$1"
}
