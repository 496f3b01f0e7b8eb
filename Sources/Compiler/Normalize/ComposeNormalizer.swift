/// Rewrites a merged compose model into the long-syntax shape of `docker compose config`:
/// short port, volume, environment, label, network and depends_on forms become their long forms,
/// relative paths become absolute, and the implicit `default` network is made explicit.
struct ComposeNormalizer {
    let projectDirectory: String
    var environment: [String: String] = [:]

    init(projectDirectory: String, environment: [String: String] = [:]) {
        self.projectDirectory = projectDirectory
        self.environment = environment
    }

    /// Normalizes `model` in place: a model held once is changed without copying what stays, and
    /// what is replaced is freed by the core that replaced it.
    func normalize(_ model: inout YAMLNode, projectName: String) throws {
        _ = try model.expectMapping("")
        model.set("name", .string(projectName, at: model["name"]?.location ?? model.location))
        var usesDefaultNetwork = false
        try model.updateValue(forKey: "services") { services in
            guard !services.isNull else { return }
            _ = try services.expectMapping("services")
            // The services mapping as a node of its own, as written before this worked in place.
            services.tag = nil
            // Services normalize independently, so they are spread over the cores.
            try services.updatePairs { services in
                try ParallelWork.forEach(&services) { pair in
                    try normalizeService(&pair.value, path: "services.\(pair.key)")
                    if pair.value["network_mode"] == nil, pair.value["networks"] == nil {
                        pair.value.set(
                            "networks", .mapping([("default", .null(at: pair.keyLocation))], at: pair.keyLocation))
                    }
                }
                usesDefaultNetwork = services.contains { $0.value["networks"]?.pair("default") != nil }
            }
        }
        var networks = try normalizeTopLevel(
            model["networks"], kind: "networks", projectName: projectName)
        if usesDefaultNetwork, networks.pair("default") == nil {
            networks.set(
                "default",
                .mapping([("name", .string("\(projectName)_default", at: model.location))], at: model.location))
        }
        if !(networks.mapping ?? []).isEmpty { model.set("networks", networks) }
        let volumes = try normalizeTopLevel(model["volumes"], kind: "volumes", projectName: projectName)
        if !(volumes.mapping ?? []).isEmpty { model.set("volumes", volumes) }
    }

    /// Top-level `networks:` or `volumes:`: every entry becomes a mapping with its resolved `name`.
    func normalizeTopLevel(_ node: YAMLNode?, kind: String, projectName: String) throws -> YAMLNode {
        guard let node, !node.isNull else { return .mapping([], at: SourceLocation(file: "", line: 0, column: 0)) }
        var entries: [YAMLPair] = []
        for pair in try node.expectMapping(kind) {
            let path = "\(kind).\(pair.key)"
            var entry = pair.value.isNull ? YAMLNode.mapping([], at: pair.value.location) : pair.value
            _ = try entry.expectMapping(path)
            let external = try entry["external"].map { try $0.expectBool(path + ".external") } ?? false
            if entry["name"] == nil {
                let name = external ? pair.key : "\(projectName)_\(pair.key)"
                entry.set("name", .string(name, at: pair.keyLocation))
            }
            entries.append(YAMLPair(key: pair.key, keyLocation: pair.keyLocation, value: entry))
        }
        return YAMLNode(.mapping(entries), at: node.location)
    }

    func normalizeService(_ service: inout YAMLNode, path: String) throws {
        if service.isNull { service = YAMLNode.mapping([], at: service.location) }
        _ = try service.expectMapping(path)
        if let ports = service["ports"] {
            service.set("ports", try PortNormalizer.normalize(ports, path: path + ".ports"))
        }
        if let volumes = service["volumes"] {
            let normalizer = VolumeNormalizer(projectDirectory: projectDirectory, home: environment["HOME"])
            service.set("volumes", try normalizer.normalize(volumes, path: path + ".volumes"))
        }
        for key in ["environment", "labels", "sysctls"] {
            if let value = service[key] {
                service.set(
                    key,
                    try KeyValueNormalizer.normalize(value, path: "\(path).\(key)", allowNull: key == "environment"))
            }
        }
        if let networks = service["networks"] {
            service.set("networks", try normalizeServiceNetworks(networks, path: path + ".networks"))
        }
        if let dependsOn = service["depends_on"] {
            service.set("depends_on", try normalizeDependsOn(dependsOn, path: path + ".depends_on"))
        }
        for key in ["command", "entrypoint"] {
            if let value = service[key], value.scalar != nil, !value.isNull {
                let text = try value.expectScalarText("\(path).\(key)")
                let words = try ShellWords.split(text, at: value.location, path: "\(path).\(key)")
                service.set(key, .sequence(words.map { .string($0, at: value.location) }, at: value.location))
            }
        }
        if let tmpfs = service["tmpfs"], tmpfs.scalar != nil, !tmpfs.isNull {
            service.set("tmpfs", .sequence([tmpfs], at: tmpfs.location))
        }
    }

    /// `networks: [a, b]` → `{a: null, b: null}`; a mapping is kept.
    func normalizeServiceNetworks(_ node: YAMLNode, path: @autoclosure () -> String) throws -> YAMLNode {
        if let items = node.sequence {
            var pairs: [YAMLPair] = []
            for (index, item) in items.enumerated() {
                let name = try item.expectScalarText("\(path())[\(index)]")
                pairs.append(YAMLPair(key: name, keyLocation: item.location, value: .null(at: item.location)))
            }
            return YAMLNode(.mapping(pairs), at: node.location)
        }
        for pair in try node.expectMapping(path()) where !pair.value.isNull {
            _ = try pair.value.expectMapping("\(path()).\(pair.key)")
        }
        return node
    }

    /// `depends_on: [a]` → `{a: {condition: service_started, required: true}}`.
    func normalizeDependsOn(_ node: YAMLNode, path: @autoclosure () -> String) throws -> YAMLNode {
        var pairs: [YAMLPair] = []
        if let items = node.sequence {
            for (index, item) in items.enumerated() {
                let name = try item.expectScalarText("\(path())[\(index)]")
                let entry = YAMLNode.mapping(
                    [
                        ("condition", .string("service_started", at: item.location)),
                        ("required", .bool(true, at: item.location)),
                    ], at: item.location)
                pairs.append(YAMLPair(key: name, keyLocation: item.location, value: entry))
            }
            return YAMLNode(.mapping(pairs), at: node.location)
        }
        for pair in try node.expectMapping(path()) {
            var entry = pair.value.isNull ? YAMLNode.mapping([], at: pair.value.location) : pair.value
            _ = try entry.expectMapping("\(path()).\(pair.key)")
            if entry["condition"] == nil { entry.set("condition", .string("service_started", at: entry.location)) }
            if entry["required"] == nil { entry.set("required", .bool(true, at: entry.location)) }
            pairs.append(YAMLPair(key: pair.key, keyLocation: pair.keyLocation, value: entry))
        }
        return YAMLNode(.mapping(pairs), at: node.location)
    }
}
