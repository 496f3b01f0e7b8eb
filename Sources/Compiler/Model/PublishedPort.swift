import Plan

/// One port entry of a service: loading's long-syntax entries, with the runs it expanded from one
/// short-syntax range (`8000-8001:7000-7001`) joined again, since one Incus proxy device forwards a
/// whole range.
public struct PublishedPort: Sendable {
    let target: Int64
    /// The last container port of a range, `nil` for a single port.
    var targetEnd: Int64? = nil
    /// `"8080"` or `"8000-8010"`; `nil` when the port is not published on the host.
    var published: String?
    let hostIP: String?
    let protocolName: String
    let location: SourceLocation

    /// `tcp:0.0.0.0:8080` or `tcp:[::1]:8080`.
    var listenAddress: String {
        "\(protocolName):\(IPAddress.bracketed(hostIP ?? "0.0.0.0")):\(published ?? "")"
    }

    /// `80` or `7000-7001`: the container side as Incus connect addresses write it.
    var targetPorts: String { targetEnd.map { "\(target)-\($0)" } ?? String(target) }

    /// True when the host side is a range (`8000-8010`) mapped onto one container port.
    var isHostRange: Bool { targetEnd == nil && (published.map { ASCIIText.hasByte($0, UInt8(ascii: "-")) } ?? false) }

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
            location: location)
    }

    /// True for an IPv6 host address.
    var isIPv6: Bool { hostIP.map(IPAddress.isIPv6) ?? false }

    /// This entry extended by `next` when `next` continues it: written by the same short-syntax item
    /// (same position), same address and protocol, and the next host and container port (or the next
    /// container port of an unpublished range). `nil` otherwise.
    func joining(_ next: PublishedPort) -> PublishedPort? {
        guard next.location == location, next.hostIP == hostIP, next.protocolName == protocolName,
            next.targetEnd == nil, next.target == (targetEnd ?? target) + 1
        else { return nil }
        var joined = self
        joined.targetEnd = next.target
        switch (published, next.published) {
        case (nil, nil):
            return joined
        case (let first?, let following?):
            let bounds = first.split(separator: "-").compactMap { Int64($0) }
            guard let low = bounds.first, let high = bounds.last, !following.contains("-"),
                bounds.count == (targetEnd == nil ? 1 : 2), Int64(following) == high + 1
            else { return nil }
            joined.published = "\(low)-\(high + 1)"
            return joined
        default:
            return nil
        }
    }
}
