/// Textual IPv4 and IPv6 address checks and arithmetic, without the platform's resolver.
public enum IPAddress {
    /// Whether IPv4 `address` lies in `subnet` (`10.0.0.1/24`, any address of the subnet).
    public static func ipv4(_ address: String, isIn subnet: String) -> Bool? {
        guard let value = parseIPv4(address), let network = parseIPv4Subnet(subnet) else { return nil }
        let mask: UInt32 = network.prefix == 0 ? 0 : ~UInt32(0) << UInt32(32 - network.prefix)
        return value & mask == network.network
    }

    public static func isValid(_ text: String) -> Bool { isIPv4(text) || isIPv6(text) }

    public static func isIPv4(_ text: String) -> Bool { parseIPv4(text) != nil }

    public static func parseIPv4(_ text: String) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0.isASCII && $0.isNumber }),
                let byte = UInt32(part), byte <= 255
            else { return nil }
            value = value << 8 | byte
        }
        return value
    }

    public static func formatIPv4(_ value: UInt32) -> String {
        [24, 16, 8, 0].map { String((value >> UInt32($0)) & 0xFF) }.joined(separator: ".")
    }

    public static func isIPv6(_ text: String) -> Bool {
        guard text.utf8.contains(UInt8(ascii: ":")), text.count <= 45 else { return false }
        let bytes = Array(text.utf8)
        let doubleColons = zip(bytes, bytes.dropFirst()).filter { $0 == UInt8(ascii: ":") && $1 == UInt8(ascii: ":") }
            .count
        guard doubleColons <= 1 else { return false }
        var groups = text.split(separator: ":", omittingEmptySubsequences: true)
        if let last = groups.last, last.contains(".") {
            guard isIPv4(String(last)) else { return false }
            groups.removeLast()
            groups.append("0")
            groups.append("0")
        }
        guard groups.allSatisfy({ $0.count <= 4 && $0.allSatisfy(\.isHexDigit) }) else { return false }
        return doubleColons == 1 ? groups.count < 8 : groups.count == 8
    }

    /// `a.b.c.d/n` → (network address, prefix length), for IPv4 subnets.
    public static func parseIPv4Subnet(_ text: String) -> (network: UInt32, prefix: Int)? {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let address = parseIPv4(String(parts[0])), let prefix = Int(parts[1]),
            (0...32).contains(prefix)
        else { return nil }
        let mask: UInt32 = prefix == 0 ? 0 : ~UInt32(0) << UInt32(32 - prefix)
        return (address & mask, prefix)
    }
}
