/// Sets a plan value from its JSON object, checking the kind of every field; errors name the
/// offending value's JSON pointer.
struct PlanDecoder: PlanFieldCoder {
    typealias Failure = PlanError

    let reader: PlanReader

    /// The value `reader` holds, which must be an object.
    static func decode<Value: PlanCodable>(_ reader: PlanReader) throws(PlanError) -> Value {
        guard reader.value.objectValue != nil else { throw PlanError("expected an object", at: reader.pointer) }
        var value = Value.blank
        var decoder = PlanDecoder(reader: reader)
        try value.codeFields(&decoder)
        return value
    }

    private func has(_ key: StaticString) -> Bool { reader.value.objectValue?[key.description] != nil }

    mutating func code(_ key: StaticString, _ value: inout String) throws(PlanError) {
        value = try reader.string(key.description)
    }
    mutating func code(_ key: StaticString, _ value: inout Int64) throws(PlanError) {
        value = try reader.integer(key.description)
    }
    mutating func code(_ key: StaticString, _ value: inout Bool) throws(PlanError) {
        value = try reader.bool(key.description)
    }

    mutating func code(_ key: StaticString, _ value: inout [String]) throws(PlanError) {
        value = try reader.array(key.description).map { (item) throws(PlanError) in try item.asString() }
    }

    mutating func code(_ key: StaticString, _ value: inout [String: String]) throws(PlanError) {
        value = try reader.stringMap(key.description)
    }

    mutating func code(_ key: StaticString, _ value: inout [String: [String: String]]) throws(PlanError) {
        value = [:]
        for (name, member) in try reader.members(key.description) { value[name] = try member.asStringMap() }
    }

    mutating func code<Value: PlanCodable>(_ key: StaticString, _ value: inout Value) throws(PlanError) {
        value = try Self.decode(reader.object(key.description))
    }

    mutating func code<Value: PlanCodable>(_ key: StaticString, _ value: inout [Value]) throws(PlanError) {
        value = try reader.array(key.description).map { (item) throws(PlanError) in try Self.decode(item) }
    }

    mutating func code<Value: PlanCodable>(_ key: StaticString, _ value: inout [String: Value]) throws(PlanError) {
        value = [:]
        for (name, member) in try reader.members(key.description) { value[name] = try Self.decode(member) }
    }

    mutating func code(_ key: StaticString, _ value: inout String?) throws(PlanError) {
        value = has(key) ? try reader.string(key.description) : nil
    }

    mutating func code<Value: PlanCodable>(_ key: StaticString, _ value: inout Value?) throws(PlanError) {
        value = has(key) ? try Self.decode(reader.object(key.description)) as Value : nil
    }

    mutating func codeUnlessEmpty(_ key: StaticString, _ value: inout [String]) throws(PlanError) {
        if has(key) { try code(key, &value) } else { value = [] }
    }

    mutating func codeUnlessEmpty(_ key: StaticString, _ value: inout [String: String]) throws(PlanError) {
        if has(key) { try code(key, &value) } else { value = [:] }
    }

    mutating func code(_ key: StaticString, _ flag: inout Bool, marker: String, otherwise message: String)
        throws(PlanError)
    {
        flag = false
        guard has(key) else { return }
        let member = try reader.child(key.description)
        guard try member.asString() == marker else { throw PlanError(message, at: member.pointer) }
        flag = true
    }

    func holds(_ key: StaticString, whenEncoding: Bool) -> Bool { has(key) }
}
