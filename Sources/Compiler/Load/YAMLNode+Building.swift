/// Constructors for the nodes loading creates. New nodes take the position of the
/// value they were derived from, so later errors still point into the user's file.
extension YAMLNode {
    /// A string scalar (quoted, so it stays a string in JSON output).
    static func string(_ text: String, at location: SourceLocation) -> YAMLNode {
        YAMLNode(.scalar(YAMLScalar(text, style: .doubleQuoted)), at: location)
    }

    /// An integer scalar.
    static func integer(_ value: Int64, at location: SourceLocation) -> YAMLNode {
        YAMLNode(.scalar(YAMLScalar(String(value))), at: location)
    }

    /// A boolean scalar.
    static func bool(_ value: Bool, at location: SourceLocation) -> YAMLNode {
        YAMLNode(.scalar(YAMLScalar(value ? "true" : "false")), at: location)
    }

    /// A null scalar.
    static func null(at location: SourceLocation) -> YAMLNode {
        YAMLNode(.scalar(YAMLScalar("null")), at: location)
    }

    /// A mapping from pairs of key and value; keys take the value's position.
    static func mapping(_ pairs: [(String, YAMLNode)], at location: SourceLocation) -> YAMLNode {
        YAMLNode(
            .mapping(pairs.map { YAMLPair(key: $0.0, keyLocation: $0.1.location, value: $0.1) }), at: location)
    }

    /// A sequence.
    static func sequence(_ items: [YAMLNode], at location: SourceLocation) -> YAMLNode {
        YAMLNode(.sequence(items), at: location)
    }

    /// Sets or replaces `key` in a mapping node (no effect on other kinds).
    mutating func set(_ key: String, _ value: YAMLNode) {
        updatePairs { pairs in
            if let index = pairs.firstIndex(where: { $0.key == key }) {
                pairs[index].value = value
            } else {
                pairs.append(YAMLPair(key: key, keyLocation: value.location, value: value))
            }
        }
    }

    /// Removes `key` from a mapping node.
    mutating func remove(_ key: String) {
        updatePairs { pairs in pairs.removeAll { $0.key == key } }
    }

    /// Changes in place the value of the first pair with `key` of a mapping node (no effect when
    /// there is none, or on other kinds); like `updatePairs`, a tree held once is not copied.
    mutating func updateValue(forKey key: String, _ body: (inout YAMLNode) throws -> Void) rethrows {
        try updatePairs { pairs in
            guard let index = pairs.firstIndex(where: { $0.key == key }) else { return }
            try body(&pairs[index].value)
        }
    }

    /// This node with the values of `pairs` (its mapping's) that `change(index)` gives a new one
    /// for replaced, or `nil` when it gives none: what does not change is not copied.
    func changingValues(of pairs: [YAMLPair], _ change: (Int) throws -> YAMLNode?) rethrows -> YAMLNode? {
        var changed: [YAMLPair]?
        for index in pairs.indices {
            guard let value = try change(index) else { continue }
            if changed == nil { changed = pairs }
            changed?[index].value = value
        }
        guard let changed else { return nil }
        var result = self
        result.content = .mapping(changed)
        return result
    }

    /// Changes the pairs of a mapping node in place (no effect on other kinds).
    ///
    /// The array is taken out of `content` before `body` runs, so it is not shared and changing it
    /// does not copy it: setting one key of a 10,000-key mapping costs the search, not a copy.
    mutating func updatePairs(_ body: (inout [YAMLPair]) throws -> Void) rethrows {
        guard case .mapping(var pairs) = content else { return }
        content = .sequence([])
        defer { content = .mapping(pairs) }
        try body(&pairs)
    }

    /// The text of a scalar that is a string, number or boolean (not null); `nil` otherwise.
    var scalarText: String? {
        guard let scalar, !isNull else { return nil }
        return scalar.text
    }
}
