/// The userspace proxies that accompany a NAT proxy listening on a wildcard address.
///
/// Incus's NAT rules never forward connections to the host's own loopback (127.0.0.0/8, ::1), where
/// docker answers through its docker-proxy; so the compiler adds, beside such a NAT device `D`, a
/// userspace device `D-loopback` (127.0.0.1) and, on a network with IPv6, `D-loopback6` (::1) for
/// the same ports. Apply leaves them out where `D` itself falls back to userspace, whose wildcard
/// listener already answers on loopback (and would hold the port they need).
public enum LoopbackCompanion {
    /// Name suffixes of companion devices, IPv4 first.
    public static let suffixes = ["-loopback", "-loopback6"]

    /// The NAT device a companion device belongs to, or `nil` when `device` is not a companion.
    public static func parent(of device: String) -> String? {
        for suffix in suffixes where device.hasSuffix(suffix) {
            return String(device.dropLast(suffix.count))
        }
        return nil
    }
}
