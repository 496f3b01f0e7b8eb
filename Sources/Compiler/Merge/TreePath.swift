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

    func matches(_ pattern: TreePath) -> Bool {
        guard pattern.components.count == components.count else { return false }
        return zip(components, pattern.components).allSatisfy { $1 == "*" || $0 == $1 }
    }

    /// Same as `matches(TreePath(pattern:))` without building the pattern: this runs for every node of
    /// every file, many patterns each, so it must not allocate.
    func matches(_ pattern: String) -> Bool {
        var index = 0
        var rest = Substring(pattern)
        while !rest.isEmpty {
            let part = rest.prefix { $0 != "." }
            rest = rest.dropFirst(part.count)
            if rest.first == "." { rest = rest.dropFirst() }
            if part.isEmpty { continue }
            guard index < components.count, part == "*" || part == components[index] else { return false }
            index += 1
        }
        return index == components.count
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
