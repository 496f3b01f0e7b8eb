/// A plan that cannot be used, with the JSON pointer of the offending value.
public struct PlanError: Error, CustomStringConvertible, Sendable {
    /// RFC 6901 pointer into the plan document ("" is the whole document).
    public var pointer: String
    public var message: String

    public init(_ message: String, at pointer: String) {
        self.message = message
        self.pointer = pointer
    }

    public var description: String { "plan \(pointer.isEmpty ? "/" : pointer): \(message)" }
}

extension Plan {
    /// The plan as the JSON document `compose-compile` writes (the fields of `PlanFields.swift`).
    public var jsonValue: JSONValue { PlanEncoder.encode(self) }

    /// Reads a plan document, checking the type of every field. Semantic checks (names, placeholders)
    /// are `PlanValidator`'s.
    public init(json: JSONValue) throws {
        let root = PlanReader(json, at: "")
        // The format first: a plan of another format fails for that, not for a field it lacks.
        let format = try root.integer("format")
        guard format == Plan.currentFormat else {
            throw PlanError(
                "unknown plan format \(format); this build reads format \(Plan.currentFormat). Recompile the plan.",
                at: "/format")
        }
        self = try PlanDecoder.decode(root)
    }
}

/// Typed access to one JSON value, with errors that name its pointer.
struct PlanReader {
    let value: JSONValue
    let pointer: String

    init(_ value: JSONValue, at pointer: String) {
        self.value = value
        self.pointer = pointer
    }

    func child(_ key: String) throws(PlanError) -> PlanReader {
        let childPointer = pointer + "/" + JSONPointer.escape(key)
        guard let object = value.objectValue else { throw PlanError("expected an object", at: pointer) }
        guard let member = object[key] else { throw PlanError("missing required field", at: childPointer) }
        return PlanReader(member, at: childPointer)
    }

    func asString() throws(PlanError) -> String {
        guard let string = value.stringValue else { throw PlanError("expected a string", at: pointer) }
        return string
    }

    func asStringMap() throws(PlanError) -> [String: String] {
        guard let object = value.objectValue else { throw PlanError("expected an object of strings", at: pointer) }
        var result: [String: String] = [:]
        for key in object.keys.sorted() {
            guard let string = object[key]?.stringValue else {
                throw PlanError("expected a string", at: pointer + "/" + JSONPointer.escape(key))
            }
            result[key] = string
        }
        return result
    }

    func string(_ key: String) throws(PlanError) -> String { try child(key).asString() }

    func integer(_ key: String) throws(PlanError) -> Int64 {
        let member = try child(key)
        guard let integer = member.value.integerValue else {
            throw PlanError("expected an integer", at: member.pointer)
        }
        return integer
    }

    func bool(_ key: String) throws(PlanError) -> Bool {
        let member = try child(key)
        guard let flag = member.value.boolValue else { throw PlanError("expected true or false", at: member.pointer) }
        return flag
    }

    func object(_ key: String) throws(PlanError) -> PlanReader {
        let member = try child(key)
        guard member.value.objectValue != nil else { throw PlanError("expected an object", at: member.pointer) }
        return member
    }

    func stringMap(_ key: String) throws(PlanError) -> [String: String] { try child(key).asStringMap() }

    /// The members of an object field, sorted by key.
    func members(_ key: String) throws(PlanError) -> [(String, PlanReader)] {
        let member = try object(key)
        let object = member.value.objectValue ?? [:]
        return object.keys.sorted().map { name in
            (name, PlanReader(object[name] ?? .null, at: member.pointer + "/" + JSONPointer.escape(name)))
        }
    }

    func array(_ key: String) throws(PlanError) -> [PlanReader] {
        let member = try child(key)
        guard let elements = member.value.arrayValue else { throw PlanError("expected an array", at: member.pointer) }
        return elements.enumerated().map { PlanReader($0.element, at: member.pointer + "/\($0.offset)") }
    }
}
