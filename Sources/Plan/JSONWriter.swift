import CJansson
import FoundationEssentials
import Glibc

/// Writes JSON text byte for byte as jansson's `json_dumps` does with `JSON_SORT_KEYS |
/// JSON_ENCODE_ANY`, precision 17 and either two-space indentation or `JSON_COMPACT`, without
/// building jansson objects.
///
/// What it reproduces (jansson 2.14, `dump.c`): object keys sorted by their UTF-8 bytes (`memcmp`,
/// then the shorter key first); `"` and `\` escaped, `\b \f \n \r \t` as such, the other
/// characters below U+0020 as `\u00XX` with upper-case hex digits; `/`, U+007F and non-ASCII
/// written as they are (UTF-8); `[]` and `{}` for empty containers; `": "` between a key and its
/// value, `","` then a newline and the indentation between members (`":"` and `","` alone when
/// compact). Reals are formatted by jansson itself; a non-finite real, which jansson cannot hold,
/// is left out of its array or object (`null` at the top), as before.
public struct JSONWriter {
    /// The text written so far, UTF-8.
    public var bytes: [UInt8] = []
    @usableFromInline let compact: Bool

    /// Raised when a key holds a NUL byte: jansson's handling of those is left to jansson.
    public struct UnsupportedKey: Error {
        public init() {}
    }

    public init(compact: Bool = false, capacity: Int = 0) {
        self.compact = compact
        bytes.reserveCapacity(capacity)
    }

