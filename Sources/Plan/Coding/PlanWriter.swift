/// Writes plan values straight into JSON text, byte for byte what jansson writes of their
/// `jsonValue`, without building JSON values: the fields come in the order `codeFields` lists
/// them, which is jansson's. A key holding a NUL byte throws `JSONWriter.UnsupportedKey` (what
/// was written is then of no use), and the caller leaves that plan to jansson.
public struct PlanWriter: PlanFieldCoder {
    typealias Failure = any Error

    private var writer = JSONWriter()
    /// The depth of the object being written.
    private let depth: Int
    /// True until the object's first member is written.
    private var first = true
    /// For the plan object: writes the value of a member itself (and returns true) or leaves it.
    private var writesMember: ((String, inout JSONWriter) throws -> Bool)?

    private init(depth: Int) {
        self.depth = depth
    }

    /// Writes `plan` as the top-level object. `writesMember(key, &writer)` is offered each member
    /// whose value is a list or an object of objects, after its key is written: it may write the
    /// value itself and return true (`compose-compile` writes the instances on several cores).
    public static func write(
        _ plan: Plan, to writer: inout JSONWriter, writesMember: (String, inout JSONWriter) throws -> Bool
    ) throws {
        try withoutActuallyEscaping(writesMember) { writesMember in
            var coder = PlanWriter(depth: 0)
            coder.writesMember = writesMember
            swap(&coder.writer, &writer)
            defer { swap(&coder.writer, &writer) }
            var copy = plan
            coder.writer.openObject()
            try copy.codeFields(&coder)
            coder.writer.closeObject(depth: 0)
        }
    }

    /// Writes `instance` as an object at `depth`.
    public static func write(_ instance: PlanInstance, to writer: inout JSONWriter, depth: Int) throws {
        try write(value: instance, to: &writer, depth: depth)
    }

    /// Writes `warning` as an object at `depth`.
    public static func write(_ warning: PlanWarning, to writer: inout JSONWriter, depth: Int) throws {
        try write(value: warning, to: &writer, depth: depth)
    }

    private static func write<Value: PlanCodable>(value: Value, to writer: inout JSONWriter, depth: Int) throws {
        var coder = PlanWriter(depth: depth)
        swap(&coder.writer, &writer)
        defer { swap(&coder.writer, &writer) }
        var copy = value
        coder.writer.openObject()
        try copy.codeFields(&coder)
        coder.writer.closeObject(depth: depth)
    }

    private mutating func member(_ key: StaticString) {
        writer.member(key, first: first, depth: depth)
        first = false
    }

    /// The member's key, then true when `writesMember` wrote its value.
    private mutating func memberWrittenByCaller(_ key: StaticString) throws -> Bool {
        member(key)
        guard let writesMember else { return false }
        return try writesMember(key.description, &writer)
    }

    mutating func code(_ key: StaticString, _ value: inout String) {
        member(key)
        writer.writeString(value)
    }

    mutating func code(_ key: StaticString, _ value: inout Int64) {
        member(key)
        writer.writeInteger(value)
    }

    mutating func code(_ key: StaticString, _ value: inout Bool) {
        member(key)
        writer.append(value ? "true" : "false")
    }

    mutating func code(_ key: StaticString, _ value: inout [String]) {
        member(key)
        writer.writeArray(value, depth: depth + 1) { writer, text, _ in writer.writeString(text) }
    }

    mutating func code(_ key: StaticString, _ value: inout [String: String]) throws {
        member(key)
        try writer.writeStringMap(value, depth: depth + 1)
    }

    mutating func code(_ key: StaticString, _ value: inout [String: [String: String]]) throws {
        member(key)
        try writer.writeObject(value, depth: depth + 1) { writer, map, depth in
            try writer.writeStringMap(map, depth: depth)
        }
    }

    mutating func code<Value: PlanCodable>(_ key: StaticString, _ value: inout Value) throws {
        member(key)
        try Self.write(value: value, to: &writer, depth: depth + 1)
    }

    mutating func code<Value: PlanCodable>(_ key: StaticString, _ value: inout [Value]) throws {
        guard try !memberWrittenByCaller(key) else { return }
        try writer.writeArray(value, depth: depth + 1) { writer, element, depth in
            try Self.write(value: element, to: &writer, depth: depth)
        }
    }

    mutating func code<Value: PlanCodable>(_ key: StaticString, _ value: inout [String: Value]) throws {
        guard try !memberWrittenByCaller(key) else { return }
        try writer.writeObject(value, depth: depth + 1) { writer, element, depth in
            try Self.write(value: element, to: &writer, depth: depth)
        }
    }

    mutating func code(_ key: StaticString, _ value: inout String?) {
        guard var text = value else { return }
        code(key, &text)
    }

    mutating func code<Value: PlanCodable>(_ key: StaticString, _ value: inout Value?) throws {
        guard var object = value else { return }
        try code(key, &object)
    }

    mutating func codeUnlessEmpty(_ key: StaticString, _ value: inout [String]) {
        if !value.isEmpty { code(key, &value) }
    }

    mutating func codeUnlessEmpty(_ key: StaticString, _ value: inout [String: String]) throws {
        if !value.isEmpty { try code(key, &value) }
    }

    mutating func code(_ key: StaticString, _ flag: inout Bool, marker: String, otherwise message: String) {
        guard flag else { return }
        var text = marker
        code(key, &text)
    }

    func holds(_ key: StaticString, whenEncoding: Bool) -> Bool { whenEncoding }
}
