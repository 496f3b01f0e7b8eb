import Glibc

/// Writes to the process's standard output and error with `write(2)`, whole, without Foundation's
/// `FileHandle` (which FoundationEssentials does not have).
public enum StandardStreams {
    /// Writes every byte of `bytes` to standard output; false when the stream refuses them.
    @discardableResult
    public static func writeOutput(_ bytes: [UInt8]) -> Bool { write(bytes, to: STDOUT_FILENO) }

    /// Writes `pieces` to standard output one after another.
    public static func writeOutput(_ pieces: [[UInt8]]) -> Bool { write(pieces, to: STDOUT_FILENO) }

    /// Writes `pieces` one after another to an open file; false when a write fails (`errno` says why).
    public static func write(_ pieces: [[UInt8]], to descriptor: Int32) -> Bool {
        pieces.allSatisfy { write($0, to: descriptor) }
    }

    /// Writes `text` to standard error.
    @discardableResult
    public static func writeError(_ text: String) -> Bool { write(Array(text.utf8), to: STDERR_FILENO) }

    private static func write(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
        bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return true }
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, base + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += written
            }
            return true
        }
    }
}
