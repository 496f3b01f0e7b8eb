/// An input the compiler refuses. The compile stops and nothing is written.
public struct CompileError: Error, CustomStringConvertible, Sendable {
    /// Where the offending value starts; `nil` only for problems with no file (a missing compose file).
    public var location: SourceLocation?
    /// The compose path of the offending value, such as `services.web.ports[1]`.
    public var path: String?
    /// What is wrong and, where it helps, what to write instead.
    public var message: String

    public init(_ message: String, at location: SourceLocation?, path: String? = nil) {
        self.message = message
        self.location = location
        self.path = path
    }

    /// `file:line:column: error: message (at path)`.
    public var description: String {
        var text = ""
        if let location { text += "\(location): " }
        text += "error: " + message
        if let path, !path.isEmpty { text += " (at \(path))" }
        return text
    }
}

/// Something the compiler accepted but could not express exactly in Incus.
///
/// Warnings go to standard error and into the plan's `warnings`, so a reviewer sees them too.
public struct CompileWarning: Hashable, Sendable, CustomStringConvertible {
    /// A stable identifier such as `nat-fallback` or `unsupported-key`.
    public var code: String
    /// What was done instead, in words a user can act on.
    public var message: String
    /// Where the value that caused it starts.
    public var location: SourceLocation?

    public init(code: String, message: String, at location: SourceLocation?) {
        self.code = code
        self.message = message
        self.location = location
    }

    public var description: String {
        var text = ""
        write(to: &text)
        return text
    }

    /// `description`, appended piece by piece to `text` rather than made of several strings.
    func write(to text: inout String) {
        if let location {
            location.write(to: &text)
            text += ": "
        }
        text += "warning: "
        text += message
        text += " ["
        text += code
        text += "]"
    }

    /// Each warning's `description` on a line of its own, in order, as one text to write at once.
    /// A large project has one warning or more per service: they are formatted on several cores.
    public static func lines(_ warnings: [CompileWarning]) -> String {
        ParallelWork.mapChunks(warnings) { chunk in
            var text = ""
            text.reserveCapacity(chunk.count * 160)
            for warning in chunk {
                warning.write(to: &text)
                text += "\n"
            }
            return text
        }.joined()
    }
}
