/// NAT proxy devices that Incus cannot install, and the userspace device used instead.
public enum ProxyFallback {
    /// Whether `device` is a proxy in NAT mode.
    public static func isNATProxy(_ device: [String: String]) -> Bool {
        device["type"] == "proxy" && ["true", "1", "yes", "on"].contains(device["nat"]?.lowercased() ?? "")
    }

    /// The userspace equivalent of a NAT proxy: no `nat`, connecting to the container's loopback
    /// (127.0.0.1 or ::1, the family of the original connect address) on the same port.
    public static func userspace(_ device: [String: String]) -> [String: String] {
        var result = device
        result["nat"] = nil
        if let connect = device["connect"], let parts = split(connect) {
            let loopback = parts.address.contains(":") ? "[::1]" : "127.0.0.1"
            result["connect"] = "\(parts.proto):\(loopback):\(parts.port)"
        }
        return result
    }

    private static func split(_ endpoint: String) -> (proto: String, address: String, port: String)? {
        guard let firstColon = endpoint.firstIndex(of: ":"), let lastColon = endpoint.lastIndex(of: ":"),
            firstColon < lastColon
        else { return nil }
        let proto = String(endpoint[..<firstColon])
        let address = String(endpoint[endpoint.index(after: firstColon)..<lastColon])
        let port = String(endpoint[endpoint.index(after: lastColon)...])
        return (proto, address, port)
    }
}
