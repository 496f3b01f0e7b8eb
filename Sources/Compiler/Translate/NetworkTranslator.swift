import Plan

/// A compose network resolved to its Incus network.
struct ResolvedNetwork {
    let composeName: String
    let incusName: String
    let external: Bool
    /// True when the network has IPv6 addressing (an IPv6 subnet or `enable_ipv6`).
    let hasIPv6: Bool
    let plan: PlanNetwork
}

/// Top-level compose networks → Incus bridge networks.
enum NetworkTranslator {
    /// Translates every network in `model.networks` that some service uses.
    static func translate(
        _ model: YAMLNode, usedNetworks: Set<String>, context: inout TranslationContext
    ) throws -> [String: ResolvedNetwork] {
        var result: [String: ResolvedNetwork] = [:]
        var incusNames: [String: String] = [:]
        for pair in model["networks"]?.mapping ?? [] where usedNetworks.contains(pair.key) {
            let path = "networks.\(pair.key)"
            let node = pair.value
            let external = try node["external"].map { try $0.expectBool(path + ".external") } ?? false
            let fullName = try node["name"].map { try $0.expectScalarText(path + ".name") } ?? pair.key
            let incusExtension = try IncusExtension.read(from: node, path: path, allowedOptions: [])
            if external {
                if !incusExtension.config.isEmpty {
                    context.warn(
                        "external-network-config",
                        "x-incus config on external network '\(pair.key)' is ignored: external networks are never changed",
                        at: incusExtension.location)
                }
                let plan = PlanNetwork(
                    composeName: pair.key, external: true, type: "bridge",
                    description: "external network \(fullName)", config: [:])
                result[pair.key] = ResolvedNetwork(
                    composeName: pair.key, incusName: fullName, external: true,
                    hasIPv6: incusExtension.config["ipv6.address"].map { $0 != "none" } ?? false, plan: plan)
                continue
            }
            let incusName = IncusNames.networkName(fullName)
            if let other = incusNames[incusName] {
                throw CompileError(
                    "networks '\(other)' and '\(pair.key)' both map to the Incus network name '\(incusName)'",
                    at: pair.keyLocation, path: path)
            }
            incusNames[incusName] = pair.key
            var config = try addressConfig(node, path: path, name: pair.key, context: &context)
            config["user.compose.project"] = context.projectName
            config["user.compose.network"] = pair.key
            for label in try labels(node, path: path) { config["user." + label.key] = label.value }
            if let driver = node["driver"]?.scalarText, !["bridge", "default"].contains(driver) {
                context.warn(
                    "network-driver",
                    "network driver '\(driver)' has no Incus equivalent here; '\(pair.key)' becomes an Incus bridge",
                    at: node["driver"]?.location)
            }
            if let options = node["driver_opts"], !(options.mapping ?? []).isEmpty {
                context.warn(
                    "network-driver-options",
                    "driver_opts of network '\(pair.key)' are ignored; use x-incus config keys",
                    at: options.location)
            }
            for (key, value) in incusExtension.config { config[key] = value }
            let hasIPv6 = config["ipv6.address"].map { $0 != "none" } ?? false
            let plan = PlanNetwork(
                composeName: pair.key, external: false, type: "bridge",
                description: "compose network \(pair.key) of project \(context.projectName)", config: config)
            result[pair.key] = ResolvedNetwork(
                composeName: pair.key, incusName: incusName, external: false, hasIPv6: hasIPv6, plan: plan)
        }
        return result
    }

