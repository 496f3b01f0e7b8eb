import Plan

/// Service `ports:` → Incus proxy devices. A published range with one target maps every host port
/// of the range onto that container port, which Incus supports directly.
enum PortDevices {
    /// The userspace proxy device for a port: listens on the host, connects to the container's loopback.
    static func userspaceDevice(_ port: PublishedPort) -> [String: String] {
        let loopback = port.isIPv6 ? "[::1]" : "127.0.0.1"
        return [
            "type": "proxy",
            "listen": port.listenAddress,
            "connect": "\(port.protocolName):\(loopback):\(port.targetPorts)",
            "bind": "host",
        ]
    }

    /// The device name: `port-tcp-8080`, with the host address when one is given.
    static func deviceName(_ port: PublishedPort) -> String {
        var name = "port-\(port.protocolName)"
        if let hostIP = port.hostIP { name += "-" + hostIP.replacingColons() }
        return name + "-" + (port.published ?? port.targetPorts)
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
