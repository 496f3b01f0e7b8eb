/// Applies `VariableTemplate` to every string scalar value of a compose tree.
///
/// Keys are never interpolated, as in docker compose. A scalar whose text changes is marked as a
/// double-quoted string, so `"${PORT}"` → `8080` stays the string `"8080"`: like compose-go, the
/// later stages decide where the schema wants a number or a boolean and convert there.
public struct TreeInterpolation {
    public var template: VariableTemplate
    /// Told about each variable that was unset and had no default, with the value's position.
    public var unset: (String, SourceLocation, String) -> Void

    public init(
        template: VariableTemplate, unset: @escaping (String, SourceLocation, String) -> Void = { _, _, _ in }
    ) {
        self.template = template
        self.unset = unset
    }

    /// Interpolates a whole document; errors point at the scalar with its compose path.
    public func apply(_ node: YAMLNode, path: String = "") throws -> YAMLNode {
        switch node.content {
        case .scalar(let scalar):
            guard scalar.text.contains("$") else { return node }
            let text: String
            var template = self.template
            template.unset = { name in unset(name, node.location, path) }
            do {
                text = try template.substitute(scalar.text)
            } catch {
                throw CompileError(error.message, at: node.location, path: path)
            }
            guard text != scalar.text else { return node }
            var result = node
            result.content = .scalar(YAMLScalar(text, style: .doubleQuoted))
            return result
        case .mapping(let pairs):
            var result = node
            result.content = .mapping(
                try pairs.map { pair in
                    var pair = pair
                    pair.value = try apply(pair.value, path: path.isEmpty ? pair.key : path + "." + pair.key)
                    return pair
                })
            return result
        case .sequence(let items):
            var result = node
            result.content = .sequence(
                try items.enumerated().map { index, item in try apply(item, path: "\(path)[\(index)]") })
            return result
        }
    }
}