    /// IPv4/IPv6 addressing, NAT and routing from `ipam`, `enable_ipv6` and `internal`.
    static func addressConfig(
        _ node: YAMLNode, path: String, name: String, context: inout TranslationContext
    ) throws -> [String: String] {
        var config: [String: String] = ["ipv4.address": "auto", "ipv6.address": "none"]
        let isInternal = try node["internal"].map { try $0.expectBool(path + ".internal") } ?? false
        let enableIPv6 = try node["enable_ipv6"].map { try $0.expectBool(path + ".enable_ipv6") } ?? false
        var sawIPv6Subnet = false
        if let ipamConfig = node["ipam"]?["config"] {
            for (index, entry) in try ipamConfig.expectSequence(path + ".ipam.config").enumerated() {
                let entryPath = "\(path).ipam.config[\(index)]"
                guard let subnetNode = entry["subnet"] else { continue }
                let subnet = try subnetNode.expectScalarText(entryPath + ".subnet")
                let gateway = try entry["gateway"].map { try $0.expectScalarText(entryPath + ".gateway") }
                if let parsed = IPAddress.parseIPv4Subnet(subnet) {
                    guard parsed.prefix <= 30 else {
                        throw CompileError(
                            "subnet \(subnet) is too small for a bridge (at most /30)", at: subnetNode.location,
                            path: entryPath + ".subnet")
                    }
                    let address = gateway ?? IPAddress.formatIPv4(parsed.network + 1)
                    guard let gatewayValue = IPAddress.parseIPv4(address),
                        gatewayValue & ~(UInt32.max >> UInt32(parsed.prefix)) == parsed.network
                    else {
                        throw CompileError(
                            "gateway \(address) is not inside subnet \(subnet)",
                            at: entry["gateway"]?.location ?? subnetNode.location,
                            path: entryPath + ".gateway")
                    }
                    config["ipv4.address"] = "\(address)/\(parsed.prefix)"
                    if let rangeNode = entry["ip_range"] {
                        let range = try rangeNode.expectScalarText(entryPath + ".ip_range")
                        guard let parsedRange = IPAddress.parseIPv4Subnet(range) else {
                            throw CompileError(
                                "ip_range \(range) is not an IPv4 subnet", at: rangeNode.location,
                                path: entryPath + ".ip_range")
                        }
                        let size: UInt32 =
                            parsedRange.prefix == 0 ? UInt32.max : (UInt32(1) << UInt32(32 - parsedRange.prefix)) - 1
                        let first = parsedRange.network + (parsedRange.prefix < 31 ? 1 : 0)
                        let last = parsedRange.network + size - (parsedRange.prefix < 31 ? 1 : 0)
                        config["ipv4.dhcp.ranges"] = "\(IPAddress.formatIPv4(first))-\(IPAddress.formatIPv4(last))"
                    }
                } else if subnet.contains(":"), let slash = subnet.firstIndex(of: "/"),
                    IPAddress.isIPv6(String(subnet[..<slash]))
                {
                    sawIPv6Subnet = true
                    let prefix = subnet[subnet.index(after: slash)...]
                    let base = String(subnet[..<slash])
                    let address = gateway ?? (base.hasSuffix("::") ? base + "1" : base)
                    config["ipv6.address"] = "\(address)/\(prefix)"
                } else {
                    throw CompileError(
                        "subnet '\(subnet)' is not a valid CIDR subnet", at: subnetNode.location,
                        path: entryPath + ".subnet")
                }
            }
        }
        if enableIPv6 && !sawIPv6Subnet { config["ipv6.address"] = "auto" }
        if isInternal {
            config["ipv4.nat"] = "false"
            config["ipv4.routing"] = "false"
            if config["ipv6.address"] != "none" {
                config["ipv6.nat"] = "false"
                config["ipv6.routing"] = "false"
            }
        } else {
            config["ipv4.nat"] = "true"
            if config["ipv6.address"] != "none" { config["ipv6.nat"] = "true" }
        }
        return config
    }

    static func labels(_ node: YAMLNode, path: String) throws -> [(key: String, value: String)] {
        guard let labels = node["labels"] else { return [] }
        let normalized = try KeyValueNormalizer.normalize(labels, path: path + ".labels", allowNull: false)
        return (normalized.mapping ?? []).map { ($0.key, $0.value.scalarText ?? "") }
    }
}
