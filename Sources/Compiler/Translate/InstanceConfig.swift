import Plan

/// The Incus instance config a service's settings map to (shared by all its replicas).
enum InstanceConfig {
    /// `ociImage` is the normalized reference of an OCI image, `nil` for an Incus image. Image values
    /// the config uses (the image's ENTRYPOINT or CMD) are added to `imageValues` as (token, property).
    /// `rawLXC` gets the `raw.lxc` lines the service needs (variables set to the empty string,
    /// capabilities dropped, the stop signal).
    static func make(
        service: ComposeService, ociImage: String?, imageValues: inout [(token: String, property: String)],
        rawLXC: inout [String], context: inout TranslationContext
    ) throws -> [String: String] {
        let path = service.path
        var config: [String: String] = [:]
        // Room for every key at once: growing a dictionary rehashes all it holds.
        config.reserveCapacity(8 + service.environment.count + service.labels.count)
        config["user.compose.project"] = context.projectName
        config["user.compose.service"] = service.name
        for pair in service.environment {
            // Unset in the environment it was to be taken from: docker leaves it unset too.
            guard let value = pair.value else { continue }
            guard value.isEmpty else {
                config["environment." + pair.key] = value
                continue
            }
            // Incus keeps no empty config value (environment.X="" is no key at all), but LXC sets a
            // variable to the empty string from `lxc.environment = X=`, as docker does.
            guard !pair.key.contains(where: \.isNewline) else {
                throw CompileError(
                    "environment variable name '\(pair.key)' contains a line break", at: pair.keyLocation,
                    path: "\(path).environment")
            }
            rawLXC.append("lxc.environment = \(pair.key)=")
        }
        for pair in service.labels {
            let key = "user." + pair.key
            // user.compose.image is written by apply (what the instance was built from).
            if config[key] != nil || key == PlanInstance.imageRecordKey {
                throw CompileError(
                    "label '\(pair.key)' collides with the marker this tool keeps in Incus as '\(key)'",
                    at: pair.keyLocation, path: "\(path).labels.\(pair.key)")
            }
            let value = pair.value
            guard !value.isEmpty else {
                context.warn(
                    "empty-label",
                    "label '\(pair.key)' is empty: Incus keeps no empty config value, so it is not recorded",
                    at: pair.keyLocation)
                continue
            }
            config[key] = value
        }
        ResourceLimits.apply(service.resources, to: &config, context: &context)
        try RestartPolicy.apply(service, to: &config, context: &context)
        // Incus waits this long for a clean shutdown when the host shuts down, and apply when it stops
        // the instance, before a kill, as docker does after stop_grace_period.
        if let period = service.stopGracePeriod?.value {
            let seconds = period / 1_000_000_000 + (period % 1_000_000_000 > 0 ? 1 : 0)
            config[PlanInstance.stopTimeoutKey] = String(seconds)
        }
        processSettings(service, ociImage: ociImage, to: &config, imageValues: &imageValues, context: &context)
        DNSSettings.apply(service, ociImage: ociImage, to: &config, context: &context)
        try KernelSettings.apply(service, to: &config)
        rawLXC += try Capabilities.rawLXCLines(service)
        rawLXC += try StopSignal.rawLXCLines(service, ociImage: ociImage, context: &context)
        if service.privileged { config["security.privileged"] = "true" }
        return config
    }

