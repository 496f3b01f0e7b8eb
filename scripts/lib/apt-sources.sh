# Sourced by the scripts that install packages: reads the machine's apt source entries, so that
# every Debian suite the tests need is fetched from the mirror the machine already uses (no host name is
# ever written into the repository).

# The Debian release name (bookworm on Debian 12); backports are "<codename>-backports".
codename() {
    local c=""
    # shellcheck disable=SC1091  # os-release is a plain KEY=value file
    c=$(. /etc/os-release && printf '%s' "${VERSION_CODENAME:-}")
    printf '%s' "${c:-bookworm}"
}

# The apt source files apt itself reads (files such as *.disabled are ignored by apt, and so here).
apt_source_files() {
    local f
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
        [[ -f $f ]] && printf '%s\n' "$f"
    done
    return 0
}

# Print one line per enabled "deb" entry that serves suite $1:  FORMAT<TAB>URI<TAB>EXTRA
#   FORMAT=list     EXTRA is the one-line entry's "[options]" (possibly empty)
#   FORMAT=sources  EXTRA is the deb822 stanza's Signed-By value if it is a file path (else empty)
# Both formats are parsed so the backports entry can copy the URI (and its key) of the entry that
# already serves the release: the machine's mirror choice is kept and no host name is hard-coded.
apt_entries_for_suite() {
    local suite=$1 f
    while IFS= read -r f; do
        case $f in
        *.sources)
            # deb822: stanzas separated by blank lines, "Key: value" fields, continuation lines
            # start with white space, '#' lines are comments.
            awk -v suite="$suite" '
                function flush(   n, i, t, s, ok) {
                    if (!("types" in F) || !("uris" in F) || !("suites" in F)) { delete F; return }
                    if (tolower(F["enabled"]) == "no") { delete F; return }
                    ok = 0; n = split(F["types"], t, /[ \t]+/)
                    for (i = 1; i <= n; i++) if (t[i] == "deb") ok = 1
                    if (!ok) { delete F; return }
                    ok = 0; n = split(F["suites"], s, /[ \t]+/)
                    for (i = 1; i <= n; i++) if (s[i] == suite) ok = 1
                    if (!ok) { delete F; return }
                    split(F["uris"], s, /[ \t]+/)
                    sb = ("signed-by" in F && F["signed-by"] ~ /^\/[^ \t]*$/) ? F["signed-by"] : ""
                    printf "sources\t%s\t%s\n", s[1], sb
                    delete F
                }
                /^[ \t]*#/ { next }
                /^[ \t]*$/ { flush(); key = ""; next }
                /^[ \t]/   { if (key != "") F[key] = F[key] " " $0; next }
                {
                    i = index($0, ":"); if (i == 0) next
                    key = tolower(substr($0, 1, i - 1))
                    v = substr($0, i + 1); gsub(/^[ \t]+|[ \t]+$/, "", v); F[key] = v
                }
                END { flush() }
            ' "$f"
            ;;
        *)
            # One-line format: deb [opt=val ...] URI SUITE COMPONENT...
            awk -v suite="$suite" '
                { sub(/#.*/, "") }
                $1 != "deb" { next }
                {
                    opts = ""; i = 2
                    if ($2 ~ /^\[/) {
                        while (i <= NF) { opts = opts (opts == "" ? "" : " ") $i; if ($i ~ /\]$/) { i++; break }; i++ }
                    }
                    if ($(i + 1) == suite) printf "list\t%s\t%s\n", $i, opts
                }
            ' "$f"
            ;;
        esac
    done < <(apt_source_files)
}
