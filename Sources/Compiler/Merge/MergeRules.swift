/// Merges a later compose file over an earlier one with the compose-spec merge rules, as
/// compose-go applies them.
///
/// - Mappings merge key by key; a later `null` leaves the earlier value.
/// - Sequences are concatenated; `SequenceUnicity` then keeps one entry per key (ports by binding,
///   volumes by target, secrets and configs by target, environment and labels by name).
/// - `command`, `entrypoint` and `healthcheck.test` are replaced whole.
/// - `environment`, `labels`, `sysctls`, `annotations`, `build.args` and the like merge as
///   `KEY=VALUE` lists whatever syntax each side used.
/// - `depends_on` and `networks` merge as mappings whatever syntax each side used.
/// - `build` given as a string is its `context`; `logging` is replaced when the driver changes.
enum MergeRules {
    static let toSequence: [TreePath] = [
        "networks.*.labels", "volumes.*.labels", "services.*.annotations", "services.*.build.args",
        "services.*.build.additional_contexts", "services.*.build.labels", "services.*.deploy.labels",
        "services.*.dns", "services.*.dns_opt", "services.*.dns_search", "services.*.env_file",
        "services.*.label_file", "services.*.environment", "services.*.labels",
        "services.*.volumes.*.volume.labels", "services.*.sysctls", "services.*.tmpfs",
    ].map(TreePath.init(pattern:))
    static let replaced: [TreePath] = ["services.*.command", "services.*.entrypoint", "services.*.healthcheck.test"]
        .map(TreePath.init(pattern:))
    static let asMapping: [TreePath] = ["services.*.networks", "services.*.models"].map(TreePath.init(pattern:))

    /// Merges two whole documents.
    static func merge(_ base: YAMLNode, _ overlay: YAMLNode) throws -> YAMLNode {
        try merge(base, overlay, path: TreePath(), display: DisplayPath())
    }

    /// Merges a service definition over the service it extends.
    static func extend(_ base: YAMLNode, with service: YAMLNode) throws -> YAMLNode {
        try merge(base, service, path: TreePath(["services", "x"]), display: DisplayPath("services"))
    }

    static func merge(_ base: YAMLNode, _ overlay: YAMLNode, path: TreePath, display: DisplayPath) throws -> YAMLNode {
        if replaced.contains(where: path.matches) { return overlay }
        if toSequence.contains(where: path.matches) {
            return .sequence(keyValueItems(base) + keyValueItems(overlay), at: base.location)
        }
        if path.matches(Pattern.servicesDependsOn) {
            let defaults: [(String, YAMLNode)] = [
                ("condition", .string("service_started", at: base.location)),
                ("required", .bool(true, at: base.location)),
            ]
            return try mergeMappings(
                asMapping(base, defaults: defaults), asMapping(overlay, defaults: defaults), path: path,
                display: display)
        }
        if asMapping.contains(where: path.matches) {
            return try mergeMappings(asMapping(base), asMapping(overlay), path: path, display: display)
        }
        if path.matches(Pattern.servicesBuild) {
            return try mergeMappings(buildMapping(base), buildMapping(overlay), path: path, display: display)
        }
        if path.matches(Pattern.servicesExtraHosts) {
            let existing = keyValueItems(base)
            let texts = Set(existing.compactMap(\.scalar?.text))
            let added = keyValueItems(overlay).filter { !texts.contains($0.scalar?.text ?? "") }
            return .sequence(existing + added, at: base.location)
        }
        if path.matches(Pattern.servicesUlimitsEntry) { return overlay }
        if path.matches(Pattern.servicesLogging), let basePairs = base.mapping, let overlayPairs = overlay.mapping {
            let baseDriver = basePairs.first { $0.key == "driver" }?.value.scalar?.text
            let overlayDriver = overlayPairs.first { $0.key == "driver" }?.value.scalar?.text
            if let baseDriver, let overlayDriver, baseDriver != overlayDriver { return overlay }
        }
        if overlay.isNull { return base }
        switch base.content {
        case .mapping:
            guard overlay.mapping != nil else {
                throw CompileError(
                    "cannot override \(base.kindName) with \(overlay.kindName)", at: overlay.location,
                    path: display.text)
            }
            return try mergeMappings(base, overlay, path: path, display: display)
        case .sequence(let items):
            guard let more = overlay.sequence else {
                throw CompileError(
                    "cannot override a list with \(overlay.kindName)", at: overlay.location, path: display.text)
            }
            return YAMLNode(.sequence(items + more), at: base.location, tag: base.tag)
        case .scalar:
            return overlay
        }
    }

    static func mergeMappings(_ base: YAMLNode, _ overlay: YAMLNode, path: TreePath, display: DisplayPath) throws
        -> YAMLNode
    {
        var pairs = base.mapping ?? []
        let overlayPairs = overlay.mapping ?? []
        // Keys indexed once: a search per key would be quadratic in the number of services.
        var positions: [String: Int] = [:]
        if !overlayPairs.isEmpty {
            for (position, pair) in pairs.enumerated() where positions[pair.key] == nil {
                positions[pair.key] = position
            }
        }
        for pair in overlayPairs {
            if let index = positions[pair.key] {
                pairs[index].value = try merge(
                    pairs[index].value, pair.value, path: path.next(pair.key), display: display.key(pair.key))
            } else {
                positions[pair.key] = pairs.count
                pairs.append(pair)
            }
        }
        return YAMLNode(.mapping(pairs), at: base.isNull ? overlay.location : base.location)
    }

    /// A `KEY=VALUE` list from either syntax; a mapping's entries come sorted, a key with a null value
    /// stays a bare `KEY`.
    static func keyValueItems(_ node: YAMLNode) -> [YAMLNode] {
        switch node.content {
        case .sequence(let items): return items
        case .scalar: return node.isNull ? [] : [node]
        case .mapping(let pairs):
            var items: [(String, YAMLNode)] = []
            for pair in pairs {
                if pair.value.isNull {
                    items.append((pair.key, .string(pair.key, at: pair.keyLocation)))
                } else if let values = pair.value.sequence {
                    for value in values {
                        let text = "\(pair.key)=\(value.scalar?.text ?? "")"
                        items.append((text, .string(text, at: value.location)))
                    }
                } else {
                    let text = "\(pair.key)=\(pair.value.scalar?.text ?? "")"
                    items.append((text, .string(text, at: pair.value.location)))
                }
            }
            return items.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    /// A mapping from a list of names (each getting `defaults`, or null) or the mapping itself.
    static func asMapping(_ node: YAMLNode, defaults: [(String, YAMLNode)]? = nil) -> YAMLNode {
        guard let items = node.sequence else { return node }
        return .mapping(
            items.map { item in
                let value: YAMLNode = defaults.map { .mapping($0, at: item.location) } ?? .null(at: item.location)
                return (item.scalar?.text ?? "", value)
            }, at: node.location)
    }

    static func buildMapping(_ node: YAMLNode) -> YAMLNode {
        guard node.scalar != nil, !node.isNull else { return node }
        return .mapping([("context", node)], at: node.location)
    }
}

/// The tree paths this file tests, built once.
private enum Pattern {
    static let servicesBuild = TreePath(pattern: "services.*.build")
    static let servicesDependsOn = TreePath(pattern: "services.*.depends_on")
    static let servicesExtraHosts = TreePath(pattern: "services.*.extra_hosts")
    static let servicesLogging = TreePath(pattern: "services.*.logging")
    static let servicesUlimitsEntry = TreePath(pattern: "services.*.ulimits.*")
}
