/// A plan value where apply substitutes placeholders.
public enum PlaceholderSite: Hashable, Sendable {
    /// `/instances/NAME/config/KEY`
    case instanceConfig(instance: String, key: String)
    /// `/instances/NAME/devices/DEVICE/KEY`
    case instanceDevice(instance: String, device: String, key: String)
    /// `/networks/NAME/config/KEY`
    case networkConfig(network: String, key: String)
}

/// Maps placeholder pointers to sites.
public enum PlaceholderSites {
    /// The site a pointer designates, or `nil` when apply does not substitute there.
    public static func site(of pointer: String) -> PlaceholderSite? {
        guard let tokens = JSONPointer.tokens(pointer) else { return nil }
        switch (tokens.count, tokens.first) {
        case (4, "instances") where tokens[2] == "config":
            return .instanceConfig(instance: tokens[1], key: tokens[3])
        case (5, "instances") where tokens[2] == "devices":
            return .instanceDevice(instance: tokens[1], device: tokens[3], key: tokens[4])
        case (4, "networks") where tokens[2] == "config":
            return .networkConfig(network: tokens[1], key: tokens[3])
        default:
            return nil
        }
    }
}
