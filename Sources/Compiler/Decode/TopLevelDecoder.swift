/// Top-level `networks` and `volumes` entries → `ComposeNetwork` and `ComposeVolume`.
enum TopLevelDecoder {
    static func network(_ pair: YAMLPair) throws -> ComposeNetwork {
        let path = "networks.\(pair.key)"
        let node = pair.value
        let incus = try IncusBlockDecoder.read(from: node, path: path, allowedOptions: [])
        var subnets: [ComposeNetwork.Subnet] = []
        if let ipamConfig = node["ipam"]?["config"] {
            for (index, entry) in try ipamConfig.expectSequence(path + ".ipam.config").enumerated() {
                let entryPath = "\(path).ipam.config[\(index)]"
                guard let subnetNode = entry["subnet"] else { continue }
                func text(_ key: String) throws -> Located<String>? {
                    try entry[key].map { Located(try $0.expectScalarText("\(entryPath).\(key)"), at: $0.location) }
                }
                subnets.append(
                    ComposeNetwork.Subnet(
                        path: entryPath,
                        subnet: Located(
                            try subnetNode.expectScalarText(entryPath + ".subnet"), at: subnetNode.location),
                        gateway: try text("gateway"), ipRange: try text("ip_range")))
            }
        }
        return ComposeNetwork(
            key: pair.key, keyLocation: pair.keyLocation,
            name: try node["name"].map { try $0.expectScalarText(path + ".name") } ?? pair.key,
            external: try flag(node, "external", path: path), isInternal: try flag(node, "internal", path: path),
            enableIPv6: try flag(node, "enable_ipv6", path: path), driver: driver(node),
            driverOptionsLocation: driverOptionsLocation(node), subnets: subnets,
            labels: labels(node), incus: incus.block)
    }

    static func volume(_ pair: YAMLPair) throws -> ComposeVolume {
        let path = "volumes.\(pair.key)"
        let node = pair.value
        let incus = try IncusBlockDecoder.read(from: node, path: path, allowedOptions: ["pool", "size"])
        return ComposeVolume(
            key: pair.key, keyLocation: pair.keyLocation,
            name: try node["name"].map { try $0.expectScalarText(path + ".name") } ?? pair.key,
            external: try flag(node, "external", path: path), driver: driver(node),
            driverOptionsLocation: driverOptionsLocation(node), labels: labels(node),
            incus: incus.block,
            pool: try incus.options["pool"].map { try $0.expectScalarText(path + ".x-incus.pool") },
            // `size` is an Incus volume key without a dot, so it is an option.
            size: try incus.options["size"].map { try $0.expectScalarText(path + ".x-incus.size") })
    }

    private static func flag(_ node: YAMLNode, _ key: String, path: String) throws -> Bool {
        try node[key].map { try $0.expectBool("\(path).\(key)") } ?? false
    }

    private static func driver(_ node: YAMLNode) -> Located<String>? {
        node["driver"]?.locatedText
    }

    private static func driverOptionsLocation(_ node: YAMLNode) -> SourceLocation? {
        node["driver_opts"].flatMap { ($0.mapping ?? []).isEmpty ? nil : $0.location }
    }

    /// Labels, which loading shaped into a mapping of strings whatever form they were written in.
    private static func labels(_ node: YAMLNode) -> [(key: String, value: String)] {
        (node["labels"]?.mapping ?? []).map { ($0.key, $0.value.scalarText ?? "") }
    }
}
