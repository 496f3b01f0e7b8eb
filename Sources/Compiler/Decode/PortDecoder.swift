import Plan

/// A service's `ports`, in the long syntax loading wrote → `PublishedPort`s.
enum PortDecoder {
    /// The entries, with the consecutive ones that loading expanded from one short-syntax range
    /// joined back into one range entry. Short syntax was checked when it was expanded; long
    /// syntax is checked here, since the compose schema leaves its values open.
    static func decode(_ node: YAMLNode?, path: String) throws -> [PublishedPort] {
        guard let entries = node?.sequence else { return [] }
        var ports: [PublishedPort] = []
        for (index, entry) in entries.enumerated() {
            let port = try decodeEntry(entry, path: "\(path).ports[\(index)]")
            if let last = ports.last, let joined = last.joining(port) {
                ports[ports.count - 1] = joined
            } else {
                ports.append(port)
            }
        }
        return ports
    }

    private static func decodeEntry(_ entry: YAMLNode, path: String) throws -> PublishedPort {
        // Validation refused a mapping without a target; a target of 0 was left out when the
        // model took the shape `config` prints, and is refused the same way.
        guard let targetNode = entry["target"] else {
            throw CompileError("a port mapping needs 'target'", at: entry.location, path: path)
        }
        let target = try targetNode.expectInteger(path + ".target")
        guard ComposePortSyntax.portNumbers.contains(target) else {
            throw CompileError(PortFailure.outOfRange(target).message, at: targetNode.location, path: path + ".target")
        }
        var published: String?
        if let publishedNode = entry["published"], let text = publishedNode.scalarText, !text.isEmpty {
            do {
                _ = try ComposePortSyntax.range(text)
            } catch {
                throw CompileError(error.message, at: publishedNode.location, path: path + ".published")
            }
            published = text
        }
        let protocolNode = entry["protocol"]
        let protocolName = try protocolNode.map { try $0.expectScalarText(path + ".protocol") } ?? "tcp"
        guard ComposePortSyntax.protocols.contains(protocolName.lowercased()) else {
            throw CompileError(
                PortFailure.unknownProtocol(protocolName).message, at: protocolNode?.location ?? entry.location,
                path: path + ".protocol")
        }
        return PublishedPort(
            target: target, published: published,
            hostIP: entry["host_ip"]?.scalarText.flatMap { $0.isEmpty ? nil : $0 },
            protocolName: protocolName.lowercased(), location: entry.location)
    }
}
