/// Reads a plan value into the JSON object `compose-compile` writes for it.
struct PlanEncoder: PlanFieldCoder {
    typealias Failure = Never

    private(set) var members: [String: JSONValue] = [:]

    /// `value` as a JSON object.
    static func encode<Value: PlanCodable>(_ value: Value) -> JSONValue {
        var copy = value
        var encoder = PlanEncoder()
        copy.codeFields(&encoder)
        return .object(encoder.members)
    }

    mutating func code(_ key: StaticString, _ value: inout String) { members[key.description] = .string(value) }
    mutating func code(_ key: StaticString, _ value: inout Int64) { members[key.description] = .integer(value) }
    mutating func code(_ key: StaticString, _ value: inout Bool) { members[key.description] = .bool(value) }
    mutating func code(_ key: StaticString, _ value: inout [String]) {
        members[key.description] = .array(value.map { .string($0) })
    }
    mutating func code(_ key: StaticString, _ value: inout [String: String]) {
        members[key.description] = .stringMap(value)
    }

    mutating func code(_ key: StaticString, _ value: inout [String: [String: String]]) {
        members[key.description] = .object(value.mapValues { .stringMap($0) })
    }

    mutating func code<Value: PlanCodable>(_ key: StaticString, _ value: inout Value) {
        members[key.description] = Self.encode(value)
    }

    mutating func code<Value: PlanCodable>(_ key: StaticString, _ value: inout [Value]) {
        members[key.description] = .array(value.map { Self.encode($0) })
    }

    mutating func code<Value: PlanCodable>(_ key: StaticString, _ value: inout [String: Value]) {
        members[key.description] = .object(value.mapValues { Self.encode($0) })
    }

    mutating func code(_ key: StaticString, _ value: inout String?) {
        if let value { members[key.description] = .string(value) }
    }

    mutating func code<Value: PlanCodable>(_ key: StaticString, _ value: inout Value?) {
        if let value { members[key.description] = Self.encode(value) }
    }

    mutating func codeUnlessEmpty(_ key: StaticString, _ value: inout [String]) {
        if !value.isEmpty { code(key, &value) }
    }

    mutating func codeUnlessEmpty(_ key: StaticString, _ value: inout [String: String]) {
        if !value.isEmpty { code(key, &value) }
    }

    mutating func code(_ key: StaticString, _ flag: inout Bool, marker: String, otherwise message: String) {
        if flag { members[key.description] = .string(marker) }
    }

    func holds(_ key: StaticString, whenEncoding: Bool) -> Bool { whenEncoding }
}
