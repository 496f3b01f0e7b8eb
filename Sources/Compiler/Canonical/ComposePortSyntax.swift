import Plan

/// The short port syntax `[[HOST_IP:]PUBLISHED:]TARGET[/PROTOCOL]` expanded the way docker compose
/// expands it: ranges on both sides pair up one binding per port, a published range for a single
/// target stays one binding with that range, and bindings come sorted by `port/protocol` text.
struct ComposePortSyntax: Equatable {
    var hostIP = ""
    var published = ""
    var target: UInt32 = 0
    var proto = "tcp"

    static func parse(_ spec: String) throws -> [ComposePortSyntax] {
        let parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        var ip = ""
        var hostPort = ""
        let containerSpec = parts[parts.count - 1]
        switch parts.count {
        case 1: break
        case 2: hostPort = parts[0]
        case 3:
            ip = parts[0]
            hostPort = parts[1]
        default:
            ip = parts[..<(parts.count - 2)].joined(separator: ":")
            hostPort = parts[parts.count - 2]
        }
        var proto = "tcp"
        var containerPort = containerSpec
        let protoParts = containerSpec.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if containerSpec.isEmpty || protoParts[0].isEmpty {
            containerPort = ""
        } else if protoParts.count > 1 {
            containerPort = protoParts[0]
            if !protoParts[1].isEmpty { proto = protoParts[1] }
        }
        if ip.hasPrefix("[") && ip.hasSuffix("]") { ip = String(ip.dropFirst().dropLast()) }
        if !ip.isEmpty && !IPAddress.isValid(ip) { throw PortFailure("invalid IP address \(ip)") }
        guard !containerPort.isEmpty else { throw PortFailure("no container port specified in '\(spec)'") }
        guard let (start, end) = range(containerPort) else {
            throw PortFailure("invalid container port '\(containerPort)'")
        }
        var hostStart: UInt32 = 0
        var hostEnd: UInt32 = 0
        if !hostPort.isEmpty {
            guard let (first, last) = range(hostPort) else { throw PortFailure("invalid published port '\(hostPort)'") }
            hostStart = first
            hostEnd = last
            if end - start != hostEnd - hostStart && end != start {
                throw PortFailure("port ranges \(hostPort) and \(containerPort) have different sizes")
            }
        }
        let lowered = proto.lowercased()
        guard ["tcp", "udp", "sctp"].contains(lowered) else { throw PortFailure("invalid protocol '\(proto)'") }
        var result: [ComposePortSyntax] = []
        for offset in 0...(end - start) {
            var published = hostPort.isEmpty ? "" : String(hostStart + offset)
            if start == end && hostStart != hostEnd { published = "\(published)-\(hostEnd)" }
            result.append(ComposePortSyntax(hostIP: ip, published: published, target: start + offset, proto: lowered))
        }
        // One binding needs no sort (and no sort keys built).
        if result.count == 1 { return result }
        return result.enumerated().sorted {
            let left = "\($0.element.target)/\($0.element.proto)"
            let right = "\($1.element.target)/\($1.element.proto)"
            return left == right ? $0.offset < $1.offset : left < right
        }.map(\.element)
    }

    static func range(_ text: String) -> (UInt32, UInt32)? {
        let bounds = text.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = UInt16(bounds[0]) else { return nil }
        guard bounds.count == 2 else { return (UInt32(first), UInt32(first)) }
        guard let last = UInt16(bounds[1]), last >= first else { return nil }
        return (UInt32(first), UInt32(last))
    }

    func node(at location: SourceLocation) -> YAMLNode {
        var pairs: [(String, YAMLNode)] = [("mode", .string("ingress", at: location))]
        if !hostIP.isEmpty { pairs.append(("host_ip", .string(hostIP, at: location))) }
        pairs.append(("target", .integer(Int64(target), at: location)))
        if !published.isEmpty { pairs.append(("published", .string(published, at: location))) }
        pairs.append(("protocol", .string(proto, at: location)))
        return .mapping(pairs, at: location)
    }
}

struct PortFailure: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
