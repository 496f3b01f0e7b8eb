import Plan

/// Splits a command string into words the way a POSIX shell would, without expansions:
/// docker compose turns `command: echo "a b"` into `["echo", "a b"]` the same way.
enum ShellWords {
    static func split(_ text: String, at location: SourceLocation, path: @autoclosure () -> String) throws -> [String] {
        guard let words = ShellQuoting.split(text) else {
            throw CompileError("unterminated quote in command string", at: location, path: path())
        }
        return words
    }
}
