extension ServiceDecoder {
    /// `ulimits`: a number sets both limits, a mapping gives `soft` and `hard`.
    func resourceLimits() throws -> [ComposeService.ResourceLimit] {
        try (node["ulimits"]?.mapping ?? []).map { pair in
            let limitPath = "\(path).ulimits.\(pair.key)"
            let soft: Int64
            let hard: Int64
            if pair.value.mapping != nil {
                soft = try pair.value["soft"]?.expectInteger(limitPath + ".soft") ?? -1
                hard = try pair.value["hard"]?.expectInteger(limitPath + ".hard") ?? -1
            } else {
                soft = try pair.value.expectInteger(limitPath)
                hard = soft
            }
            return ComposeService.ResourceLimit(name: pair.key, location: pair.keyLocation, soft: soft, hard: hard)
        }
    }

    /// `deploy.resources.limits`, else the service's `cpus`, `mem_limit` and `pids_limit`.
    func resources() throws -> ComposeService.Resources {
        let limits = node["deploy"]?["resources"]?["limits"]
        var resources = ComposeService.Resources()
        if let cpusNode = limits?["cpus"] ?? node["cpus"] {
            let cpusPath = limits?["cpus"] != nil ? path + ".deploy.resources.limits.cpus" : path + ".cpus"
            let text = try cpusNode.expectScalarText(cpusPath)
            guard let cpus = Double(text), cpus > 0, cpus <= 4096 else {
                throw CompileError(
                    "invalid cpus '\(text)': expected a positive number such as 0.5 or 2", at: cpusNode.location,
                    path: cpusPath)
            }
            resources.cpus = Located(cpus, at: cpusNode.location)
        }
        if let memoryNode = limits?["memory"] ?? node["mem_limit"] {
            let memoryPath = limits?["memory"] != nil ? path + ".deploy.resources.limits.memory" : path + ".mem_limit"
            let bytes = try MountDecoder.size(memoryNode, path: memoryPath)
            guard bytes > 0 else {
                throw CompileError("a memory limit must be above zero", at: memoryNode.location, path: memoryPath)
            }
            resources.memory = Located(bytes, at: memoryNode.location)
        }
        if let pidsNode = limits?["pids"] ?? node["pids_limit"] {
            resources.pids = try pidsNode.expectInteger(path + ".pids_limit")
        }
        // Devices are requests for GPUs (deviceRequests), not reservations of a share.
        if let reservations = node["deploy"]?["resources"]?["reservations"],
            (reservations.mapping ?? []).contains(where: { $0.key != "devices" })
        {
            resources.reservationsLocation = reservations.location
        }
        return resources
    }

    /// The entries of `gpus` and of `deploy.resources.reservations.devices`, in that order.
    func deviceRequests() throws -> [ComposeService.DeviceRequest] {
        let lists = [
            (node["gpus"], path + ".gpus"),
            (
                node["deploy"]?["resources"]?["reservations"]?["devices"],
                path + ".deploy.resources.reservations.devices"
            ),
        ]
        var requests: [ComposeService.DeviceRequest] = []
        for (list, listPath) in lists {
            for (index, item) in (list?.sequence ?? []).enumerated() {
                let itemPath = "\(listPath)[\(index)]"
                func texts(_ key: String) throws -> [String] {
                    try (item[key]?.sequence ?? []).enumerated().map {
                        try $0.element.expectScalarText("\(itemPath).\(key)[\($0.offset)]")
                    }
                }
                requests.append(
                    ComposeService.DeviceRequest(
                        driver: try item["driver"].map { try $0.expectScalarText(itemPath + ".driver") },
                        count: try item["count"].map { try $0.expectScalarText(itemPath + ".count") },
                        deviceIDs: try texts("device_ids"), capabilities: try texts("capabilities"),
                        location: item.location, path: itemPath))
            }
        }
        return requests
    }

