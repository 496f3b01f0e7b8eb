import Plan

/// The short port syntax `[[HOST_IP:]PUBLISHED:]TARGET[/PROTOCOL]` expanded the way docker compose
/// expands it: ranges on both sides pair up one binding per port, a published range for a single
/// target stays one binding with that range, and bindings come sorted by `port/protocol` text.
struct ComposePortSyntax: Equatable {
    var hostIP = ""
    var published = ""
    var target: UInt32 = 0
    var proto = "tcp"

    /// The port numbers a binding may name.
    static let portNumbers: ClosedRange<Int64> = 0...65535
    /// The protocols a binding may name, lowercased.
    static let protocols = ["tcp", "udp", "sctp"]

    static func parse(_ spec: String) throws(PortFailure) -> [ComposePortSyntax] {
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
        if !ip.isEmpty && !IPAddress.isValid(ip) { throw .notAnAddress(spec: spec, address: ip) }
        guard !containerPort.isEmpty else { throw .malformed(spec) }
        let (start, end) = try range(containerPort)
        var hostStart: UInt32 = 0
        var hostEnd: UInt32 = 0
        if !hostPort.isEmpty {
            (hostStart, hostEnd) = try range(hostPort)
            if end - start != hostEnd - hostStart && end != start { throw .rangeLengths(spec) }
        }
        let lowered = proto.lowercased()
        guard protocols.contains(lowered) else { throw .unknownProtocol(proto) }
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

    /// `"8080"` or `"8000-8010"` → its first and last port.
    static func range(_ text: String) throws(PortFailure) -> (UInt32, UInt32) {
        let bounds = text.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        func port(_ bound: Substring) throws(PortFailure) -> UInt32 {
            guard let number = Int64(bound) else { throw .notAPort(text) }
            guard portNumbers.contains(number) else { throw .outOfRange(number) }
            return UInt32(number)
        }
        let first = try port(bounds[0])
        guard bounds.count == 2 else { return (first, first) }
        let last = try port(bounds[1])
        guard last >= first else { throw .reversedRange(text) }
        return (first, last)
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

/// Why a short-syntax port does not parse.
enum PortFailure: Error, Equatable {
    /// Not `[[HOST_IP:]PUBLISHED:]TARGET[/PROTOCOL]`.
    case malformed(String)
    case notAnAddress(spec: String, address: String)
    /// A port that is not a number or a range.
    case notAPort(String)
    case outOfRange(Int64)
    case reversedRange(String)
    /// Host and container ranges of different lengths.
    case rangeLengths(String)
    case unknownProtocol(String)

    var message: String {
        switch self {
        case .malformed(let spec):
            "invalid port '\(spec)': expected [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]"
        case .notAnAddress(let spec, let address): "invalid port '\(spec)': '\(address)' is not an IP address"
        case .notAPort(let text): "invalid port '\(text)': expected a number or a range like 8000-8010"
        case .outOfRange(let port): "invalid port \(port): ports are 0 to 65535"
        case .reversedRange(let text): "invalid port range '\(text)': the first port is above the last"
        case .rangeLengths(let spec): "invalid port '\(spec)': host and container port ranges differ in length"
        case .unknownProtocol(let name): "invalid port protocol '\(name)': expected tcp, udp or sctp"
        }
    }
}
