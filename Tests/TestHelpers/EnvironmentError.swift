/// What a test needs could not be prepared (a server, a registry, a binary): the environment is
/// broken, which fails the test rather than skipping it.
public struct EnvironmentError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }

    public init(message: String) {
        self.message = message
    }
}
