/// One entry of a service's `volumes`.
public struct Mount: Sendable {
    public enum Kind: Sendable, Equatable {
        case volume
        case bind
        case tmpfs
        /// A type Incus has no equivalent for (`npipe`, `cluster`, `image`).
        case other(String)
    }

    public var kind: Kind
    public var target: String
    /// The volume's key or the host path; `nil` or empty for an anonymous volume.
    public var source: Located<String>?
    public var readOnly: Bool
    /// A bind mount whose missing source apply creates as a directory, as docker does: every short
    /// syntax bind, and a long one unless `bind.create_host_path` is false.
    public var createHostPath: Bool
    /// `volume.subpath`: the part of the volume docker mounts.
    public var volumeSubpath: Located<String>?
    /// `tmpfs.size` in bytes.
    public var tmpfsSize: Int64?
    public var location: SourceLocation
    /// Its position in the service's `volumes`, for the path an error names.
    public var index: Int
}

/// One `tmpfs` mount of a service: an entry of `tmpfs` or `shm_size`.
public struct TmpfsMount: Sendable {
    public var target: String
    /// Bytes.
    public var size: Int64?
}
