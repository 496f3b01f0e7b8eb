import Plan

/// What apply needs of an OCI image's config (the registry's config blob): the process docker would
/// start, and the fingerprint Incus gives the image.
struct OCIImageConfig: Equatable, Sendable {
    /// The fingerprint Incus gives this image when it pulls it (an instance's `volatile.base_image`):
    /// the SHA-256 of the manifest's layer digests written one after the other. It tells whether an
    /// instance still runs what the tag names.
    var incusFingerprint: String
    var entrypoint: [String]
    var cmd: [String]
    /// `KEY=VALUE` entries.
    var environment: [String]
    /// The image's HEALTHCHECK (docker's extension of the config), durations in milliseconds.
    var healthcheck: PlanHealthcheck?

    /// The config blob's `config` object: `Entrypoint`, `Cmd`, `Env` (each may be null).
    init(incusFingerprint: String, blob: JSONValue) {
        self.incusFingerprint = incusFingerprint
        let config = blob["config"]
        entrypoint = (config?["Entrypoint"]?.arrayValue ?? []).compactMap(\.stringValue)
        cmd = (config?["Cmd"]?.arrayValue ?? []).compactMap(\.stringValue)
        environment = (config?["Env"]?.arrayValue ?? []).compactMap(\.stringValue)
        if let check = config?["Healthcheck"], check.objectValue != nil {
            func milliseconds(_ key: String) -> Int64 { (check[key]?.integerValue ?? 0) / 1_000_000 }
            healthcheck = PlanHealthcheck(
                test: (check["Test"]?.arrayValue ?? []).compactMap(\.stringValue),
                intervalMilliseconds: milliseconds("Interval"), timeoutMilliseconds: milliseconds("Timeout"),
                startPeriodMilliseconds: milliseconds("StartPeriod"),
                startIntervalMilliseconds: milliseconds("StartInterval"), retries: check["Retries"]?.integerValue ?? 0)
        }
    }

    /// The instance config Incus writes by itself when it creates an instance of this image: the
    /// image's `Env` as `environment.*` and its command line as `oci.entrypoint`. Apply expects
    /// these where the plan does not set the key, as docker keeps an image's environment.
    var instanceDefaults: [String: String] {
        var defaults: [String: String] = [:]
        for entry in environment {
            guard let equals = entry.firstIndex(of: "=") else { continue }
            defaults["environment." + entry[..<equals]] = String(entry[entry.index(after: equals)...])
        }
        let commandLine = entrypoint + cmd
        if !commandLine.isEmpty {
            defaults["oci.entrypoint"] = commandLine.map(ShellQuoting.quote).joined(separator: " ")
        }
        return defaults
    }

    /// The value of an image placeholder: the list shell-quoted and joined by spaces, as Incus's
    /// `oci.entrypoint` (and its own copy of an image's command line) writes it.
    func value(of property: String) -> String? {
        switch property {
        case "entrypoint": return entrypoint.map(ShellQuoting.quote).joined(separator: " ")
        case "cmd": return cmd.map(ShellQuoting.quote).joined(separator: " ")
        default: return nil
        }
    }

    /// The OCI platform architecture of an Incus architecture name (`x86_64` → `amd64`).
    static func platformArchitecture(incus name: String) -> String {
        switch name {
        case "x86_64": return "amd64"
        case "aarch64": return "arm64"
        case "armv7l", "armv6l": return "arm"
        case "i686": return "386"
        default: return name
        }
    }
}
