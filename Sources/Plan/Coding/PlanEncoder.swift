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

    mutating func code(_ key: String, _ value: inout String) { members[key] = .string(value) }
    mutating func code(_ key: String, _ value: inout Int64) { members[key] = .integer(value) }
    mutating func code(_ key: String, _ value: inout Bool) { members[key] = .bool(value) }
    mutating func code(_ key: String, _ value: inout [String]) { members[key] = .array(value.map { .string($0) }) }
    mutating func code(_ key: String, _ value: inout [String: String]) { members[key] = .stringMap(value) }

    mutating func code(_ key: String, _ value: inout [String: [String: String]]) {
        members[key] = .object(value.mapValues { .stringMap($0) })
    }

    mutating func code<Value: PlanCodable>(_ key: String, _ value: inout Value) {
        members[key] = Self.encode(value)
    }

    mutating func code<Value: PlanCodable>(_ key: String, _ value: inout [Value]) {
        members[key] = .array(value.map { Self.encode($0) })
    }

    mutating func code<Value: PlanCodable>(_ key: String, _ value: inout [String: Value]) {
        members[key] = .object(value.mapValues { Self.encode($0) })
    }

    mutating func code(_ key: String, _ value: inout String?) {
        if let value { members[key] = .string(value) }
    }

    mutating func code<Value: PlanCodable>(_ key: String, _ value: inout Value?) {
        if let value { members[key] = Self.encode(value) }
    }

    mutating func codeUnlessEmpty(_ key: String, _ value: inout [String]) {
        if !value.isEmpty { code(key, &value) }
    }

    mutating func codeUnlessEmpty(_ key: String, _ value: inout [String: String]) {
        if !value.isEmpty { code(key, &value) }
    }

    mutating func code(_ key: String, _ flag: inout Bool, marker: String, otherwise message: String) {
        if flag { members[key] = .string(marker) }
    }

    func holds(_ key: String, whenEncoding: Bool) -> Bool { whenEncoding }
}
