import Plan

/// Kernel-mode (nftables DNAT) proxy devices for services with `x-incus.nat-proxy: true`.
///
/// Incus accepts `nat=true` only for tcp↔tcp or udp↔udp, with `connect` on one of the NIC's static
/// addresses; the address is known only once the container has a DHCP lease, so the plan carries a
/// placeholder that apply fills in (after pinning the lease as the NIC's static address).
enum NATProxy {
    /// A placeholder token and what it stands for.
    struct Token {
        let name: String
        let device: String
        let family: String
    }

    /// The NAT device for `port`, or `nil` (with a `nat-fallback` warning) when the port is not eligible.
    static func device(
        for port: PublishedPort, instance: String,
        nics: [(name: String, network: ResolvedNetwork, device: [String: String])], context: inout TranslationContext
    ) -> (device: [String: String], token: Token?)? {
        func fallback(_ reason: String) -> (device: [String: String], token: Token?)? {
            context.warn(
                "nat-fallback", "port \(port.published ?? "") uses a userspace proxy: \(reason)", at: port.location)
            return nil
        }
        guard port.protocolName == "tcp" || port.protocolName == "udp" else {
            return fallback("NAT mode supports tcp and udp only")
        }
        if let hostIP = port.hostIP, isLoopback(hostIP) {
            return fallback("NAT rules do not see connections to the host's loopback address \(hostIP)")
        }
        guard let nic = nics.first else {
            return fallback("the service has no NIC on a bridge network (network_mode)")
        }
        let family = port.isIPv6 ? "ipv6" : "ipv4"
        if port.isIPv6 && !nic.network.hasIPv6 {
            return fallback("host_ip \(port.hostIP ?? "") is IPv6 but network '\(nic.network.composeName)' has no IPv6")
        }
        var device = [
            "type": "proxy", "nat": "true", "bind": "host", "listen": port.listenAddress,
        ]
        let staticKey = family + ".address"
        if let address = nic.device[staticKey] {
            device["connect"] = "\(port.protocolName):\(IPAddress.bracketed(address)):\(port.targetPorts)"
            return (device, nil)
        }
        let token = Token(name: "\(instance).\(nic.name).\(family)", device: nic.name, family: family)
        let address = family == "ipv6" ? "[{{\(token.name)}}]" : "{{\(token.name)}}"
        device["connect"] = "\(port.protocolName):\(address):\(port.targetPorts)"
        return (device, token)
    }

    /// The userspace proxies on the host's loopback that accompany a NAT proxy for `port` when it
    /// listens on a wildcard address (see `LoopbackCompanion`): 127.0.0.1, and ::1 when the network
    /// has IPv6. They connect to the container's 127.0.0.1, as the service's userspace proxies do.
    static func loopbackCompanions(for port: PublishedPort, network: ResolvedNetwork) -> [(
        suffix: String, device: [String: String]
    )] {
        var addresses: [(suffix: String, listen: String)] = []
        switch port.hostIP {
        case nil:
            addresses.append((LoopbackCompanion.suffixes[0], "127.0.0.1"))
            if network.hasIPv6 { addresses.append((LoopbackCompanion.suffixes[1], "[::1]")) }
        case "0.0.0.0": addresses.append((LoopbackCompanion.suffixes[0], "127.0.0.1"))
        case "::": addresses.append((LoopbackCompanion.suffixes[1], "[::1]"))
        default: break
        }
        return addresses.map { address in
            (
                address.suffix,
                [
                    "type": "proxy", "bind": "host",
                    "listen": "\(port.protocolName):\(address.listen):\(port.published ?? "")",
                    "connect": "\(port.protocolName):127.0.0.1:\(port.targetPorts)",
                ]
            )
        }
    }

    /// 127.0.0.0/8 and ::1: DNAT in the host's prerouting and output chains never applies to them.
    static func isLoopback(_ address: String) -> Bool {
        if let value = IPAddress.parseIPv4(address) { return value >> 24 == 127 }
        return address == "::1" || address == "0:0:0:0:0:0:0:1"
    }
}
