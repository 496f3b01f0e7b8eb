/// One entry of a service's `secrets` or `configs`.
public struct FileReference: Sendable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case secrets
        case configs

        /// `secret` or `config`.
        public var singular: String { String(rawValue.dropLast()) }
    }

    public var kind: Kind
    /// The top-level definition it names.
    public var source: String
    public var target: String?
    public var uid: String
    public var gid: String
    /// Four octal digits.
    public var mode: String
    public var location: SourceLocation
    /// `services.NAME.secrets[N]`, for errors.
    public var path: String
}
