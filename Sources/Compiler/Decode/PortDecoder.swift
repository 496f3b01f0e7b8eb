/// A service's normalized `ports` → `PublishedPort`s.
enum PortDecoder {
    /// The entries, with the consecutive ones that normalization expanded from one short-syntax
    /// range joined back into one range entry.
    static func decode(_ node: YAMLNode?, path: String) throws -> [PublishedPort] {
        guard let entries = node?.sequence else { return [] }
        var ports: [PublishedPort] = []
        for (index, entry) in entries.enumerated() {
            let port = PublishedPort(
                target: try entry["target"]?.expectInteger("\(path).ports[\(index)].target") ?? 0,
                published: entry["published"]?.scalarText.flatMap { $0.isEmpty ? nil : $0 },
                hostIP: entry["host_ip"]?.scalarText.flatMap { $0.isEmpty ? nil : $0 },
                protocolName: entry["protocol"]?.scalarText ?? "tcp", location: entry.location)
            if let last = ports.last, let joined = last.joining(port) {
                ports[ports.count - 1] = joined
            } else {
                ports.append(port)
            }
        }
        return ports
    }
}
