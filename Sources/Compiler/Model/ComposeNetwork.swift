/// A top-level compose network.
public struct ComposeNetwork: Sendable {
    public var key: String
    public var keyLocation: SourceLocation
    /// `name:`, or the key when none is given.
    public var name: String
    public var external: Bool
    public var isInternal: Bool
    public var enableIPv6: Bool
    public var driver: Located<String>?
    /// Where non-empty `driver_opts` are written.
    public var driverOptionsLocation: SourceLocation?
    public var subnets: [Subnet]
    public var labels: [(key: String, value: String)]
    public var incus: IncusBlock

    /// One `ipam.config` entry with a subnet.
    public struct Subnet: Sendable {
        /// The entry's path, such as `networks.front.ipam.config[0]`, for errors.
        public var path: String
        public var subnet: Located<String>
        public var gateway: Located<String>?
        public var ipRange: Located<String>?
    }
}

/// A top-level compose volume.
public struct ComposeVolume: Sendable {
    public var key: String
    public var keyLocation: SourceLocation
    /// `name:`, or the key when none is given.
    public var name: String
    public var external: Bool
    public var driver: Located<String>?
    /// Where non-empty `driver_opts` are written.
    public var driverOptionsLocation: SourceLocation?
    public var labels: [(key: String, value: String)]
    public var incus: IncusBlock
    /// `x-incus.pool`.
    public var pool: String?
    /// `x-incus.size`.
    public var size: String?
}

/// A top-level secret or config.
public struct FileDefinition: Sendable {
    public var location: SourceLocation
    public var external: Bool
    /// Where the content comes from: `file` (an absolute path), `environment` (a variable's name) or
    /// `content` (configs only); `nil` when none is given.
    public var origin: (kind: String, source: String)?
}
