/// `environment:`, `labels:` and `sysctls:` in either form become a mapping of strings.
enum KeyValueNormalizer {
    /// A list of `KEY=value` (or bare `KEY`) or a mapping → a mapping whose values are strings.
    /// With `allowNull`, a bare `KEY` or a null value stays null (docker compose then takes the
    /// value from the environment, or leaves the variable unset).
    static func normalize(_ node: YAMLNode, path: @autoclosure () -> String, allowNull: Bool) throws -> YAMLNode {
        var pairs: [YAMLPair] = []
        var seen: [String: Int] = [:]
        // Most lists and mappings are short: a repeated key is looked for among the pairs so far
        // instead of hashing every key into `seen`.
        let isShort = (node.sequence?.count ?? node.mapping?.count ?? 0) <= 16
        func add(_ key: String, _ value: YAMLNode, at keyLocation: SourceLocation) {
            let pair = YAMLPair(key: key, keyLocation: keyLocation, value: value)
            if let index = isShort ? pairs.firstIndex(where: { $0.key == key }) : seen[key] {
                pairs[index] = pair
            } else {
                if !isShort { seen[key] = pairs.count }
                pairs.append(pair)
            }
        }
        if let items = node.sequence {
            for (index, item) in items.enumerated() {
                let entry = try item.expectScalarText("\(path())[\(index)]")
                if let equals = entry.firstIndex(of: "=") {
                    add(
                        String(entry[..<equals]),
                        .string(String(entry[entry.index(after: equals)...]), at: item.location), at: item.location)
                } else if allowNull {
                    add(entry, .null(at: item.location), at: item.location)
                } else {
                    add(entry, .string("", at: item.location), at: item.location)
                }
            }
            return YAMLNode(.mapping(pairs), at: node.location)
        }
        if node.isNull { return YAMLNode(.mapping([]), at: node.location) }
        for pair in try node.expectMapping(path()) {
            if pair.value.isNull {
                add(
                    pair.key, allowNull ? .null(at: pair.value.location) : .string("", at: pair.value.location),
                    at: pair.keyLocation)
            } else {
                guard let text = pair.value.scalarText else {
                    throw CompileError(
                        "expected a string, number or boolean, found \(pair.value.kindName)", at: pair.value.location,
                        path: "\(path()).\(pair.key)")
                }
                add(pair.key, .string(text, at: pair.value.location), at: pair.keyLocation)
            }
        }
        return YAMLNode(.mapping(pairs), at: node.location)
    }
}
