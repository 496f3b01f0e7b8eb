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
        if let location { text += "\(location): " }
        return text + "warning: \(message) [\(code)]"
    }

    /// Each warning's `description` on a line of its own, in order, as one text to write at once.
    /// A large project has one warning or more per service: they are formatted on several cores.
    public static func lines(_ warnings: [CompileWarning]) -> String {
        ParallelWork.mapChunks(warnings) { chunk in
            // Appended piece by piece to one text: `description` makes several strings per warning.
            var text = ""
            text.reserveCapacity(chunk.count * 160)
            for warning in chunk {
                if let location = warning.location {
                    text += location.file
                    text += ":"
                    text += String(location.line)
                    text += ":"
                    text += String(location.column)
                    text += ": "
                }
                text += "warning: "
                text += warning.message
                text += " ["
                text += warning.code
                text += "]\n"
            }
            return text
        }.joined()
    }
}
