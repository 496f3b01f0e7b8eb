/// The cross-reference checks docker compose runs on a loaded project: every active service has
/// an image or a build (or, for Incus, an `x-incus.image`), `network_mode` and `networks` are not both set, and every network,
/// volume, secret, config and service a service names is defined (a dependency on a service left
/// out by profiles is allowed only with `required: false`), and `depends_on` (with the
/// dependencies `links` and `network_mode: service:` add) has no cycle.
enum ModelConsistency {
    static func check(_ model: YAMLNode, allServices: Set<String>) throws {
        try checkReferences(model, allServices: allServices)
        try checkCycles(model)
    }

    static func checkCycles(_ model: YAMLNode) throws {
        let services = model["services"]?.mapping ?? []
        var nodes: [String: YAMLNode] = [:]
        for pair in services where nodes[pair.key] == nil { nodes[pair.key] = pair.value }
        var state: [String: Bool] = [:]  // false: on the current path, true: done
        func visit(_ name: String, _ path: [String]) throws {
            if state[name] == true { return }
            guard let service = nodes[name] else { return }
            state[name] = false
            for dependency in service["depends_on"]?.mapping ?? [] {
                if state[dependency.key] == false {
                    let cycle = (path + [name, dependency.key]).drop { $0 != dependency.key }
                    throw CompileError(
                        "dependency cycle: \(cycle.joined(separator: " → "))", at: dependency.keyLocation,
                        path: "services.\(name).depends_on")
                }
                try visit(dependency.key, path + [name])
            }
            state[name] = true
        }
        for pair in services { try visit(pair.key, []) }
    }

    static func checkReferences(_ model: YAMLNode, allServices: Set<String>) throws {
        let services = model["services"]?.mapping ?? []
        let active = Set(services.map(\.key))
        func defined(_ kind: String) -> Set<String> { Set(model[kind]?.mapping?.map(\.key) ?? []) }
        for pair in services {
            let service = pair.value
            let path = "services.\(pair.key)"
            func fail(_ message: String, _ node: YAMLNode?, _ at: String) throws -> Never {
                throw CompileError(message, at: node?.location ?? service.location, path: at)
            }
            let incusImage = service["x-incus"]?["image"] != nil
            if service["image"] == nil && service["build"] == nil && service["provider"] == nil && !incusImage {
                try fail("service '\(pair.key)' has neither an image nor a build context", nil, path)
            }
            if service["network_mode"] != nil, service["networks"]?.mapping?.isEmpty == false {
                try fail("service '\(pair.key)' sets both network_mode and networks", service["network_mode"], path)
            }
            for network in service["networks"]?.mapping ?? [] where !defined("networks").contains(network.key) {
                try fail(
                    "service '\(pair.key)' uses undefined network '\(network.key)'", network.value, path + ".networks")
            }
            for dependency in service["depends_on"]?.mapping ?? [] where !active.contains(dependency.key) {
                let required = dependency.value["required"].map(ModelNormalization.isTrue) ?? true
                if allServices.contains(dependency.key) && !required { continue }
                try fail(
                    "service '\(pair.key)' depends on undefined service '\(dependency.key)'", dependency.value,
                    path + ".depends_on")
            }
            if let mode = service["network_mode"]?.scalar?.text, mode.hasPrefix("service:"),
                !active.contains(String(mode.dropFirst(8)))
            {
                try fail(
                    "network_mode refers to undefined service '\(mode.dropFirst(8))'", service["network_mode"], path)
            }
            for (index, volume) in (service["volumes"]?.sequence ?? []).enumerated()
            where volume["type"]?.scalar?.text == "volume" {
                guard let source = volume["source"]?.scalar?.text, !source.isEmpty,
                    !defined("volumes").contains(source)
                else { continue }
                try fail(
                    "service '\(pair.key)' uses undefined volume '\(source)'; declare it under top-level volumes",
                    volume, path + ".volumes[\(index)]")
            }
            for kind in ["secrets", "configs"] {
                let items =
                    (service[kind]?.sequence ?? [])
                    + (kind == "secrets" ? service["build"]?["secrets"]?.sequence ?? [] : [])
                for item in items {
                    let source = item["source"]?.scalar?.text ?? ""
                    if !defined(kind).contains(source) {
                        try fail(
                            "service '\(pair.key)' uses undefined \(kind.dropLast()) '\(source)'", item,
                            path + "." + kind)
                    }
                }
            }
        }
    }
}
