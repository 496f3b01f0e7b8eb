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
    /// The tag's number in `InternedStrings.yamlTags`, plus one (0: no tag). Nodes are copied at
    /// every stage and very few have a tag: a number keeps a copy to the content's one reference and
    /// the node smaller.
    private var tagNumber: UInt32

    /// An explicit local or global tag (`!reset`, `!override`, `tag:yaml.org,2002:str`), else `nil`.
    public var tag: String? {
        get { tagNumber == 0 ? nil : InternedStrings.yamlTags.string(tagNumber - 1) }
        set { tagNumber = newValue.map(Self.tagNumber) ?? 0 }
    }

    public init(_ content: Content, at location: SourceLocation, tag: String? = nil) {
        self.content = content
        self.location = location
        self.tagNumber = tag.map(Self.tagNumber) ?? 0
    }

    private static func tagNumber(_ tag: String) -> UInt32 {
        let number = InternedStrings.yamlTags.number(of: tag)
        // Unreachable in practice (4 billion tags), but a number must never overflow into a trap.
        return number == .max ? .max : number + 1
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

func parseYAMLInteger(_ text: String) -> Int64? {
    switch text.utf8.withContiguousStorageIfAvailable(scanASCIIInteger) {
    case .integer(let value)?: return value
    case .noInteger?: return nil
    case .notASCII?, nil: return parseYAMLIntegerCharacters(text)
    }
}

private enum IntegerScan {
    case integer(Int64)
    case noInteger
    case notASCII
}

/// `parseYAMLIntegerCharacters` on the bytes of ASCII text, where each byte is a character (a
/// `\r\n` pair is one, but neither a sign nor a digit); `.notASCII` for other text.
private func scanASCIIInteger(_ bytes: UnsafeBufferPointer<UInt8>) -> IntegerScan {
    var index = 0
    let count = bytes.count
    var negative = false
    if count > 0 && (bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+")) {
        negative = bytes[0] == UInt8(ascii: "-")
        index = 1
    }
    var radix: UInt64 = 10
    if count - index >= 2 && bytes[index] == UInt8(ascii: "0") {
        if bytes[index + 1] == UInt8(ascii: "x") {
            radix = 16
            index += 2
        } else if bytes[index + 1] == UInt8(ascii: "o") {
            radix = 8
            index += 2
        }
    }
    var magnitude: UInt64 = 0
    var valid = index < count
    for position in index..<count {
        let byte = bytes[position]
        let digit: UInt64
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt64(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt64(byte - UInt8(ascii: "A") + 10)
        case 0x80...: return .notASCII
        default:
            // Not a hex digit: no integer, once the rest is known to be ASCII.
            return bytes[position...].contains(where: { $0 >= 0x80 }) ? .notASCII : .noInteger
        }
        if digit >= radix { valid = false }
        if valid {
            let (product, overflow) = magnitude.multipliedReportingOverflow(by: radix)
            let (sum, carry) = product.addingReportingOverflow(digit)
            if overflow || carry { valid = false } else { magnitude = sum }
        }
    }
    guard valid else { return .noInteger }
    if negative {
        guard magnitude <= UInt64(Int64.max) + 1 else { return .noInteger }
        return .integer(magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude))
    }
    guard magnitude <= UInt64(Int64.max) else { return .noInteger }
    return .integer(Int64(magnitude))
}

/// A YAML 1.1 integer (`-12`, `0x1F`, `0o17`), character by character, for any text.
func parseYAMLIntegerCharacters(_ text: String) -> Int64? {
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
