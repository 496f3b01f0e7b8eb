import FoundationEssentials
import Plan

/// Turns a shaped model into JSON values: quoted scalars are strings, plain ones follow YAML's
/// core schema (so numbers and booleans keep their type), mappings become objects. With
/// `escapingDollars`, every `$` in keys and strings is written `$$`, as docker compose writes it.
enum ConfigJSON {
    static func value(_ node: YAMLNode, escapingDollars escape: Bool) -> JSONValue {
        func text(_ string: String) -> String { escape ? string.replacingScalars(of: "$", with: "$$") : string }
        func value(_ node: YAMLNode) -> JSONValue {
            switch node.content {
            case .mapping(let pairs):
                var object: [String: JSONValue] = [:]
                for pair in pairs { object[text(pair.key)] = value(pair.value) }
                return .object(object)
            case .sequence(let items):
                return .array(items.map(value))
            case .scalar:
                switch node.resolved ?? .null {
                case .null: return .null
                case .bool(let flag): return .bool(flag)
                case .integer(let number): return .integer(number)
                case .float(let number): return .number(number)
                case .string(let string): return .string(text(string))
                }
            }
        }
        return value(node)
    }
}
