/// What the compose specification allows for one value: the compose-spec JSON schema's rules,
/// written as Swift values (ComposeSchema.swift holds the tables) and checked by `SchemaValidator`.
indirect enum SchemaRule: Sendable {
    /// A value of one of these kinds; nothing else is checked.
    case kinds(ValueKinds)
    /// A string from a fixed list (the schema's `enum`).
    case choice([String])
    /// A string that passes a check (the schema's `pattern`); `expected` says what it should look
    /// like, for the error.
    case text(expected: String, check: @Sendable (String) -> Bool)
    /// A whole number within bounds; a string is accepted too when `orString` (a value written
    /// with a variable, checked after interpolation by the stage that reads it).
    case integer(minimum: Int64?, maximum: Int64?, orString: Bool)
    /// A list whose items follow one rule; `unique` forbids equal items.
    case list(of: SchemaRule, unique: Bool)
    /// A mapping with known keys.
    case object(ObjectRule)
    /// The first alternative that accepts the value (the schema's `oneOf`, whose alternatives
    /// differ by kind).
    case alternatives([SchemaRule])
    /// Anything at all.
    case any
}

/// The kinds a YAML value can have once resolved, as JSON schema names them.
struct ValueKinds: OptionSet, Sendable {
    let rawValue: UInt8

    static let string = ValueKinds(rawValue: 1 << 0)
    static let integer = ValueKinds(rawValue: 1 << 1)
    /// Any number: integers and floats.
    static let number = ValueKinds(rawValue: 1 << 2)
    static let boolean = ValueKinds(rawValue: 1 << 3)
    static let null = ValueKinds(rawValue: 1 << 4)
    static let mapping = ValueKinds(rawValue: 1 << 5)
    static let list = ValueKinds(rawValue: 1 << 6)

    /// The kinds' names joined for an error message: "a string or a number".
    var description: String {
        var names: [String] = []
        if contains(.string) { names.append("a string") }
        if contains(.number) {
            names.append("a number")
        } else if contains(.integer) {
            names.append("an integer")
        }
        if contains(.boolean) { names.append("a boolean") }
        if contains(.mapping) { names.append("a mapping") }
        if contains(.list) { names.append("a list") }
        if contains(.null) { names.append("null") }
        guard let last = names.popLast() else { return "nothing" }
        return names.isEmpty ? last : names.joined(separator: ", ") + " or " + last
    }
}

/// The rule of a mapping: its known keys, the keys that must be there, and what other keys may be.
/// A class, so that checking a mapping shares the rule instead of copying its tables.
final class ObjectRule: Sendable {
    /// Keys the compose specification names, with the rule for each value.
    let properties: [String: SchemaRule]
    /// Keys that must be present.
    let required: [String]
    /// Whether `x-` extension keys may appear (with any value).
    let allowsExtensions: Bool
    /// Keys other than `properties`: those `otherKeys` accepts take its value rule; the rest are
    /// refused unless `closed` is false.
    let otherKeys: KeyRule?
    /// Whether keys nothing above accepts are refused (the schema's `additionalProperties: false`).
    let closed: Bool
    /// Whether null stands for an empty mapping here (`networks: {front: }`).
    let allowsNull: Bool

    init(
        _ properties: [String: SchemaRule], required: [String] = [], extensions: Bool = true,
        otherKeys: KeyRule? = nil, closed: Bool = true, allowsNull: Bool = false
    ) {
        self.properties = properties
        self.required = required
        self.allowsExtensions = extensions
        self.otherKeys = otherKeys
        self.closed = closed
        self.allowsNull = allowsNull
    }

    /// A mapping whose keys are names (of services, networks, ...) that `names` accepts, each
    /// holding a value of its rule; no extensions.
    convenience init(names: KeyRule, closed: Bool = true) {
        self.init([:], extensions: false, otherKeys: names, closed: closed)
    }
}

/// Which names a mapping accepts beyond its known keys, and what their values must be.
struct KeyRule: Sendable {
    /// What a valid name looks like, for the error.
    var expected: String
    var accepts: @Sendable (String) -> Bool
    var value: SchemaRule

    /// Names of services, networks, volumes, ...: letters, digits, `.`, `_` and `-`.
    static func resourceNames(_ value: SchemaRule) -> KeyRule {
        KeyRule(expected: "letters, digits, '.', '_' and '-' only", accepts: isResourceName, value: value)
    }

    /// Any key that is not empty.
    static func nonEmpty(_ value: SchemaRule) -> KeyRule {
        KeyRule(expected: "a key that is not empty", accepts: { !$0.isEmpty }, value: value)
    }
}

/// `^[a-zA-Z0-9._-]+$`, the compose specification's pattern for resource names.
@Sendable func isResourceName(_ name: String) -> Bool {
    !name.isEmpty
        && name.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                return true
            default: return false
            }
        }
}
