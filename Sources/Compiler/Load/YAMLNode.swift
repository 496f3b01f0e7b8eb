/// A YAML node with the position it started at, the data type between loading and every later stage.
///
/// Aliases are already expanded and `<<` merge keys already applied, so later stages never see
/// anchors. Scalars keep their text and style; `resolved` applies YAML's core-schema rules.
public struct YAMLNode: Sendable {
    /// What the node holds.
    public enum Content: Sendable {
        case scalar(YAMLScalar)
        case mapping([YAMLPair])
        case sequence([YAMLNode])
    }

    public var content: Content
    /// Where the node starts.
    public var location: SourceLocation
    /// An explicit local or global tag (`!reset`, `!override`, `tag:yaml.org,2002:str`), else `nil`.
    public var tag: String?

    public init(_ content: Content, at location: SourceLocation, tag: String? = nil) {
        self.content = content
        self.location = location
        self.tag = tag
    }

    /// The pairs of a mapping node.
    public var mapping: [YAMLPair]? {
        if case .mapping(let pairs) = content { return pairs }
        return nil
    }

    /// The items of a sequence node.
    public var sequence: [YAMLNode]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    /// The scalar of a scalar node.
    public var scalar: YAMLScalar? {
        if case .scalar(let scalar) = content { return scalar }
        return nil
    }

    /// The value under `key` in a mapping node.
    public subscript(key: String) -> YAMLNode? {
        mapping?.first(where: { $0.key == key })?.value
    }

    /// The pair for `key` in a mapping node, to reach the key's own location.
    public func pair(_ key: String) -> YAMLPair? {
        mapping?.first(where: { $0.key == key })
    }

    /// A word for the node's kind, for error messages.
    public var kindName: String {
        switch content {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(let scalar):
            switch resolvedScalar(scalar, tag: tag) {
            case .null: return "null"
            case .bool: return "a boolean"
            case .integer: return "an integer"
            case .float: return "a number"
            case .string: return "a string"
            }
        }
    }

    /// The scalar interpreted with the YAML 1.2 core schema (plain scalars only; quoted ones are strings).
    public var resolved: ResolvedScalar? {
        guard let scalar else { return nil }
        return resolvedScalar(scalar, tag: tag)
    }

    /// True for a `null`, `~` or empty plain scalar.
    public var isNull: Bool {
        if case .null = resolved { return true }
        return false
    }
}

/// One `key: value` of a mapping. Keys are always scalars in compose files.
public struct YAMLPair: Sendable {
    public var key: String
    /// Where the key starts, which is where users look for a misspelt key.
    public var keyLocation: SourceLocation
    public var value: YAMLNode

    public init(key: String, keyLocation: SourceLocation, value: YAMLNode) {
        self.key = key
        self.keyLocation = keyLocation
        self.value = value
    }
}

/// A scalar's text and how it was written.
public struct YAMLScalar: Sendable {
    public enum Style: Sendable { case plain, singleQuoted, doubleQuoted, literal, folded }
    public var text: String
    public var style: Style

    public init(_ text: String, style: Style = .plain) {
        self.text = text
        self.style = style
    }
}

/// A scalar's value under the YAML 1.2 core schema.
public enum ResolvedScalar: Equatable, Sendable {
    case null
    case bool(Bool)
    case integer(Int64)
    case float(Double)
    case string(String)
}

/// Resolves a scalar the way compose-go's YAML library does for untyped values.
func resolvedScalar(_ scalar: YAMLScalar, tag: String?) -> ResolvedScalar {
    if let tag {
        switch tag {
        case "tag:yaml.org,2002:str": return .string(scalar.text)
        case "tag:yaml.org,2002:null": return .null
        default: break
        }
    }
    guard scalar.style == .plain else { return .string(scalar.text) }
    let text = scalar.text
    switch text {
    case "", "~", "null", "Null", "NULL": return .null
    case "true", "True", "TRUE": return .bool(true)
    case "false", "False", "FALSE": return .bool(false)
    default: break
    }
    if let integer = parseYAMLInteger(text) { return .integer(integer) }
    if let float = parseYAMLFloat(text) { return .float(float) }
    return .string(text)
}

private func parseYAMLInteger(_ text: String) -> Int64? {
    var body = Substring(text)
    var negative = false
    if body.first == "-" || body.first == "+" {
        negative = body.first == "-"
        body = body.dropFirst()
    }
    guard !body.isEmpty else { return nil }
    var radix = 10
    if body.hasPrefix("0x") {
        radix = 16
        body = body.dropFirst(2)
    } else if body.hasPrefix("0o") {
        radix = 8
        body = body.dropFirst(2)
    }
    guard !body.isEmpty, body.allSatisfy({ $0.isHexDigit }) else { return nil }
    guard let magnitude = UInt64(body, radix: radix) else { return nil }
    if negative {
        guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
        return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
    }
    guard magnitude <= UInt64(Int64.max) else { return nil }
    return Int64(magnitude)
}

private func parseYAMLFloat(_ text: String) -> Double? {
    switch text {
    case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
    case "-.inf", "-.Inf", "-.INF": return -.infinity
    case ".nan", ".NaN", ".NAN": return .nan
    default: break
    }
    // ASCII bytes first: this runs for every scalar, some of them megabytes long.
    var hasDigit = false
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): hasDigit = true
        case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "+"), UInt8(ascii: "-"): break
        default: return nil
        }
    }
    guard hasDigit else { return nil }
    return Double(text)
}
