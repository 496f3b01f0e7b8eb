import FoundationEssentials

/// Path arithmetic on plain strings, so results do not depend on Foundation's URL quirks.
enum FilePaths {
    /// `path` made absolute against `base`, with `.` and `..` segments removed.
    static func absolute(_ path: String, relativeTo base: String) -> String {
        let joined = path.hasPrefix("/") ? path : base + "/" + path
        if joined.utf8.first == UInt8(ascii: "/") && isCleanASCII(joined) { return joined }
        if let resolved = absoluteASCII(joined) { return resolved }
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

    /// `absolute` of an ASCII `joined` path, segment by segment on its bytes; `nil` when it is not
    /// ASCII, and the character-level split reads it.
    static func absoluteASCII(_ joined: String) -> String? {
        var joined = joined
        return joined.withUTF8 { bytes -> String? in
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
            var result: [UInt8] = []
            result.reserveCapacity(bytes.count + 1)
            // Where each kept segment's `/` is in `result`, so `..` can drop the last one.
            var starts: [Int] = []
            var index = 0
            while index < bytes.count {
                var end = index
                while end < bytes.count && bytes[end] != UInt8(ascii: "/") { end += 1 }
                let length = end - index
                if length == 0 || (length == 1 && bytes[index] == UInt8(ascii: ".")) {
                    // An empty or `.` segment.
                } else if length == 2 && bytes[index] == UInt8(ascii: ".") && bytes[index + 1] == UInt8(ascii: ".") {
                    if let start = starts.popLast() { result.removeSubrange(start...) }
                } else {
                    starts.append(result.count)
                    result.append(UInt8(ascii: "/"))
                    result.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<end]))
                }
                index = end + 1
            }
            return result.isEmpty ? "/" : String(decoding: result, as: UTF8.self)
        }
    }

    /// Whether the ASCII `path` has no empty, `.` or `..` segment and no trailing slash (a lone `/`
    /// is clean): `absolute` and `ComposeVolumeSyntax.cleanPath` return such a path as it is, without
    /// splitting it. `false` for any other path, which they split.
    static func isCleanASCII(_ path: String) -> Bool {
        let bytes = path.utf8
        guard let first = bytes.first else { return false }
        if bytes.count == 1 { return first < 0x80 && first != UInt8(ascii: ".") }
        var segmentLength = first == UInt8(ascii: "/") ? -1 : 0
        var dots = 0
        for byte in bytes {
            guard byte < 0x80 else { return false }
            if byte == UInt8(ascii: "/") {
                // An empty, `.` or `..` segment (the leading `/` of a rooted path ends none).
                if segmentLength == 0 || (segmentLength > 0 && dots == segmentLength && dots <= 2) { return false }
                segmentLength = 0
                dots = 0
            } else {
                segmentLength = max(segmentLength, 0) + 1
                if byte == UInt8(ascii: ".") { dots += 1 }
            }
        }
        // The last segment: not empty (trailing slash), not `.` or `..`.
        return segmentLength > 0 && !(dots == segmentLength && dots <= 2)
    }

    /// `-f -`: the compose file on standard input, recorded under this name.
    static let standardInput = "-"

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
}
