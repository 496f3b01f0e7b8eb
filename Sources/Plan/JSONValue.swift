/// A JSON document held in memory.
///
/// Objects are dictionaries: every writer in this project sorts keys when it
/// serializes, so the in-memory order never reaches output.
public enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The string held by a `.string` value.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The dictionary held by an `.object` value.
    public var objectValue: [String: JSONValue]? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// The elements held by an `.array` value.
    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The integer held by an `.integer` value.
    public var integerValue: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    /// The boolean held by a `.bool` value.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// Member lookup on objects; `nil` for other kinds or missing keys.
    public subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }

    /// Builds an object of strings, the shape of every Incus config and device map.
    public static func stringMap(_ map: [String: String]) -> JSONValue {
        .object(map.mapValues { .string($0) })
    }

    /// Reads an object whose members are all strings; `nil` when any member is not.
    public var stringMapValue: [String: String]? {
        guard let object = objectValue else { return nil }
        var result: [String: String] = [:]
        for (key, value) in object {
            guard let string = value.stringValue else { return nil }
            result[key] = string
        }
        return result
    }
}
