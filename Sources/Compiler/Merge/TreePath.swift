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
