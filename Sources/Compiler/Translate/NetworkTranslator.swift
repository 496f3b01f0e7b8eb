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
        _ networks: [ComposeNetwork], usedNetworks: Set<String>, context: inout TranslationContext
    ) throws -> [String: ResolvedNetwork] {
        var result: [String: ResolvedNetwork] = [:]
        var incusNames: [String: String] = [:]
        for network in networks where usedNetworks.contains(network.key) {
            let path = "networks.\(network.key)"
            let fullName = network.name
            let incusExtension = network.incus
            if network.external {
                if !incusExtension.config.isEmpty {
                    context.warn(
                        "external-network-config",
                        "x-incus config on external network '\(network.key)' is ignored: external networks are never changed",
                        at: incusExtension.location)
                }
                let plan = PlanNetwork(
                    composeName: network.key, external: true, type: "bridge",
                    description: "external network \(fullName)", config: [:])
                result[network.key] = ResolvedNetwork(
                    composeName: network.key, incusName: fullName, external: true,
                    hasIPv6: incusExtension.config["ipv6.address"].map { $0 != "none" } ?? false, plan: plan)
                continue
            }
            let incusName = IncusNames.networkName(fullName)
            if let other = incusNames[incusName] {
                throw CompileError(
                    "networks '\(other)' and '\(network.key)' both map to the Incus network name '\(incusName)'",
                    at: network.keyLocation, path: path)
            }
            incusNames[incusName] = network.key
            var config = try addressConfig(network)
            config["user.compose.project"] = context.projectName
            config["user.compose.network"] = network.key
            for label in network.labels { config["user." + label.key] = label.value }
            if let driver = network.driver, !["bridge", "default"].contains(driver.value) {
                context.warn(
                    "network-driver",
                    "network driver '\(driver.value)' has no Incus equivalent here; '\(network.key)' becomes an Incus bridge",
                    at: driver.location)
            }
            if let location = network.driverOptionsLocation {
                context.warn(
                    "network-driver-options",
                    "driver_opts of network '\(network.key)' are ignored; use x-incus config keys", at: location)
            }
            for (key, value) in incusExtension.config { config[key] = value }
            let hasIPv6 = config["ipv6.address"].map { $0 != "none" } ?? false
            let plan = PlanNetwork(
                composeName: network.key, external: false, type: "bridge",
                description: "compose network \(network.key) of project \(context.projectName)", config: config)
            result[network.key] = ResolvedNetwork(
                composeName: network.key, incusName: incusName, external: false, hasIPv6: hasIPv6, plan: plan)
        }
        return result
    }

    /// IPv4/IPv6 addressing, NAT and routing from `ipam`, `enable_ipv6` and `internal`.
    static func addressConfig(_ network: ComposeNetwork) throws -> [String: String] {
        var config: [String: String] = ["ipv4.address": "auto", "ipv6.address": "none"]
        let isInternal = network.isInternal
        let enableIPv6 = network.enableIPv6
        var sawIPv6Subnet = false
        for entry in network.subnets {
            if try addSubnet(entry, to: &config) { sawIPv6Subnet = true }
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

    /// Adds one `ipam.config` subnet to `config`; true for an IPv6 subnet.
    static func addSubnet(_ entry: ComposeNetwork.Subnet, to config: inout [String: String]) throws -> Bool {
        let entryPath = entry.path
        let subnetNode = entry.subnet
        let subnet = subnetNode.value
        let gateway = entry.gateway?.value
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
                    at: entry.gateway?.location ?? subnetNode.location,
                    path: entryPath + ".gateway")
            }
            config["ipv4.address"] = "\(address)/\(parsed.prefix)"
            if let rangeNode = entry.ipRange {
                let range = rangeNode.value
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
            let prefix = subnet[subnet.index(after: slash)...]
            let base = String(subnet[..<slash])
            let address = gateway ?? (base.hasSuffix("::") ? base + "1" : base)
            config["ipv6.address"] = "\(address)/\(prefix)"
            return true
        } else {
            throw CompileError(
                "subnet '\(subnet)' is not a valid CIDR subnet", at: subnetNode.location,
                path: entryPath + ".subnet")
        }
        return false
    }
}
