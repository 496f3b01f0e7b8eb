/// A position in a compose document as a list of keys, used to pick the rule that applies there.
///
/// Sequence items are the component `[]`. A pattern component `*` matches any one component, so
/// `services.*.ports` names the ports of every service.
struct TreePath: Hashable, CustomStringConvertible {
    var components: [String]

    init(_ components: [String] = []) {
        self.components = components
    }

    /// A pattern written with dots: `"services.*.volumes.*"`.
    init(pattern: String) {
        components = pattern.split(separator: ".").map(String.init)
    }

    func next(_ key: String) -> TreePath { TreePath(components + [key]) }

    /// The path of a sequence item.
    var item: TreePath { next("[]") }

    /// Whether this path matches `pattern`. Patterns are built once (`static let`), never per node:
    /// this runs for every node of every file, many patterns each.
    func matches(_ pattern: TreePath) -> Bool {
        let count = components.count
        guard pattern.components.count == count else { return false }
        for index in 0..<count {
            let part = pattern.components[index]
            if part != "*" && part != components[index] { return false }
        }
        return true
    }

    /// Whether `pattern` can match this path or a path below it: a walk that only acts where some
    /// pattern matches leaves a subtree no pattern can reach as it is, without visiting it.
    func canReach(_ pattern: TreePath) -> Bool {
        let count = components.count
        guard count <= pattern.components.count else { return false }
        for index in 0..<count {
            let part = pattern.components[index]
            if part != "*" && part != components[index] { return false }
        }
        return true
    }

    var description: String { components.joined(separator: ".") }
}

/// Builds the user-facing path of an error, such as `services.web.ports[1]`.
struct DisplayPath {
    var text: String

    init(_ text: String = "") {
        self.text = text
    }

    func key(_ key: String) -> DisplayPath { DisplayPath(text.isEmpty ? key : text + "." + key) }
    func index(_ index: Int) -> DisplayPath { DisplayPath("\(text)[\(index)]") }
}

/// Patterns as a tree of their components, each ending in a tag: a walk follows one node per key
/// instead of building a `TreePath` for every node and testing every pattern against it.
///
/// A node has either exact children or a `*` child, never both (checked when the tree is built),
/// so a path reaches at most one node and matches at most one pattern, as with `TreePath.matches`.
/// A path reaches a node exactly when `TreePath.canReach` holds for one of the patterns.
final class PatternTree<Tag> {
    private var exact: [String: PatternTree] = [:]
    private var any: PatternTree?
    /// The tag of the pattern that ends here.
    private(set) var tag: Tag?

    private init() {}

    init(_ patterns: [(TreePath, Tag)]) {
        for (pattern, tag) in patterns {
            var node = self
            for component in pattern.components {
                let child: PatternTree
                if component == "*" {
                    child = node.any ?? PatternTree()
                    node.any = child
                } else {
                    child = node.exact[component] ?? PatternTree()
                    node.exact[component] = child
                }
                precondition(node.any == nil || node.exact.isEmpty, "patterns overlap at \(pattern)")
                node = child
            }
            precondition(node.tag == nil, "pattern \(pattern) is listed twice")
            node.tag = tag
        }
    }

    /// The node for a mapping key below this one.
    func child(_ key: String) -> PatternTree? { any ?? exact[key] }

    /// The node for a sequence item below this one (the component `[]`).
    var item: PatternTree? { any ?? exact["[]"] }

    /// Changes in place every child of `content` this tree reaches with `update` (the others are
    /// left as they are): the descent step of the walks that rewrite the model along their
    /// patterns. The children are taken out of `content` first, so a tree held once is not copied.
    func updateChildren(_ content: inout YAMLNode.Content, _ update: (inout YAMLNode, PatternTree) -> Void) {
        switch content {
        case .scalar:
            return
        case .mapping(var pairs):
            content = .sequence([])
            // The services of a large project are rewritten on several cores.
            ParallelWork.forEach(&pairs) { pair in
                if let next = child(pair.key) { update(&pair.value, next) }
            }
            content = .mapping(pairs)
        case .sequence(var items):
            guard let next = item else { return }
            content = .sequence([])
            for index in items.indices { update(&items[index], next) }
            content = .sequence(items)
        }
    }

}
