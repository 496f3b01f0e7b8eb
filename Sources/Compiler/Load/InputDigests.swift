import Dispatch
import Plan

/// The SHA-256 digests of the compose files a compile parses, taken from the very bytes that were
/// parsed, on a queue of their own: a large project's files are hashed while the compiler works on
/// them, instead of being read and hashed again once the model is done.
///
/// One value is shared by a project's loader and the loaders it starts (include, extends); the plan
/// asks it for every input's digest, and a file it was never given (an env file) is read and
/// hashed then.
final class InputDigests: @unchecked Sendable {
    private let queue = DispatchQueue(label: "compose-compile.input-digests")
    /// Written only on `queue`.
    private var digests: [String: String] = [:]
    /// False where no plan is written (`config`): nothing is hashed then.
    private let isRecording: Bool

    init(recording: Bool = true) {
        isRecording = recording
    }

    /// Hashes `bytes`, the content of `path` as it was read, in the background. A path read twice
    /// keeps the digest of its first reading, the one the model was built from.
    func record(_ file: FileBytes, of path: String) {
        guard isRecording else { return }
        queue.async {
            if self.digests[path] == nil { self.digests[path] = file.hexDigest }
        }
    }

    /// The digest of `path`: the recorded one (once it is computed), else that of the file as it
    /// is now.
    func hexDigest(of path: String) throws -> String {
        if let recorded = queue.sync(execute: { digests[path] }) { return recorded }
        return try Self.bytes(of: path, requestedAt: nil).hexDigest
    }

    /// Reads `path` and records its digest.
    func read(_ path: String, requestedAt location: SourceLocation?) throws -> FileBytes {
        let file = try Self.bytes(of: path, requestedAt: location)
        record(file, of: path)
        return file
    }

    private static func bytes(of path: String, requestedAt location: SourceLocation?) throws -> FileBytes {
        if path == FilePaths.standardInput { return FileBytes.standardInput() }
        guard let file = FileBytes.read(path) else { throw CompileError("cannot read file \(path)", at: location) }
        return file
    }
}
