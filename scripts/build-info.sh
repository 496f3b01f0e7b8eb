#!/bin/sh
# build-info.sh ROOT OUTPUT_DIR - writes OUTPUT_DIR/BuildInfo.swift for the BuildInfo module: the
# version from ROOT/VERSION (the one place it is written) and the git commit of ROOT, "-dirty" when
# tracked files changed. Run by the BuildInfoPlugin before every build; the file is rewritten only
# when its text changes, so an unchanged tree rebuilds nothing.
set -eu
root=$1
output=$2
version=$(tr -d ' \n' <"$root/VERSION")
commit=$(git -C "$root" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
if [ "$commit" != unknown ] && ! git -C "$root" diff --quiet HEAD -- 2>/dev/null; then commit="$commit-dirty"; fi
mkdir -p "$output"
text=$(printf '/// What this binary was built from (scripts/build-info.sh).\npublic enum BuildInfo {\n    /// The VERSION file.\n    public static let version = "%s"\n    /// The git commit, "-dirty" when tracked files differed from it.\n    public static let commit = "%s"\n    /// `0.5.0 (commit 0123abcd4567)`, as `--version` prints it.\n    public static let description = "\\(version) (commit \\(commit))"\n}' "$version" "$commit")
if [ ! -f "$output/BuildInfo.swift" ] || [ "$(cat "$output/BuildInfo.swift")" != "$text" ]; then
    printf '%s\n' "$text" >"$output/BuildInfo.swift"
fi
