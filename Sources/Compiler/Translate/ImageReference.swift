/// OCI image references normalized the way Docker does: `nginx` → `docker.io/library/nginx:latest`.
enum ImageReference {
    static func normalize(_ reference: String) -> String {
        normalizeASCII(reference) ?? normalizeCharacters(reference)
    }

    /// `normalize` character by character, for any reference.
    static func normalizeCharacters(_ reference: String) -> String {
        var name = reference
        var digest = ""
        if let at = name.firstIndex(of: "@") {
            digest = String(name[at...])
            name = String(name[..<at])
        }
        let components = name.split(separator: "/", omittingEmptySubsequences: false)
        let first = components.first.map(String.init) ?? ""
        let hasRegistry =
            components.count > 1 && (first.contains(".") || first.contains(":") || first == "localhost")
        if !hasRegistry {
            name = components.count == 1 ? "docker.io/library/" + name : "docker.io/" + name
        }
        let lastComponent = name.split(separator: "/").last ?? ""
        if !lastComponent.contains(":") && digest.isEmpty { name += ":latest" }
        return name + digest
    }

    /// `normalize` on the bytes of an ASCII reference (every one there is: byte and character
    /// searches then agree); `nil` for any other, which takes the general path.
    static func normalizeASCII(_ reference: String) -> String? {
        let bytes = Array(reference.utf8)
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
        let at = bytes.firstIndex(of: UInt8(ascii: "@")) ?? bytes.count
        let name = bytes[..<at]
        let firstSlash = name.firstIndex(of: UInt8(ascii: "/"))
        var prefix = ""
        if let firstSlash {
            let first = name[..<firstSlash]
            let hasRegistry =
                first.contains(UInt8(ascii: ".")) || first.contains(UInt8(ascii: ":"))
                || first.elementsEqual("localhost".utf8)
            if !hasRegistry { prefix = "docker.io/" }
        } else {
            prefix = "docker.io/library/"
        }
        // The last non-empty component of the name, with the prefix added (which ends with `/`).
        var end = name.endIndex
        while end > name.startIndex && name[end - 1] == UInt8(ascii: "/") { end -= 1 }
        let lastStart = name[..<end].lastIndex(of: UInt8(ascii: "/")).map { $0 + 1 } ?? name.startIndex
        var lastHasColon = name[lastStart..<end].contains(UInt8(ascii: ":"))
        if end == name.startIndex {
            // Nothing but slashes (or nothing): the last component comes from the prefix, if any.
            lastHasColon = false
        }
        var result = prefix + String(decoding: name, as: UTF8.self)
        if !lastHasColon && at == bytes.count { result += ":latest" }
        return result + String(decoding: bytes[at...], as: UTF8.self)
    }

    /// True when `reference` is a syntactically plausible image reference.
    static func isValid(_ reference: String) -> Bool {
        isValidASCII(reference) ?? isValidCharacters(reference)
    }

    /// `isValid` on the bytes of an ASCII reference; `nil` for any other.
    static func isValidASCII(_ reference: String) -> Bool? {
        if reference.utf8.allSatisfy({ $0 < 0x80 }) {
            // ASCII: the whitespace characters are the bytes 9 to 13 and the space.
            let bytes = reference.utf8
            return !bytes.isEmpty && !bytes.contains(where: { $0 == 0x20 || (0x09...0x0D).contains($0) })
                && bytes.first != UInt8(ascii: "/") && bytes.last != UInt8(ascii: ":")
                && bytes.last != UInt8(ascii: "/")
        }
        return nil
    }

    /// `isValid` character by character, for any reference.
    static func isValidCharacters(_ reference: String) -> Bool {
        !reference.isEmpty && !reference.contains(where: { $0.isWhitespace }) && !reference.hasPrefix("/")
            && !reference.hasSuffix(":") && !reference.hasSuffix("/")
    }
}