    /// command, entrypoint, working_dir and user: OCI instances have `oci.*` keys for them; Incus
    /// system images run their own init, so there they cannot apply.
    ///
    /// Incus runs `oci.entrypoint` as the whole command line, so it is the command docker would run:
    /// `command` replaces the image's CMD and keeps its ENTRYPOINT; a non-empty `entrypoint` replaces
    /// the ENTRYPOINT and drops the CMD (unless `command` is given too); `entrypoint: []` removes the
    /// ENTRYPOINT and keeps the CMD; `command: []` is no command. The image's lists are placeholders
    /// apply fills in from the registry.
    static func processSettings(
        _ service: ComposeService, ociImage: String?, to config: inout [String: String],
        imageValues: inout [(token: String, property: String)], context: inout TranslationContext
    ) {
        let entrypoint = service.entrypoint?.value
        let command = service.command?.value
        let workingDirectory = service.workingDirectory?.value
        let user = service.user?.value
        guard let ociImage else {
            let given = [
                ("entrypoint", service.entrypoint?.location), ("command", service.command?.location),
                ("working_dir", service.workingDirectory?.location), ("user", service.user?.location),
            ]
            for (key, location) in given {
                if let location {
                    context.warn(
                        "ignored-for-incus-image",
                        "'\(key)' applies to OCI images only; an Incus image runs its own init, so it is ignored",
                        at: location)
                }
            }
            return
        }
        func imageValue(_ property: String) -> String {
            let token = PlanPlaceholder.imageToken(property: property, image: ociImage)
            imageValues.append((token, property))
            return "{{\(token)}}"
        }
        let commandLine = (command ?? []).map(ShellQuoting.quote).joined(separator: " ")
        switch (entrypoint, command) {
        case (let entrypoint?, _) where !entrypoint.isEmpty:
            config["oci.entrypoint"] = (entrypoint + (command ?? [])).map(ShellQuoting.quote).joined(separator: " ")
        case (nil, let command?) where !command.isEmpty:
            config["oci.entrypoint"] = imageValue("entrypoint") + " " + commandLine
        case (.some, let command?) where !command.isEmpty:
            config["oci.entrypoint"] = commandLine
        case (.some, _):
            config["oci.entrypoint"] = imageValue("cmd")
        default:
            // Neither given: the image's ENTRYPOINT and CMD, which Incus sets by itself.
            break
        }
        if let workingDirectory, !workingDirectory.isEmpty { config["oci.cwd"] = workingDirectory }
        if let user, !user.isEmpty {
            let parts = user.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.allSatisfy({ UInt32($0) != nil }) else {
                context.warn(
                    "user-name",
                    "user '\(user)' is a name; Incus needs numeric uid[:gid], so the image default is kept",
                    at: service.user?.location)
                return
            }
            config["oci.uid"] = parts[0]
            if parts.count == 2 { config["oci.gid"] = parts[1] }
        }
    }
}

/// cpus and memory limits from `deploy.resources.limits`, `cpus`, `mem_limit` and `pids_limit`.
enum ResourceLimits {
    static func apply(
        _ resources: ComposeService.Resources, to config: inout [String: String], context: inout TranslationContext
    ) {
        if let cpus = resources.cpus?.value {
            let whole = cpus.rounded(.up)
            config["limits.cpu"] = String(Int(whole))
            if whole != cpus {
                // A fraction of a CPU is a CFS quota: 0.5 CPU = 50ms of every 100ms.
                config["limits.cpu.allowance"] = "\(Int((cpus * 100).rounded()))ms/100ms"
            }
        }
        if let bytes = resources.memory?.value { config["limits.memory"] = ByteSize.incusString(bytes) }
        if let pids = resources.pids, pids > 0 { config["limits.processes"] = String(pids) }
        if let location = resources.reservationsLocation {
            context.warn(
                "resource-reservations", "Incus has no resource reservations; deploy.resources.reservations is ignored",
                at: location)
        }
    }
}

/// `restart` (and `deploy.restart_policy`) → `boot.autostart` (start with the host) and
/// `boot.autorestart` (restart on an unexpected exit: Incus allows up to 10 restarts a minute).
enum RestartPolicy {
    /// How many restarts a minute Incus's `boot.autorestart` allows.
    static let incusRestartLimit = 10

    static func apply(
        _ service: ComposeService, to config: inout [String: String], context: inout TranslationContext
    ) throws {
        let path = service.path
        if let restart = service.restart {
            let policy = restart.value
            let restartLocation = restart.location
            switch policy {
            case "no", "false":
                config["boot.autostart"] = "false"
                config["boot.autorestart"] = "false"
            case "always":
                config["boot.autostart"] = "true"
                config["boot.autorestart"] = "true"
            case "unless-stopped":
                // Incus's default (no boot.autostart) restarts instances that were running at shutdown.
                config["boot.autorestart"] = "true"
            case _ where policy == "on-failure" || policy.hasPrefix("on-failure:"):
                config["boot.autostart"] = "false"
                config["boot.autorestart"] = "true"
                let retries = policy.split(separator: ":", maxSplits: 1).dropFirst().first.map(String.init)
                if let retries {
                    guard let count = Int(retries), count >= 0 else {
                        throw CompileError(
                            "invalid restart policy '\(policy)': the retry count must be a whole number",
                            at: restartLocation, path: path + ".restart")
                    }
                    if count != incusRestartLimit {
                        context.warn(
                            "restart-on-failure",
                            "Incus restarts a container up to \(incusRestartLimit) times a minute on an unexpected exit, with no other retry count; \(policy) is applied as that",
                            at: restartLocation)
                    }
                }
            default:
                throw CompileError(
                    "invalid restart policy '\(policy)': expected no, always, on-failure[:N] or unless-stopped",
                    at: restartLocation, path: path + ".restart")
            }
        } else if let condition = service.restartCondition {
            switch condition {
            case "none":
                config["boot.autostart"] = "false"
                config["boot.autorestart"] = "false"
            case "any":
                config["boot.autostart"] = "true"
                config["boot.autorestart"] = "true"
            default:
                config["boot.autostart"] = "false"
                config["boot.autorestart"] = "true"
            }
        }
    }
}
