/// The short volume syntax `[SOURCE:]TARGET[:OPTIONS]` read the way compose-go reads it.
///
/// A source starting with `.`, `/` or `~` (or a Windows drive) is a bind mount, anything else a
/// named volume; options are `ro`, `rw`, `nocopy`, bind propagation modes and SELinux `z`/`Z`.
/// `${...}` inside the spec is never split on its colons.
struct ComposeVolumeSyntax: Equatable {
    var type = "volume"
    var source = ""
    var target = ""
    var readOnly = false
    var noCopy = false
    var propagation: String?
    var selinux: String?

    /// Why a short-syntax volume does not parse.
    enum Failure: Error, Equatable {
        case empty, emptySection, tooManyColons

        var message: String {
            switch self {
            case .empty: "the entry is empty; write [SOURCE:]TARGET[:MODE]"
            case .emptySection: "a part between colons is empty; write [SOURCE:]TARGET[:MODE]"
            case .tooManyColons: "expected [SOURCE:]TARGET[:MODE]"
            }
        }
    }

    static func parse(_ spec: String) throws(Failure) -> ComposeVolumeSyntax {
        if let volume = try parseASCII(spec) { return volume }
        var volume = ComposeVolumeSyntax()
        let chars = Array(spec)
        guard !chars.isEmpty else { throw .empty }
        if chars.count <= 2 {
            volume.target = spec
            return volume
        }
        var buffer: [Character] = []
        var depth = 0
        for (index, char) in (chars + ["\0"]).enumerated() {
            let atEnd = index == chars.count
            if !atEnd && char == "$" && index + 1 < chars.count && chars[index + 1] == "{" {
                depth += 1
                buffer.append(char)
                continue
            }
            if !atEnd && char == "}" && depth > 0 {
                depth -= 1
                buffer.append(char)
                continue
            }
            if !atEnd && char == ":" && buffer.count == 1 && buffer[0].isLetter {
                buffer.append(char)
            } else if (char == ":" || atEnd) && depth == 0 {
                try volume.take(String(buffer), last: atEnd)
                buffer = []
            } else {
                buffer.append(char)
            }
        }
        let isPath = volume.source.first.map { ".~/".contains($0) } ?? false
        volume.type = isPath ? "bind" : "volume"
        return volume
    }

    /// `parse` on the bytes of a spec of printable ASCII without `$` (one character per byte, no
    /// `${...}` to skip), or `nil` for any other spec, which the character-level code reads.
    static func parseASCII(_ spec: String) throws(Failure) -> ComposeVolumeSyntax? {
        var spec = spec
        let result = spec.withUTF8 { bytes -> Result<ComposeVolumeSyntax, Failure>? in
            for byte in bytes where byte < 0x20 || byte >= 0x7F || byte == UInt8(ascii: "$") { return nil }
            var volume = ComposeVolumeSyntax()
            guard !bytes.isEmpty else { return .failure(.empty) }
            if bytes.count <= 2 {
                volume.target = String(decoding: bytes, as: UTF8.self)
                return .success(volume)
            }
            var start = 0
            for index in 0...bytes.count {
                let atEnd = index == bytes.count
                if !atEnd && bytes[index] == UInt8(ascii: ":") && index - start == 1 && isASCIILetter(bytes[start]) {
                    continue
                }
                if atEnd || bytes[index] == UInt8(ascii: ":") {
                    let part = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                    do throws(Failure) {
                        try volume.take(part, last: atEnd)
                    } catch {
                        return .failure(error)
                    }
                    start = index + 1
                }
            }
            let first = volume.source.utf8.first
            let isPath = first == UInt8(ascii: ".") || first == UInt8(ascii: "~") || first == UInt8(ascii: "/")
            volume.type = isPath ? "bind" : "volume"
            return .success(volume)
        }
        return try result?.get()
    }

    static func isASCIILetter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }

    mutating func take(_ part: String, last: Bool) throws(Failure) {
        if part.isEmpty { throw .emptySection }
        if source.isEmpty && last {
            target = part
        } else if source.isEmpty {
            source = part
        } else if target.isEmpty {
            target = part
        } else if !last {
            throw .tooManyColons
        } else {
            for option in part.split(separator: ",") {
                switch option {
                case "ro": readOnly = true
                case "rw": readOnly = false
                case "nocopy": noCopy = true
                case "rprivate", "private", "rshared", "shared", "rslave", "slave": propagation = String(option)
                case "z", "Z": selinux = String(option)
                default: break
                }
            }
        }
    }

    /// The long syntax, as compose-go encodes it before defaults and path resolution.
    func node(at location: SourceLocation) -> YAMLNode {
        var pairs: [(String, YAMLNode)] = [("type", .string(type, at: location))]
        if !source.isEmpty { pairs.append(("source", .string(source, at: location))) }
        pairs.append(("target", .string(Self.cleanPath(target), at: location)))
        if readOnly { pairs.append(("read_only", .bool(true, at: location))) }
        if type == "bind" {
            var bind: [(String, YAMLNode)] = []
            if let propagation { bind.append(("propagation", .string(propagation, at: location))) }
            if let selinux { bind.append(("selinux", .string(selinux, at: location))) }
            bind.append(("create_host_path", .bool(true, at: location)))
            pairs.append(("bind", .mapping(bind, at: location)))
        } else {
            pairs.append(("volume", .mapping(noCopy ? [("nocopy", .bool(true, at: location))] : [], at: location)))
        }
        return .mapping(pairs, at: location)
    }

    /// Go's `path.Clean`: no `.`/`..`/empty segments, no trailing slash.
    static func cleanPath(_ path: String) -> String {
        guard !path.isEmpty else { return "" }
        if FilePaths.isCleanASCII(path) { return path }
        let rooted = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            switch part {
            case ".": continue
            case "..":
                if let last = parts.last, last != ".." {
                    parts.removeLast()
                } else if !rooted {
                    parts.append(part)
                }
            default: parts.append(part)
            }
        }
        let joined = parts.joined(separator: "/")
        if rooted { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }
}
