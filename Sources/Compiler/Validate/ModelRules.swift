import Plan

/// The rules docker compose checks on the whole merged model, beyond what one key's schema can say:
/// keys that exclude each other, an external volume's other keys, addresses and command strings
/// that must parse.
/// Run once after the last file is merged and its defaults are set.
enum ModelRules {
    /// Throws for the first rule `model` breaks, at the offending key.
    static func check(_ model: YAMLNode) throws {
        for pair in model["volumes"]?.mapping ?? [] {
            try checkExternalVolume(pair)
        }
        for pair in model["configs"]?.mapping ?? [] {
            try checkFileSource(pair, kind: "config", sources: ["file", "environment", "content"])
        }
        for pair in model["secrets"]?.mapping ?? [] {
            try checkFileSource(pair, kind: "secret", sources: ["file", "environment"])
        }
        for service in model["services"]?.mapping ?? [] {
            try checkService(service)
        }
    }

    /// An external volume exists already: only its name can be given.
    private static func checkExternalVolume(_ volume: YAMLPair) throws {
        guard isTrue(volume.value["external"]) else { return }
        for pair in volume.value.mapping ?? [] where pair.key != "name" && pair.key != "external" {
            guard !pair.key.hasPrefix("x-") else { continue }
            throw CompileError(
                "volume '\(volume.key)' is external, so '\(pair.key)' cannot be set: an external volume is"
                    + " created outside the project; only its name can be given",
                at: pair.keyLocation, path: "volumes.\(volume.key).\(pair.key)")
        }
    }

    /// A config or secret has exactly one source, unless a driver or `external` provides it.
    private static func checkFileSource(_ definition: YAMLPair, kind: String, sources: [String]) throws {
        let given = sources.compactMap { definition.value.pair($0) }
        let path = "\(kind)s.\(definition.key)"
        if given.count > 1 {
            throw CompileError(
                "\(kind) '\(definition.key)' has both \(given[0].key): and \(given[1].key):; give only one",
                at: given[1].keyLocation, path: path + "." + given[1].key)
        }
        if given.isEmpty && definition.value["driver"] == nil && definition.value["external"] == nil {
            let names = sources.map { $0 + ":" }
            throw CompileError(
                "\(kind) '\(definition.key)' needs \(names.dropLast().joined(separator: ", ")) or \(names.last ?? "")",
                at: definition.value.location, path: path)
        }
    }

    private static func checkService(_ service: YAMLPair) throws {
        let path = "services.\(service.key)"
        // One pass over the service's keys: a large project has thousands of services.
        for pair in service.value.mapping ?? [] {
            switch pair.key {
            case "ports":
                try checkTargets(pair.value, path: path + ".ports", message: "a port mapping needs 'target'")
                try checkHostAddresses(pair.value, path: path)
            case "volumes":
                try checkTargets(pair.value, path: path + ".volumes", message: "a volume mount needs 'target'")
            case "command", "entrypoint": try checkShellWords(pair.value, path: "\(path).\(pair.key)")
            case "develop": try checkWatchPaths(pair.value, path: path)
            case "gpus": try checkDeviceRequests(pair.value, path: path + ".gpus")
            case "deploy":
                if let devices = pair.value["resources"]?["reservations"]?["devices"] {
                    try checkDeviceRequests(devices, path: path + ".deploy.resources.reservations.devices")
                }
            default: continue
            }
        }
    }

    /// Ports and mounts in long syntax (short syntax was rewritten so) need the container side.
    private static func checkTargets(_ entries: YAMLNode, path: String, message: String) throws {
        for (index, entry) in (entries.sequence ?? []).enumerated() where entry.mapping != nil && entry["target"] == nil
        {
            throw CompileError(message, at: entry.location, path: "\(path)[\(index)]")
        }
    }

    private static func checkHostAddresses(_ ports: YAMLNode, path: String) throws {
        for (index, port) in (ports.sequence ?? []).enumerated() {
            guard let hostIP = port.pair("host_ip"), let address = hostIP.value.scalar?.text else { continue }
            if !IPAddress.isValid(address) {
                throw CompileError(
                    "host_ip '\(address)' is not an IP address; write one such as 127.0.0.1 or ::1",
                    at: hostIP.value.location, path: "\(path).ports[\(index)].host_ip")
            }
        }
    }

    /// A command written as one string is split into words as a shell would: its quotes must close.
    private static func checkShellWords(_ command: YAMLNode, path: String) throws {
        guard let text = command.scalar?.text, !command.isNull, ShellQuoting.split(text) == nil else { return }
        throw CompileError(
            "unterminated quote in command string", at: command.location, path: path)
    }

    private static func checkWatchPaths(_ develop: YAMLNode, path: String) throws {
        for (index, watch) in (develop["watch"]?.sequence ?? []).enumerated() {
            if let watched = watch["path"], watched.scalar?.text.isEmpty == true {
                throw CompileError(
                    "a watch rule needs a path that is not empty", at: watched.location,
                    path: "\(path).develop.watch[\(index)].path")
            }
        }
    }

    private static func checkDeviceRequests(_ requests: YAMLNode, path: String) throws {
        for (index, request) in (requests.sequence ?? []).enumerated() {
            if request["count"] != nil, let ids = request.pair("device_ids") {
                throw CompileError(
                    "a device request takes count: or device_ids:, not both", at: ids.keyLocation,
                    path: "\(path)[\(index)].device_ids")
            }
        }
    }

    /// Whether a value is true as docker reads it (a boolean, or the string a variable gave).
    private static func isTrue(_ node: YAMLNode?) -> Bool {
        guard let node else { return false }
        switch node.resolved {
        case .bool(let value)?: return value
        case .string(let text)?: return ["true", "True", "TRUE", "1"].contains(text)
        default: return false
        }
    }
}
