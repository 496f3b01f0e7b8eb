# shellcheck shell=bash
# detach CMD...: runs CMD in a new session with only stdin, stdout and stderr open, for daemons
# started in the background. A daemon that kept another descriptor of whoever ran the script (the
# socket through which Foundation's Process learns that a child exited, in the end-to-end tests)
# would make that caller wait for the daemon's end instead of the script's.
detach() {
    local fd
    for fd in /proc/"$BASHPID"/fd/*; do
        fd=${fd##*/}
        if ((fd > 2)); then eval "exec $fd>&-" 2>/dev/null || true; fi
    done
    exec setsid "$@"
}
