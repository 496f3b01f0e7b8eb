/// Incus refused a request: its own message, with the action and resource that failed.
public struct IncusError: Error, CustomStringConvertible, Sendable {
    /// What apply was doing, e.g. `create instance`.
    public var action: String
    /// Which resource, e.g. `web-1 (project demo)`.
    public var resource: String
    /// Incus's own error message.
    public var message: String
    /// The HTTP or operation status code Incus gave (404 for a missing resource).
    public var statusCode: Int

    public init(action: String, resource: String, message: String, statusCode: Int) {
        self.action = action
        self.resource = resource
        self.message = message
        self.statusCode = statusCode
    }

    public var description: String { "\(action) \(resource) failed: Incus says: \(message)" }

    /// Whether the resource does not exist.
    public var isNotFound: Bool { statusCode == 404 }
}
