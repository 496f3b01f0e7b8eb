#!/usr/bin/env bash
# package.sh - release binaries of compose-compile and compose-apply, ready to install without a
# Swift toolchain:
#   dist/compose-compile-VERSION-linux-ARCH.tar.gz   bin/, share/man, share/{bash,zsh,fish} completions,
#                                                    LICENSE, THIRD-PARTY-LICENSES, README.md, in
#                                                    compose-compile-VERSION/
#   dist/incus-compose-swift_VERSION_ARCH.deb         the same, installed under /usr (dpkg-deb)
#
# The binaries carry the Swift runtime (--static-swift-stdlib) and are stripped; what they still load
# is Debian's: the .deb's Depends comes from dpkg-shlibdeps, with the alternatives Debian 13 renamed
# in its 64-bit time transition (libcurl4t64, libssl3t64). Man pages
# and completions come from the argument parser's own definitions. VERSION is the one place the
# version is written; `--version` adds the git commit (scripts/build-info.sh).
#
# usage: scripts/package.sh            (build dependencies are installed when missing; needs root for that)
set -euo pipefail
cd "$(dirname "$0")/.."
readonly ROOT=$PWD
readonly SCRATCH=$ROOT/.build-release
readonly DIST=$ROOT/dist
readonly PACKAGE=incus-compose-swift
readonly PROGRAMS=(compose-compile compose-apply)
version=$(tr -d ' \n' <VERSION)
arch=$(dpkg --print-architecture)
say() { printf 'package.sh: %s\n' "$*" >&2; }

missing=()
for package in libyaml-dev libjansson-dev libcurl4-openssl-dev libssl-dev libjemalloc-dev pkg-config binutils dpkg-dev; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

say "building release binaries (Swift runtime inside) in $SCRATCH"
for program in "${PROGRAMS[@]}"; do
    # The static Swift runtime's linker notes (getpwnam in static binaries, …) are not this project's.
    swift build -c release --static-swift-stdlib --scratch-path "$SCRATCH" --product "$program" 2>&1 |
        grep -E '^/.*/Sources/.*(error|warning):' >&2 || true
done
bin=$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)
for program in "${PROGRAMS[@]}"; do
    [ -x "$bin/$program" ] || { say "the build did not produce $program"; exit 1; }
done

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
tree=$stage/compose-compile-$version
mkdir -p "$tree/bin" "$tree/share/man/man1" "$tree/share/bash-completion/completions" \
    "$tree/share/zsh/vendor-completions" "$tree/share/fish/vendor_completions.d"
for program in "${PROGRAMS[@]}"; do
    install -m 755 "$bin/$program" "$tree/bin/$program"
    strip "$tree/bin/$program"
    "$tree/bin/$program" --generate-completion-script bash >"$tree/share/bash-completion/completions/$program"
    "$tree/bin/$program" --generate-completion-script zsh >"$tree/share/zsh/vendor-completions/_$program"
    "$tree/bin/$program" --generate-completion-script fish >"$tree/share/fish/vendor_completions.d/$program.fish"
done

say "man pages"
# The manual generator reads the same definitions from a debug build; the date is the commit's, so a
# rebuild of the same commit writes the same pages.
date=$(git log -1 --format=%cs 2>/dev/null || date -u +%F)
swift package generate-manual --configuration debug --date "$date" >/dev/null
for program in "${PROGRAMS[@]}"; do
    gzip -9n <".build/plugins/GenerateManual/outputs/$program/$program.1" >"$tree/share/man/man1/$program.1.gz"
done
install -m 644 LICENSE README.md "$tree/"
# The binaries carry the Swift packages they are built from (the argument parser, SwiftNIO, and
# BoringSSL inside swift-nio-ssl): their licences go with them.
for checkout in "$SCRATCH"/checkouts/*/; do
    licence=$(ls "$checkout"LICENSE* "$checkout"LICENCE* 2>/dev/null | head -1) || true
    [ -n "$licence" ] || { say "no licence file in $checkout"; exit 1; }
    printf '==== %s ====\n\n' "$(basename "$checkout")"
    cat "$licence"
    if [ -f "${checkout}NOTICE.txt" ]; then printf '\n'; cat "${checkout}NOTICE.txt"; fi
    printf '\n'
done >"$tree/THIRD-PARTY-LICENSES"

mkdir -p "$DIST"
tarball=$DIST/compose-compile-$version-linux-$arch.tar.gz
tar -C "$stage" --owner=0 --group=0 --numeric-owner --sort=name -czf "$tarball" "compose-compile-$version"
say "wrote $tarball"

# The Debian package: the same files under /usr.
debroot=$stage/deb
mkdir -p "$debroot/DEBIAN" "$debroot/usr/share/doc/$PACKAGE"
cp -a "$tree/bin" "$tree/share" "$debroot/usr/"
install -m 644 LICENSE "$debroot/usr/share/doc/$PACKAGE/copyright"
install -m 644 "$tree/THIRD-PARTY-LICENSES" "$debroot/usr/share/doc/$PACKAGE/"

# Depends: Debian's dpkg-shlibdeps on the binaries (the packages and minimum versions of the libraries
# they link); libraries Debian 13 renamed in its 64-bit time transition get the new name as an
# alternative, so one package installs on both.
mkdir -p "$stage/shlibdeps/debian"
printf 'Source: %s\n\nPackage: %s\nArchitecture: any\n' "$PACKAGE" "$PACKAGE" >"$stage/shlibdeps/debian/control"
shlibs=$(cd "$stage/shlibdeps" && dpkg-shlibdeps -O "${PROGRAMS[@]/#/$debroot/usr/bin/}" 2>/dev/null) ||
    { say "dpkg-shlibdeps failed"; exit 1; }
depends=$(printf '%s\n' "${shlibs#shlibs:Depends=}" | sed -E 's/(libcurl4|libssl3)( \([^)]*\))?/\1\2 | \1t64\2/g')
installed_size=$(du -sk "$debroot/usr" | cut -f1)
{
    printf 'Package: %s\nVersion: %s\nArchitecture: %s\n' "$PACKAGE" "$version" "$arch"
    printf 'Maintainer: incus-compose-swift developers <noreply@invalid>\n'
    printf 'Installed-Size: %s\nSection: admin\nPriority: optional\n' "$installed_size"
    printf 'Depends: %s\n' "$depends"
    printf 'Suggests: incus\n'
    printf 'Description: Docker Compose projects as reviewed, declarative Incus deployments\n'
    printf ' compose-compile turns compose files into a deterministic JSON plan of Incus\n'
    printf ' projects, networks, volumes and instances; compose-apply converges an Incus\n'
    printf ' server to it over the REST API, with kernel-mode NAT port publishing.\n'
} >"$debroot/DEBIAN/control"
deb=$DIST/${PACKAGE}_${version}_$arch.deb
dpkg-deb --root-owner-group -Zxz --build "$debroot" "$deb" >/dev/null
say "wrote $deb (Depends: $depends)"
