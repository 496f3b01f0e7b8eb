import CYAML
import Foundation

/// A YAML value as the incus client's config.yml uses them: nested mappings of scalars.
enum SimpleYAML: Equatable {
    case scalar(String)
    case mapping([String: SimpleYAML])
    case sequence([SimpleYAML])

    subscript(key: String) -> SimpleYAML? {
        if case .mapping(let members) = self { return members[key] }
        return nil
    }

    var scalar: String? {
        if case .scalar(let text) = self { return text }
        return nil
    }

    /// Parses one YAML document through libyaml's event API; anchors and tags are not needed here.
    static func parse(_ text: String) throws -> SimpleYAML {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { throw SimpleYAMLError(reason: "cannot start libyaml") }
        defer { yaml_parser_delete(&parser) }
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress ?? UnsafePointer(bitPattern: 1), buffer.count)
            var stack: [(items: [SimpleYAML], isMapping: Bool)] = [([], false)]
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
                    throw SimpleYAMLError(reason: "\(problem) at line \(parser.problem_mark.line + 1)")
                }
                defer { yaml_event_delete(&event) }
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return stack.first?.items.first ?? .mapping([:])
                case YAML_MAPPING_START_EVENT:
                    stack.append(([], true))
                case YAML_SEQUENCE_START_EVENT:
                    stack.append(([], false))
                case YAML_MAPPING_END_EVENT, YAML_SEQUENCE_END_EVENT:
                    guard let frame = stack.popLast(), !stack.isEmpty else {
                        throw SimpleYAMLError(reason: "unbalanced YAML collections")
                    }
                    stack[stack.count - 1].items.append(
                        try frame.isMapping ? mapping(frame.items) : .sequence(frame.items))
                case YAML_SCALAR_EVENT:
                    let scalar = event.data.scalar
                    let value = scalar.value.map {
                        String(decoding: UnsafeBufferPointer(start: $0, count: scalar.length), as: UTF8.self)
                    }
                    stack[stack.count - 1].items.append(.scalar(value ?? ""))
                case YAML_ALIAS_EVENT:
                    throw SimpleYAMLError(reason: "YAML aliases are not supported in the incus client config")
                default:
                    continue
                }
            }
        }
    }

    private static func mapping(_ items: [SimpleYAML]) throws -> SimpleYAML {
        var members: [String: SimpleYAML] = [:]
        var index = 0
        while index + 1 < items.count {
            guard let key = items[index].scalar else { throw SimpleYAMLError(reason: "a mapping key is not a scalar") }
            members[key] = items[index + 1]
            index += 2
        }
        return .mapping(members)
    }
}

/// The incus client config could not be read.
struct SimpleYAMLError: Error, CustomStringConvertible {
    var reason: String
    var description: String { reason }
}
