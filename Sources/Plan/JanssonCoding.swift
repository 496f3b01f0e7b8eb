import CJansson
import FoundationEssentials

/// A JSON text that could not be parsed, with jansson's position.
public struct JSONParseError: Error, CustomStringConvertible, Sendable {
    /// 1-based line of the error.
    public var line: Int
    /// 1-based column of the error.
    public var column: Int
    /// jansson's explanation.
    public var reason: String

    public var description: String { "\(line):\(column): \(reason)" }
}

/// Serializes and parses JSON through jansson.
public enum JanssonCoding {
    /// Serializes `value` with sorted keys, two-space indentation and a trailing newline.
    ///
    /// Sorted keys are what make plans byte-identical across runs: Swift dictionaries
    /// iterate in a per-process random order.
    /// Written by `JSONWriter`, byte for byte what jansson's `json_dumps` gives
    /// (`encodeWithJansson`).
    public static func encode(_ value: JSONValue, compact: Bool = false) -> String {
        if let text = try? JSONWriter.encode(value, compact: compact) { return text }
        return encodeWithJansson(value, compact: compact)
    }

    /// `encode` through jansson objects and `json_dumps`: the reference `JSONWriter` matches, and
    /// what it falls back to for keys holding a NUL byte.
    public static func encodeWithJansson(_ value: JSONValue, compact: Bool = false) -> String {
        guard let json = makeJansson(value) else { return "null\n" }
        defer { cjansson_decref(json) }
        var flags = Int(JSON_SORT_KEYS | JSON_ENCODE_ANY) | cjansson_real_precision(17)
        flags |= compact ? Int(JSON_COMPACT) : cjansson_indent(2)
        guard let text = json_dumps(json, flags) else { return "null\n" }
        defer { free(text) }
        return String(cString: text) + "\n"
    }

    /// Parses a JSON text. Duplicate object keys are rejected.
    public static func decode(_ text: String) throws -> JSONValue {
        var error = json_error_t()
        let parsed = text.withCString { pointer in
            json_loads(pointer, Int(JSON_REJECT_DUPLICATES | JSON_DECODE_ANY | JSON_ALLOW_NUL), &error)
        }
        guard let json = parsed else {
            let reason = withUnsafeBytes(of: error.text) { buffer in
                String(decoding: buffer.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            throw JSONParseError(line: Int(error.line), column: Int(error.column), reason: reason)
        }
        defer { cjansson_decref(json) }
        return makeValue(json)
    }

    private static func makeJansson(_ value: JSONValue) -> UnsafeMutablePointer<json_t>? {
        switch value {
        case .null: return json_null()
        case .bool(let flag): return flag ? json_true() : json_false()
        case .integer(let number): return json_integer(json_int_t(number))
        case .number(let number): return json_real(number)
        case .string(let string):
            let bytes = string.utf8CString
            return bytes.withUnsafeBufferPointer { json_stringn($0.baseAddress, $0.count - 1) }
        case .array(let elements):
            guard let array = json_array() else { return nil }
            for element in elements {
                if let item = makeJansson(element) { json_array_append_new(array, item) }
            }
            return array
        case .object(let members):
            guard let object = json_object() else { return nil }
            for key in members.keys.sorted() {
                guard let member = members[key], let item = makeJansson(member) else { continue }
                let keyBytes = key.utf8CString
                _ = keyBytes.withUnsafeBufferPointer {
                    json_object_setn_new(object, $0.baseAddress, $0.count - 1, item)
                }
            }
            return object
        }
    }

    private static func makeValue(_ json: UnsafeMutablePointer<json_t>) -> JSONValue {
        if cjansson_is_object(json) != 0 {
            var members: [String: JSONValue] = [:]
            var iterator = json_object_iter(json)
            while let current = iterator {
                let keyLength = json_object_iter_key_len(current)
                let key = json_object_iter_key(current).withMemoryRebound(to: UInt8.self, capacity: keyLength) {
                    String(decoding: UnsafeBufferPointer(start: $0, count: keyLength), as: UTF8.self)
                }
                if let child = json_object_iter_value(current) { members[key] = makeValue(child) }
                iterator = json_object_iter_next(json, current)
            }
            return .object(members)
        }
        if cjansson_is_array(json) != 0 {
            var elements: [JSONValue] = []
            let count = json_array_size(json)
            elements.reserveCapacity(count)
            for index in 0..<count {
                if let child = json_array_get(json, index) { elements.append(makeValue(child)) }
            }
            return .array(elements)
        }
        if cjansson_is_string(json) != 0 {
            let length = json_string_length(json)
            guard let bytes = json_string_value(json) else { return .string("") }
            return bytes.withMemoryRebound(to: UInt8.self, capacity: length) {
                .string(String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self))
            }
        }
        if cjansson_is_integer(json) != 0 { return .integer(Int64(json_integer_value(json))) }
        if cjansson_is_real(json) != 0 { return .number(json_real_value(json)) }
        if cjansson_is_true(json) != 0 { return .bool(true) }
        if cjansson_is_false(json) != 0 { return .bool(false) }
        return .null
    }
}
