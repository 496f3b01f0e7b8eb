/// Makes the paths of a merged model absolute against the project directory, where compose does:
/// build contexts (not URLs or `service:` references), env_file and label_file paths, extends
/// files, bind-mount sources, secret and config files, and `local` volumes bound to a device.
/// A leading `~` is the home directory.
struct RelativePaths {
    var directory: String
    var home: String?

    func apply(_ node: YAMLNode) -> YAMLNode {
        var node = node
        update(&node)
        return node
    }

    /// `apply` in place: a model held once is changed without copying what stays.
    func update(_ node: inout YAMLNode) {
        update(&node, at: Self.tree)
    }

    /// Resolves the paths of `node`, whose path reached `position` in the tree of patterns.
    func update(_ node: inout YAMLNode, at position: PatternTree<Pattern>) {
        switch position.tag {
        case .context:
            node = context(node)
            return
        case .plain:
            node = plain(node)
            return
        case .servicesVolumesItem:
            if node["type"]?.scalar?.text == "bind", let source = node["source"] {
                node.set("source", plain(source))
                return
            }
        case .volumesEntry:
            if node["driver"]?.scalar?.text == "local", var options = node["driver_opts"],
                options["o"]?.scalar?.text == "bind", let device = options["device"]
            {
                options.set("device", plain(device))
                node.set("driver_opts", options)
                return
            }
        case nil: break
        }
        position.updateChildren(&node.content) { update(&$0, at: $1) }
    }

    /// What is resolved where: build contexts (URLs left alone), plain paths, bind-mount sources,
    /// `local` volumes bound to a device.
    enum Pattern {
        case context, plain, servicesVolumesItem, volumesEntry
    }

    static let tree = PatternTree<Pattern>(
        patterns.map { (TreePath(pattern: $0.0), $0.1) })

    private static let patterns: [(String, Pattern)] =
        [
            ("services.*.build.context", .context), ("services.*.build.additional_contexts.*", .context),
            ("services.*.build.ssh.*", .plain), ("services.*.env_file.[].path", .plain),
            ("services.*.label_file.[]", .plain), ("services.*.extends.file", .plain),
            ("services.*.develop.watch.[].path", .plain), ("configs.*.file", .plain), ("secrets.*.file", .plain),
            ("services.*.volumes.[]", .servicesVolumesItem), ("volumes.*", .volumesEntry),
        ]

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