    /// The `devices` entries; the loader has written each as `source`, `target` and `permissions`.
    func deviceMappings() throws -> [ComposeService.DeviceMapping] {
        guard let list = node["devices"], !list.isNull else { return [] }
        return try list.expectSequence(path + ".devices").enumerated().map { index, item in
            let itemPath = "\(path).devices[\(index)]"
            let source = try item["source"]?.expectScalarText(itemPath + ".source") ?? ""
            let target = try item["target"]?.expectScalarText(itemPath + ".target") ?? ""
            return ComposeService.DeviceMapping(
                source: source, target: target.isEmpty ? source : target,
                permissions: try item["permissions"]?.expectScalarText(itemPath + ".permissions") ?? "rwm",
                location: item.location, path: itemPath)
        }
    }

    /// `stop_grace_period`, a duration such as `1m30s`.
    func stopGracePeriod() throws -> Located<Int64>? {
        guard let value = node["stop_grace_period"], !value.isNull else { return nil }
        let text = try value.expectScalarText(path + ".stop_grace_period")
        guard let nanoseconds = ValueConversions.duration(text), nanoseconds >= 0 else {
            throw CompileError(
                "stop_grace_period '\(text)' is not a duration such as 10s or 1m30s", at: value.location,
                path: path + ".stop_grace_period")
        }
        return Located(nanoseconds, at: value.location)
    }

    /// The service's `networks` entries, as written.
    func networkAttachments() throws -> [ComposeService.NetworkAttachment] {
        try (node["networks"]?.mapping ?? []).map { pair in
            let settings = pair.value.isNull ? nil : pair.value
            // Spelt out only for an error.
            func settingsPath() -> String { "\(path).networks.\(pair.key)" }
            func address(_ key: String) -> Located<String>? {
                settings?[key]?.locatedText
            }
            var aliases: [String] = []
            if let list = settings?["aliases"] {
                for (index, alias) in try list.expectSequence(settingsPath() + ".aliases").enumerated() {
                    aliases.append(try alias.expectScalarText("\(settingsPath()).aliases[\(index)]"))
                }
            }
            return ComposeService.NetworkAttachment(
                network: pair.key, keyLocation: pair.keyLocation,
                priority: try settings?["priority"].map { try $0.expectInteger(settingsPath() + ".priority") } ?? 0,
                ipv4Address: address("ipv4_address"), ipv6Address: address("ipv6_address"),
                macAddress: settings?["mac_address"]?.scalarText, aliases: aliases)
        }
    }

    /// The service's `secrets` or `configs` entries.
    func fileReferences(_ kind: FileReference.Kind) throws -> [FileReference] {
        guard let references = node[kind.rawValue], !references.isNull else { return [] }
        return try references.expectSequence("\(path).\(kind.rawValue)").enumerated().map { index, reference in
            let referencePath = "\(path).\(kind.rawValue)[\(index)]"
            let source: String
            if reference.mapping != nil {
                guard let sourceNode = reference["source"] else {
                    throw CompileError(
                        "a \(kind.singular) reference needs 'source'", at: reference.location, path: referencePath)
                }
                source = try sourceNode.expectScalarText(referencePath + ".source")
            } else {
                source = try reference.expectScalarText(referencePath)
            }
            return FileReference(
                kind: kind, source: source,
                target: try reference["target"].map { try $0.expectScalarText(referencePath + ".target") },
                uid: try reference["uid"].map { try $0.expectScalarText(referencePath + ".uid") } ?? "0",
                gid: try reference["gid"].map { try $0.expectScalarText(referencePath + ".gid") } ?? "0",
                mode: try reference["mode"].map { try Self.fileMode($0, path: referencePath + ".mode") } ?? "0444",
                location: reference.location, path: referencePath)
        }
    }

    /// A file mode as four octal digits. `0440` is octal as in docker compose; a plain number such as
    /// `288` (what `docker compose config` prints) is decimal.
    static func fileMode(_ node: YAMLNode, path: String) throws -> String {
        let text = try node.expectScalarText(path)
        let value: Int?
        if text.hasPrefix("0o") {
            value = Int(text.dropFirst(2), radix: 8)
        } else if text.hasPrefix("0") {
            value = Int(text, radix: 8)
        } else {
            value = Int(text)
        }
        guard let value, (0...0o7777).contains(value) else {
            throw CompileError(
                "invalid file mode '\(text)': expected an octal mode such as 0440", at: node.location, path: path)
        }
        let octal = String(value, radix: 8)
        return String(repeating: "0", count: max(0, 4 - octal.count)) + octal
    }
}
