/// Reads `KEY=VALUE` lists and mappings alike (environment, labels, args).
enum KeyValues {
    struct Entry {
        var key: String
        var value: String?
        var location: SourceLocation
    }

    /// Entries in order; a later entry for the same key replaces the earlier one's value.
    static func entries(_ node: YAMLNode?) -> [Entry] {
        guard let node else { return [] }
        var result: [Entry] = []
        func add(_ entry: Entry) {
            if let index = result.firstIndex(where: { $0.key == entry.key }) {
                result[index] = entry
            } else {
                result.append(entry)
            }
        }
        if let pairs = node.mapping {
            for pair in pairs {
                add(
                    Entry(
                        key: pair.key, value: pair.value.isNull ? nil : pair.value.scalar?.text,
                        location: pair.value.location))
            }
        } else if let items = node.sequence {
            for item in items {
                guard let text = item.scalar?.text else { continue }
                let (key, value) = splitAtEquals(text)
                add(Entry(key: key, value: value, location: item.location))
            }
        }
        return result
    }

    /// `KEY=VALUE` split at its first `=` (a text without one is all key): what
    /// `split(separator: "=", maxSplits: 1)` gives, found on the bytes when the text is ASCII.
    static func splitAtEquals(_ text: String) -> (key: String, value: String?) {
        let bytes = text.utf8
        if bytes.allSatisfy({ $0 < 0x80 }) {
            guard let equals = bytes.firstIndex(of: UInt8(ascii: "=")) else { return (text, nil) }
            return (String(text[..<equals]), String(text[bytes.index(after: equals)...]))
        }
        let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        return (String(parts[0]), parts.count > 1 ? String(parts[1]) : nil)
    }
}