    /// `value` as jansson would write it, plus the trailing newline `JanssonCoding.encode` adds.
    static func encode(_ value: JSONValue, compact: Bool) throws -> String {
        var writer = JSONWriter(compact: compact, capacity: 4096)
        if !isWritable(value) {
            return "null\n"
        }
        try writer.write(value, depth: 0)
        writer.bytes.append(0x0A)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// Whether jansson can hold `value` (a non-finite real it cannot: `json_real` fails).
    static func isWritable(_ value: JSONValue) -> Bool {
        if case .number(let number) = value { return number.isFinite }
        return true
    }

    mutating func write(_ value: JSONValue, depth: Int) throws {
        switch value {
        case .null: append("null")
        case .bool(let flag): append(flag ? "true" : "false")
        case .integer(let number): writeInteger(number)
        case .number(let number): writeReal(number)
        case .string(let string): writeString(string)
        case .array(let elements):
            var first = true
            for element in elements where Self.isWritable(element) {
                if first {
                    bytes.append(UInt8(ascii: "["))
                    newline(depth + 1)
                    first = false
                } else {
                    bytes.append(UInt8(ascii: ","))
                    newline(depth + 1)
                }
                try write(element, depth: depth + 1)
            }
            if first {
                append("[]")
            } else {
                newline(depth)
                bytes.append(UInt8(ascii: "]"))
            }
        case .object(let members):
            var entries: [(key: String, value: JSONValue)] = []
            entries.reserveCapacity(members.count)
            for entry in members where Self.isWritable(entry.value) {
                entries.append(entry)
            }
            if entries.isEmpty {
                append("{}")
                return
            }
            entries.sort { Self.precedes($0.key, $1.key) }
            bytes.append(UInt8(ascii: "{"))
            newline(depth + 1)
            for (index, entry) in entries.enumerated() {
                if index > 0 {
                    bytes.append(UInt8(ascii: ","))
                    newline(depth + 1)
                }
                try writeKey(entry.key)
                try write(entry.value, depth: depth + 1)
            }
            newline(depth)
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// Opens an object whose members are written with `member`; end it with `closeObject`.
    public mutating func openObject() {
        bytes.append(UInt8(ascii: "{"))
    }

    /// The separator before a member of an object opened at `depth`, its key and `": "`. Members
    /// must come in byte order of their keys.
    public mutating func member(_ key: StaticString, first: Bool = false, depth: Int) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        newline(depth + 1)
        bytes.append(UInt8(ascii: "\""))
        append(key)
        append(compact ? "\":" : "\": ")
    }

    /// Closes an object opened at `depth` with at least one member.
    public mutating func closeObject(depth: Int) {
        newline(depth)
        bytes.append(UInt8(ascii: "}"))
    }

    /// Whether `left` sorts before `right` in byte order of their UTF-8 (jansson's `memcmp`, then
    /// the shorter first).
    public static func precedes(_ left: String, _ right: String) -> Bool {
        let fast = left.utf8.withContiguousStorageIfAvailable { leftBytes in
            right.utf8.withContiguousStorageIfAvailable { rightBytes -> Bool in
                let common = min(leftBytes.count, rightBytes.count)
                if common > 0, let leftBase = leftBytes.baseAddress, let rightBase = rightBytes.baseAddress {
                    let order = memcmp(leftBase, rightBase, common)
                    if order != 0 { return order < 0 }
                }
                return leftBytes.count < rightBytes.count
            }
        }
        if let fast, let order = fast { return order }
        return left.utf8.lexicographicallyPrecedes(right.utf8)
    }

    /// An object of `members` at `depth` in byte order of their keys, each value written by
    /// `writeValue(&writer, value, depth + 1)`.
    @inlinable
    public mutating func writeObject<Value>(
        _ members: [String: Value], depth: Int, _ writeValue: (inout JSONWriter, Value, Int) throws -> Void
    ) throws {
        if members.isEmpty {
            append("{}")
            return
        }
        // Sorting the indices moves no values, which can be large.
        var indices = Array(members.indices)
        indices.sort { Self.precedes(members[$0].key, members[$1].key) }
        bytes.append(UInt8(ascii: "{"))
        var first = true
        for index in indices {
            let entry = members[index]
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            newline(depth + 1)
            try writeKey(entry.key)
            try writeValue(&self, entry.value, depth + 1)
        }
        closeObject(depth: depth)
    }

    /// An object of strings at `depth`.
    public mutating func writeStringMap(_ map: [String: String], depth: Int) throws {
        try writeObject(map, depth: depth) { writer, value, _ in writer.writeString(value) }
    }

    /// An array at `depth`, each element written by `writeElement(&writer, element, depth + 1)`.
    @inlinable
    public mutating func writeArray<Element>(
        _ elements: [Element], depth: Int, _ writeElement: (inout JSONWriter, Element, Int) throws -> Void
    ) rethrows {
        if elements.isEmpty {
            append("[]")
            return
        }
        bytes.append(UInt8(ascii: "["))
        var first = true
        for element in elements {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            newline(depth + 1)
            try writeElement(&self, element, depth + 1)
        }
        newline(depth)
        bytes.append(UInt8(ascii: "]"))
    }

    /// A newline and the indentation of each depth up to 15, ready to append in one piece.
    private static let newlines: [[UInt8]] = (0..<16).map { [0x0A] + [UInt8](repeating: 0x20, count: $0 * 2) }

    /// A newline and `depth` levels of two spaces; nothing when compact.
    public mutating func newline(_ depth: Int) {
        if compact { return }
        if depth < Self.newlines.count {
            bytes.append(contentsOf: Self.newlines[depth])
            return
        }
        bytes.append(0x0A)
        bytes.append(contentsOf: repeatElement(UInt8(0x20), count: depth * 2))
    }

    /// ASCII text as it is.
    public mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// A key and its separator: `"key": ` (`"key":` when compact). Throws `UnsupportedKey` for a
    /// key holding a NUL byte, which the caller leaves to jansson (what was written is dropped).
    public mutating func writeKey(_ key: String) throws {
        if writeString(key) { throw UnsupportedKey() }
        append(compact ? ":" : ": ")
    }

    public mutating func writeInteger(_ number: Int64) {
        if number >= 0 && number < 10 {
            bytes.append(UInt8(ascii: "0") + UInt8(number))
        } else {
            bytes.append(contentsOf: String(number).utf8)
        }
    }

    private mutating func writeReal(_ number: Double) {
        // jansson's own formatting (dtoa or %.17g, depending on its build), for identical digits.
        guard let json = json_real(number) else { return }
        defer { cjansson_decref(json) }
        guard let text = json_dumps(json, Int(JSON_ENCODE_ANY) | cjansson_real_precision(17)) else { return }
        defer { free(text) }
        let length = strlen(text)
        text.withMemoryRebound(to: UInt8.self, capacity: length) {
            bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: length))
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// A JSON string with jansson's escaping; true when it held a NUL byte (written `\u0000`).
    @discardableResult
    public mutating func writeString(_ string: String) -> Bool {
        bytes.append(UInt8(ascii: "\""))
        let sawNUL =
            string.utf8.withContiguousStorageIfAvailable { writeEscaped($0) }
            ?? Array(string.utf8).withUnsafeBufferPointer { writeEscaped($0) }
        bytes.append(UInt8(ascii: "\""))
        return sawNUL
    }

    /// The bytes that need a backslash: `"`, `\` and those below U+0020.
    private static let needsEscape: [Bool] = (0..<256).map { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }

    /// Writes `utf8` escaped; true when it held a NUL byte.
    private mutating func writeEscaped(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        var start = 0
        var sawNUL = false
        let needsEscape = Self.needsEscape
        for index in 0..<utf8.count {
            let byte = utf8[index]
            if !needsEscape[Int(byte)] { continue }
            if byte == 0 { sawNUL = true }
            if start < index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index])) }
            start = index + 1
            bytes.append(UInt8(ascii: "\\"))
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
            case 0x08: bytes.append(UInt8(ascii: "b"))
            case 0x0C: bytes.append(UInt8(ascii: "f"))
            case 0x0A: bytes.append(UInt8(ascii: "n"))
            case 0x0D: bytes.append(UInt8(ascii: "r"))
            case 0x09: bytes.append(UInt8(ascii: "t"))
            default:
                bytes.append(contentsOf: [
                    UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                    Self.hexDigits[Int(byte >> 4)], Self.hexDigits[Int(byte & 0x0F)],
                ])
            }
        }
        if start < utf8.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...])) }
        return sawNUL
    }
}
