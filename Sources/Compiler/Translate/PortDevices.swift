/// One published port of a service, as normalization left it.
struct PublishedPort {
    let target: Int64
    /// `"8080"` or `"8000-8010"`; `nil` when the port is not published on the host.
    let published: String?
    let hostIP: String?
    let protocolName: String
    let location: SourceLocation
    let path: String

    /// `tcp:0.0.0.0:8080` or `tcp:[::1]:8080`.
    var listenAddress: String {
        "\(protocolName):\(IPAddress.bracketed(hostIP ?? "0.0.0.0")):\(published ?? "")"
    }

    /// True when the host side is a range (`8000-8010`) mapped onto one container port.
    var isHostRange: Bool { published?.contains("-") ?? false }

    /// The port as replica `index` (0-based) publishes it: a host range gives each replica one port
    /// of its own, in order; a single host port is published by the first replica only; an
    /// unpublished port is the same for all. `nil` when this replica publishes nothing.
    func forReplica(_ index: Int) -> PublishedPort? {
        guard let published else { return self }
        guard isHostRange else { return index == 0 ? self : nil }
        let bounds = published.split(separator: "-").compactMap { Int64($0) }
        guard bounds.count == 2, bounds[0] + Int64(index) <= bounds[1] else { return nil }
        return PublishedPort(
            target: target, published: String(bounds[0] + Int64(index)), hostIP: hostIP, protocolName: protocolName,
            location: location, path: path)
    }

    /// True for an IPv6 host address.
    var isIPv6: Bool { hostIP.map(IPAddress.isIPv6) ?? false }
}

/// Service `ports:` → Incus proxy devices. A published range with one target maps every host port
/// of the range onto that container port, which Incus supports directly.
enum PortDevices {
    /// Reads the normalized `ports` of a service.
    static func read(_ service: YAMLNode, path: String) throws -> [PublishedPort] {
        guard let ports = service["ports"]?.sequence else { return [] }
        return try ports.enumerated().map { index, entry in
            let entryPath = "\(path).ports[\(index)]"
            return PublishedPort(
                target: try entry["target"]?.expectInteger(entryPath + ".target") ?? 0,
                published: entry["published"]?.scalarText.flatMap { $0.isEmpty ? nil : $0 },
                hostIP: entry["host_ip"]?.scalarText.flatMap { $0.isEmpty ? nil : $0 },
                protocolName: entry["protocol"]?.scalarText ?? "tcp", location: entry.location, path: entryPath)
        }
    }

    /// The userspace proxy device for a port: listens on the host, connects to the container's loopback.
    static func userspaceDevice(_ port: PublishedPort) -> [String: String] {
        let loopback = port.isIPv6 ? "[::1]" : "127.0.0.1"
        return [
            "type": "proxy",
            "listen": port.listenAddress,
            "connect": "\(port.protocolName):\(loopback):\(port.target)",
            "bind": "host",
        ]
    }

    /// The device name: `port-tcp-8080`, with the host address when one is given.
    static func deviceName(_ port: PublishedPort) -> String {
        var name = "port-\(port.protocolName)"
        if let hostIP = port.hostIP { name += "-" + hostIP.replacingColons() }
        return name + "-" + (port.published ?? String(port.target))
    }
}

extension IPAddress {
    /// IPv6 addresses in brackets, as Incus listen and connect addresses want them.
    static func bracketed(_ address: String) -> String {
        isIPv6(address) ? "[\(address)]" : address
    }
}

extension String {
    func replacingColons() -> String { String(map { $0 == ":" ? "-" : $0 }) }
}
