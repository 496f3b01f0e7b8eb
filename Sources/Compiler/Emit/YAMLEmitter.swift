import CYAML
import Plan

/// Writes a JSON value as YAML with libyaml's emitter: block style, two-space indentation, strings
/// quoted only where a YAML reader would take them for something else (`"8080"`, `"true"`, `""`).
///
/// `order` gives the key order of a mapping at a path (`["services", "*"]` for every service);
/// keys it does not name follow in sorted order.
public struct YAMLEmitter {
    public typealias KeyOrder = (_ path: [String]) -> [String]

    let order: KeyOrder

    public init(order: @escaping KeyOrder = { _ in [] }) {
        self.order = order
    }

    /// `docker compose config`'s key order (`ConfigYAMLOrder`).
    public static let config = YAMLEmitter(order: ConfigYAMLOrder.keys)

    /// The YAML text of `value`, ending with a newline; `nil` when libyaml refuses an event.
    public func emit(_ value: JSONValue) -> String? {
        var emitter = yaml_emitter_t()
        guard yaml_emitter_initialize(&emitter) != 0 else { return nil }
        defer { yaml_emitter_delete(&emitter) }
        let output = OutputBuffer()
        yaml_emitter_set_output(
            &emitter,
            { context, buffer, size in
                guard let context, let buffer else { return 0 }
                Unmanaged<OutputBuffer>.fromOpaque(context).takeUnretainedValue().bytes.append(
                    contentsOf: UnsafeBufferPointer(start: buffer, count: size))
                return 1
            }, Unmanaged.passUnretained(output).toOpaque())
        yaml_emitter_set_unicode(&emitter, 1)
        yaml_emitter_set_indent(&emitter, 2)
        yaml_emitter_set_width(&emitter, -1)
        var writer = EventWriter(emitter: &emitter)
        let written =
            writer.send { yaml_stream_start_event_initialize(&$0, YAML_UTF8_ENCODING) }
            && writer.send { yaml_document_start_event_initialize(&$0, nil, nil, nil, 1) }
            && write(value, path: [], to: &writer)
            && writer.send { yaml_document_end_event_initialize(&$0, 1) }
            && writer.send { yaml_stream_end_event_initialize(&$0) }
        guard written, yaml_emitter_flush(&emitter) != 0 else { return nil }
        return String(decoding: output.bytes, as: UTF8.self)
    }

    private func write(_ value: JSONValue, path: [String], to writer: inout EventWriter) -> Bool {
        switch value {
        case .object(let members):
            guard writer.send({ yaml_mapping_start_event_initialize(&$0, nil, nil, 1, YAML_BLOCK_MAPPING_STYLE) })
            else { return false }
            for key in orderedKeys(members, at: path) {
                guard let member = members[key], writer.scalar(key, style: Self.style(of: key)),
                    write(member, path: path + [key], to: &writer)
                else { return false }
            }
            return writer.send { yaml_mapping_end_event_initialize(&$0) }
        case .array(let elements):
            guard writer.send({ yaml_sequence_start_event_initialize(&$0, nil, nil, 1, YAML_BLOCK_SEQUENCE_STYLE) })
            else { return false }
            for element in elements where !write(element, path: path + ["[]"], to: &writer) { return false }
            return writer.send { yaml_sequence_end_event_initialize(&$0) }
        case .string(let text): return writer.scalar(text, style: Self.style(of: text))
        case .integer(let number): return writer.scalar(String(number), style: YAML_PLAIN_SCALAR_STYLE)
        case .number(let number):
            return writer.scalar(
                String(JanssonCoding.encode(.number(number), compact: true).filter { $0 != "\n" }),
                style: YAML_PLAIN_SCALAR_STYLE)
        case .bool(let flag): return writer.scalar(flag ? "true" : "false", style: YAML_PLAIN_SCALAR_STYLE)
        case .null: return writer.scalar("null", style: YAML_PLAIN_SCALAR_STYLE)
        }
    }

    private func orderedKeys(_ members: [String: JSONValue], at path: [String]) -> [String] {
        let preferred = order(path)
        let named = preferred.filter { members[$0] != nil }
        let rest = members.keys.filter { !preferred.contains($0) }.sorted()
        return named + rest
    }

    /// How a string is written so that it is read back as that string, as go-yaml writes it:
    /// double-quoted when plain it would be a number, a YAML 1.2 boolean or null, or empty;
    /// single-quoted when it would be a YAML 1.1 boolean (`yes`, `on`, `n`); else libyaml's choice
    /// (plain where it can, single-quoted for text starting with an indicator).
    static func style(of text: String) -> yaml_scalar_style_t {
        if text.isEmpty { return YAML_DOUBLE_QUOTED_SCALAR_STYLE }
        let lowered = text.lowercased()
        if ["true", "false", "null", "~", ".nan", ".inf", "-.inf", "+.inf"].contains(lowered) {
            return YAML_DOUBLE_QUOTED_SCALAR_STYLE
        }
        if ["yes", "no", "on", "off", "y", "n"].contains(lowered) { return YAML_SINGLE_QUOTED_SCALAR_STYLE }
        if Double(text) != nil || text.hasPrefix("0x") || text.hasPrefix("0o")
            || (text.contains(":") && text.allSatisfy { $0.isNumber || $0 == ":" })
        {
            return YAML_DOUBLE_QUOTED_SCALAR_STYLE
        }
        return YAML_ANY_SCALAR_STYLE
    }
}

/// libyaml's event calls, stopping at the first refusal.
private struct EventWriter {
    let emitter: UnsafeMutablePointer<yaml_emitter_t>

    init(emitter: UnsafeMutablePointer<yaml_emitter_t>) {
        self.emitter = emitter
    }

    mutating func send(_ initialize: (inout yaml_event_t) -> Int32) -> Bool {
        var event = yaml_event_t()
        guard initialize(&event) != 0 else { return false }
        return yaml_emitter_emit(emitter, &event) != 0
    }

    /// A scalar in `style` (libyaml falls back to a quoted style where plain cannot be written).
    mutating func scalar(_ text: String, style: yaml_scalar_style_t) -> Bool {
        var bytes = Array(text.utf8)
        let count = Int32(bytes.count)
        return bytes.withUnsafeMutableBufferPointer { buffer in
            send { yaml_scalar_event_initialize(&$0, nil, nil, buffer.baseAddress, count, 1, 1, style) }
        }
    }
}

private final class OutputBuffer {
    var bytes: [UInt8] = []
}
