import Plan

/// Service `ports:` in short (`"127.0.0.1:8080-8081:80-81/udp"`) or long syntax → long syntax,
/// with ranges of equal length expanded one entry per port as docker compose does.
enum PortNormalizer {
    static func normalize(_ node: YAMLNode, path: @autoclosure () -> String) throws -> YAMLNode {
        var entries: [YAMLNode] = []
        for (index, item) in try node.expectSequence(path()).enumerated() {
            if item.mapping != nil {
                entries.append(try normalizeLong(item, path: "\(path())[\(index)]"))
            } else {
                entries.append(contentsOf: try normalizeShort(item, path: "\(path())[\(index)]"))
            }
        }
        return .sequence(entries, at: node.location)
    }

    static func normalizeLong(_ item: YAMLNode, path: @autoclosure () -> String) throws -> YAMLNode {
        var entry = item
        guard let targetNode = item["target"] else {
            throw CompileError("a port mapping needs 'target'", at: item.location, path: path())
        }
        let target = try targetNode.expectInteger(path() + ".target")
        try checkPort(target, at: targetNode.location, path: path() + ".target")
        entry.set("target", .integer(target, at: targetNode.location))
        if let publishedNode = item["published"], !publishedNode.isNull {
            let published = try publishedNode.expectScalarText(path() + ".published")
            _ = try parseRange(published, at: publishedNode.location, path: path() + ".published")
            entry.set("published", .string(published, at: publishedNode.location))
        }
        let protocolName = try item["protocol"].map { try $0.expectScalarText(path() + ".protocol") } ?? "tcp"
        try checkProtocol(protocolName, at: item["protocol"]?.location ?? item.location, path: path() + ".protocol")
        entry.set("protocol", .string(protocolName.lowercased(), at: item["protocol"]?.location ?? item.location))
        if entry["mode"] == nil { entry.set("mode", .string("ingress", at: item.location)) }
        return entry
    }

    static func normalizeShort(_ item: YAMLNode, path: @autoclosure () -> String) throws -> [YAMLNode] {
        let spec = try item.expectScalarText(path())
        let location = item.location
        var rest = Substring(spec)
        var protocolName = "tcp"
        if let slash = rest.lastIndex(of: "/") {
            protocolName = String(rest[rest.index(after: slash)...])
            rest = rest[..<slash]
        }
        try checkProtocol(protocolName, at: location, path: path())
        var hostIP: String?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else {
                throw CompileError(
                    "invalid port '\(spec)': unclosed '[' around an IPv6 address", at: location, path: path())
            }
            hostIP = String(rest[rest.index(after: rest.startIndex)..<close])
            rest = rest[rest.index(after: close)...]
            guard rest.hasPrefix(":") else {
                throw CompileError(
                    "invalid port '\(spec)': expected ':' after the IPv6 address", at: location, path: path())
            }
            rest = rest.dropFirst()
        }
        let parts = rest.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        var published: String?
        let targetText: String
        switch (hostIP != nil, parts.count) {
        case (false, 1):
            targetText = parts[0]
        case (_, 2):
            published = parts[0]
            targetText = parts[1]
        case (false, 3):
            hostIP = parts[0]
            published = parts[1]
            targetText = parts[2]
        default:
            throw CompileError(
                "invalid port '\(spec)': expected [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]", at: location,
                path: path())
        }
        if let ip = hostIP, !IPAddress.isValid(ip) {
            throw CompileError("invalid port '\(spec)': '\(ip)' is not an IP address", at: location, path: path())
        }
        if published?.isEmpty == true { published = nil }
        let targets = try parseRange(targetText, at: location, path: path())
        let publishedRange = try published.map { try parseRange($0, at: location, path: path()) }
        var entries: [YAMLNode] = []
        func entry(target: Int64, published: String?) -> YAMLNode {
            var pairs: [(String, YAMLNode)] = [
                ("mode", .string("ingress", at: location)), ("target", .integer(target, at: location)),
            ]
            if let published { pairs.append(("published", .string(published, at: location))) }
            if let hostIP { pairs.append(("host_ip", .string(hostIP, at: location))) }
            pairs.append(("protocol", .string(protocolName.lowercased(), at: location)))
            return .mapping(pairs, at: location)
        }
        if let publishedRange, targets.count > 1 {
            guard publishedRange.count == targets.count else {
                throw CompileError(
                    "invalid port '\(spec)': host and container port ranges differ in length", at: location,
                    path: path())
            }
            for (offset, target) in targets.enumerated() {
                entries.append(entry(target: target, published: String(publishedRange[offset])))
            }
        } else if targets.count > 1 {
            for target in targets { entries.append(entry(target: target, published: nil)) }
        } else {
            entries.append(entry(target: targets[0], published: published))
        }
        return entries
    }

    /// `"8080"` or `"8000-8010"` → the ports it names; an error for anything else.
    static func parseRange(_ text: String, at location: SourceLocation, path: @autoclosure () -> String) throws
        -> [Int64]
    {
        let bounds = text.split(separator: "-", omittingEmptySubsequences: false)
        guard bounds.count <= 2, let low = Int64(bounds[0]), let high = bounds.count == 2 ? Int64(bounds[1]) : low
        else {
            throw CompileError(
                "invalid port '\(text)': expected a number or a range like 8000-8010", at: location, path: path())
        }
        try checkPort(low, at: location, path: path())
        try checkPort(high, at: location, path: path())
        guard low <= high else {
            throw CompileError(
                "invalid port range '\(text)': the first port is above the last", at: location, path: path())
        }
        return Array(low...high)
    }

    static func checkPort(_ port: Int64, at location: SourceLocation, path: @autoclosure () -> String) throws {
        guard (0...65535).contains(port) else {
            throw CompileError("invalid port \(port): ports are 0 to 65535", at: location, path: path())
        }
    }

    static func checkProtocol(_ name: String, at location: SourceLocation, path: @autoclosure () -> String) throws {
        guard ["tcp", "udp", "sctp"].contains(name.lowercased()) else {
            throw CompileError("invalid port protocol '\(name)': expected tcp, udp or sctp", at: location, path: path())
        }
    }
}
