/// Makes the paths of a merged model absolute against the project directory, where compose does:
/// build contexts (not URLs or `service:` references), env_file and label_file paths, extends
/// files, bind-mount sources, secret and config files, and `local` volumes bound to a device.
/// A leading `~` is the home directory.
struct RelativePaths {
    var directory: String
    var home: String?

    func apply(_ node: YAMLNode, path: TreePath = TreePath()) -> YAMLNode {
        guard Pattern.all.contains(where: path.canReach) else { return node }
        var result = node
        if let rule = Self.rules.first(where: { path.matches($0.path) }) {
            return rule.isContext ? context(node) : plain(node)
        }
        if path.matches(Pattern.servicesVolumesItem), node["type"]?.scalar?.text == "bind", let source = node["source"]
        {
            result.set("source", plain(source))
            return result
        }
        if path.matches(Pattern.volumesEntry), node["driver"]?.scalar?.text == "local",
            var options = node["driver_opts"],
            options["o"]?.scalar?.text == "bind", let device = options["device"]
        {
            options.set("device", plain(device))
            result.set("driver_opts", options)
            return result
        }
        switch node.content {
        case .scalar: break
        case .mapping(let pairs):
            result.content = .mapping(
                pairs.map { pair in
                    var pair = pair
                    pair.value = apply(pair.value, path: path.next(pair.key))
                    return pair
                })
        case .sequence(let items):
            result.content = .sequence(items.map { apply($0, path: path.item) })
        }
        return result
    }

    /// Where a path is resolved: build contexts (`isContext`, URLs left alone) or plain paths.
    static let rules: [(path: TreePath, isContext: Bool)] = [
        ("services.*.build.context", true), ("services.*.build.additional_contexts.*", true),
        ("services.*.build.ssh.*", false), ("services.*.env_file.[].path", false),
        ("services.*.label_file.[]", false), ("services.*.extends.file", false),
        ("services.*.develop.watch.[].path", false), ("configs.*.file", false), ("secrets.*.file", false),
    ].map { (TreePath(pattern: $0.0), $0.1) }

    /// A path scalar resolved against the directory; other nodes unchanged.
    func plain(_ node: YAMLNode) -> YAMLNode {
        guard let text = node.scalar?.text, !node.isNull, !text.isEmpty else { return node }
        return .string(resolve(text), at: node.location)
    }

    func context(_ node: YAMLNode) -> YAMLNode {
        guard let text = node.scalar?.text else { return node }
        let remote = ["https://", "http://", "git://", "ssh://", "github.com/", "git@"]
        if text.contains("://") || text.hasPrefix("service:") || remote.contains(where: text.hasPrefix) { return node }
        return plain(node)
    }

    func resolve(_ path: String) -> String {
        var path = path
        if path.hasPrefix("~"), let home {
            path = FilePaths.absolute(
                String(path.dropFirst()).isEmpty ? "." : "./" + path.dropFirst(), relativeTo: home)
        }
        if path.hasPrefix("/") { return path }
        return FilePaths.absolute(path, relativeTo: directory)
    }
}

/// The tree paths this file tests, built once.
private enum Pattern {
    static let all = RelativePaths.rules.map(\.path) + [servicesVolumesItem, volumesEntry]
    static let servicesVolumesItem = TreePath(pattern: "services.*.volumes.[]")
    static let volumesEntry = TreePath(pattern: "volumes.*")
}
