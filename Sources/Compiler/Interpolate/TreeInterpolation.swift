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
        var trail = Trail(root: path)
        return try rewrite(node, trail: &trail) ?? node
    }

    /// The position of the node being visited, made into a compose path only when one is needed
    /// (a scalar with a `$`), not for every node.
    struct Trail {
        enum Step {
            case key(String)
            case index(Int)
        }

        var root: String
        var steps: [Step] = []

        var text: String {
            var path = root
            for step in steps {
                switch step {
                case .key(let key): path = path.isEmpty ? key : path + "." + key
                case .index(let index): path = "\(path)[\(index)]"
                }
            }
            return path
        }
    }

    /// The node interpolated, or `nil` when nothing in it changes (the caller keeps it as it is).
    func rewrite(_ node: YAMLNode, trail: inout Trail) throws -> YAMLNode? {
        switch node.content {
        case .scalar(let scalar):
            // A byte test first: most values have no `$` at all.
            guard ASCIIText.hasByte(scalar.text, UInt8(ascii: "$")), scalar.text.contains("$") else { return nil }
            let path = trail.text
            let text: String
            var template = self.template
            template.unset = { name in unset(name, node.location, path) }
            do {
                text = try template.substitute(scalar.text)
            } catch {
                throw CompileError(error.message, at: node.location, path: path)
            }
            guard text != scalar.text else { return nil }
            var result = node
            result.content = .scalar(YAMLScalar(text, style: .doubleQuoted))
            return result
        case .mapping(let pairs):
            return try node.changingValues(of: pairs) { index in
                trail.steps.append(.key(pairs[index].key))
                defer { trail.steps.removeLast() }
                return try rewrite(pairs[index].value, trail: &trail)
            }
        case .sequence(let items):
            var changed: [YAMLNode]?
            for index in items.indices {
                trail.steps.append(.index(index))
                let item = try rewrite(items[index], trail: &trail)
                trail.steps.removeLast()
                guard let item else { continue }
                if changed == nil { changed = items }
                changed?[index] = item
            }
            guard let changed else { return nil }
            var result = node
            result.content = .sequence(changed)
            return result
        }
    }
}
