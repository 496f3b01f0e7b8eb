import Foundation

/// Path arithmetic on plain strings, so results do not depend on Foundation's URL quirks.
enum FilePaths {
    /// `path` made absolute against `base`, with `.` and `..` segments removed.
    static func absolute(_ path: String, relativeTo base: String) -> String {
        let joined = path.hasPrefix("/") ? path : base + "/" + path
        var parts: [Substring] = []
        for part in joined.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// The directory part of an absolute path.
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let directory = String(path[..<slash])
        return directory.isEmpty ? "/" : directory
    }

    /// The last path component.
    static func baseName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    static func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: path)
    }

    /// Reads a whole file as bytes.
    static func read(_ path: String, requestedAt location: SourceLocation?) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CompileError("cannot read file \(path)", at: location)
        }
        return [UInt8](data)
    }
}
