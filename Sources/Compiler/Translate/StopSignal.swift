/// `stop_signal` → `lxc.signal.halt` in `raw.lxc`: the signal Incus has LXC send when it stops the
/// container cleanly. In an OCI container Incus's own init passes it on to the service's process (as
/// docker sends it), SIGTERM when not set; an Incus image's init takes it as its own shutdown request,
/// so there the key is ignored with a warning.
enum StopSignal {
    static func rawLXCLines(
        _ service: ComposeService, ociImage: String?, context: inout TranslationContext
    ) throws -> [String] {
        guard let written = service.stopSignal else { return [] }
        guard ociImage != nil else {
            context.warn(
                "ignored-for-incus-image",
                "'stop_signal' applies to OCI images only; an Incus image's init chooses how it shuts down,"
                    + " so it is ignored", at: written.location)
            return []
        }
        return ["lxc.signal.halt = " + (try name(written, path: service.path + ".stop_signal"))]
    }

    /// LXC's form of a signal docker accepts: `SIGUSR1`, `USR1`, `sigusr1`, `SIGRTMIN+3`, `SIGRTMAX-2`
    /// or a number.
    static func name(_ written: Located<String>, path: String) throws -> String {
        let text = written.value.uppercased()
        if let number = digits(text), (1...64).contains(number) { return String(number) }
        let bare = text.hasPrefix("SIG") ? String(text.dropFirst(3)) : text
        if known.contains(bare) { return "SIG" + bare }
        if let offset = realTimeOffset(bare), offset <= 30 { return "SIG" + bare }
        let closest = ClosestName.find(bare, among: known).map { "; did you mean 'SIG\($0)'?" } ?? ""
        throw CompileError(
            "unknown stop_signal '\(written.value)'" + closest, at: written.location, path: path)
    }

    /// `n` of `RTMIN+n` and `RTMAX-n` (0 for `RTMIN` and `RTMAX`), LXC's real-time signal names.
    private static func realTimeOffset(_ bare: String) -> Int? {
        for (name, sign) in [("RTMIN", "+"), ("RTMAX", "-")] where bare.hasPrefix(name) {
            let rest = bare.dropFirst(name.count)
            if rest.isEmpty { return 0 }
            guard rest.hasPrefix(sign) else { return nil }
            return digits(String(rest.dropFirst()))
        }
        return nil
    }

    /// A number written with decimal digits only (no sign), if it fits.
    private static func digits(_ text: String) -> Int? {
        guard !text.isEmpty, text.count < 4, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(text)
    }

    /// The Linux signals, by name without `SIG`.
    static let known = [
        "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "IOT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE",
        "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM",
        "PROF", "WINCH", "IO", "POLL", "PWR", "SYS",
    ]
}
