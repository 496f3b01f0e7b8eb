/// Rewrites short syntaxes into compose's long syntax, file by file after each merge, the way
/// compose-go's canonical transform does: ports, volumes, secrets, configs, devices, depends_on,
/// env_file, networks, build, extends, include, and `external:` mappings of top-level resources.
///
/// `environment` and `labels` stay as written until `ConfigShape` turns them into mappings, because
/// merging must still see their list items. A `lenient` transform leaves unparsable port and
/// volume strings as written, for a later stage to report.
struct CanonicalSyntax {
    var lenient = false
    /// Port bindings counted so far in this document; see `maximumPortBindings`.
    private let portBindings = Counter()

    /// Most port bindings one document may hold once short-syntax ranges are expanded. A range
    /// expands to one binding per port, and each published one becomes an Incus proxy device, so
    /// `1-65535` on a few lines would otherwise take minutes and gigabytes to compile.
    static let maximumPortBindings = 10_000

    init(lenient: Bool = false) {
        self.lenient = lenient
    }

    /// A count shared by the copies of one transform.
    private final class Counter {
        var value = 0
    }

    func apply(_ document: YAMLNode) throws -> YAMLNode {
        try transform(document, path: TreePath(), display: DisplayPath())
    }

    /// Adds `count` bindings to the document's total, which must stay within `maximumPortBindings`.
    /// Bindings already in long syntax count too, so merging many files cannot add up past it.
    private func countPortBindings(_ count: Int, at location: SourceLocation, display: DisplayPath) throws {
        portBindings.value += count
        guard portBindings.value <= Self.maximumPortBindings else {
            throw CompileError(
                "ports expand to more than \(Self.maximumPortBindings) bindings in this project (each published"
                    + " port becomes an Incus proxy device); publish fewer ports", at: location, path: display.text)
        }
    }

    func transform(_ node: YAMLNode, path: TreePath, display: DisplayPath) throws -> YAMLNode {
        guard Pattern.all.contains(where: path.canReach) else { return node }
        let location = node.location
        if let text = node.scalar.flatMap({ node.isNull ? nil : $0.text }) {
            if path.matches(Pattern.servicesBuild) { return .mapping([("context", node)], at: location) }
            if path.matches(Pattern.servicesExtends) { return .mapping([("service", node)], at: location) }
            if path.matches(Pattern.includeItem) { return .mapping([("path", node)], at: location) }
            if path.matches(Pattern.servicesSecretsItem) || path.matches(Pattern.servicesConfigsItem)
                || path.matches(Pattern.servicesBuildSecretsItem)
            {
                return .mapping([("source", node)], at: location)
            }
            if path.matches(Pattern.servicesDns) || path.matches(Pattern.servicesLabelFile) {
                return .sequence([node], at: location)
            }
            if path.matches(Pattern.servicesEnvFile) {
                return .sequence([Self.envFile(node)], at: location)
            }
            if path.matches(Pattern.servicesVolumesItem) {
                do {
                    return try ComposeVolumeSyntax.parse(text).node(at: location)
                } catch {
                    if lenient { return node }
                    throw CompileError("invalid volume '\(text)': \(error)", at: location, path: display.text)
                }
            }
            if path.matches(Pattern.servicesDevicesItem) { return Self.device(text, at: location) }
        }
        if path.matches(Pattern.servicesPorts), let items = node.sequence {
            var ports: [YAMLNode] = []
            for (index, item) in items.enumerated() {
                if item.mapping != nil {
                    try countPortBindings(1, at: item.location, display: display.index(index))
                    ports.append(item)
                    continue
                }
                guard let text = item.scalar?.text, !item.isNull else {
                    throw CompileError(
                        "a port is a string or a mapping, not \(item.kindName)", at: item.location,
                        path: display.index(index).text)
                }
                do {
                    let bindings = try ComposePortSyntax.parse(text)
                    try countPortBindings(bindings.count, at: item.location, display: display.index(index))
                    ports += bindings.map { $0.node(at: item.location) }
                } catch let failure as PortFailure {
                    if lenient {
                        ports.append(item)
                        continue
                    }
                    throw CompileError(failure.message, at: item.location, path: display.index(index).text)
                }
            }
            return .sequence(ports, at: location)
        }
        if let items = node.sequence {
            if path.matches(Pattern.servicesDependsOn) {
                return .mapping(items.map { ($0.scalar?.text ?? "", Self.dependency(at: $0.location)) }, at: location)
            }
            if path.matches(Pattern.servicesNetworks) || path.matches(Pattern.servicesModels) {
                return .mapping(items.map { ($0.scalar?.text ?? "", .null(at: $0.location)) }, at: location)
            }
            if path.matches(Pattern.servicesEnvFile) { return .sequence(items.map(Self.envFile), at: location) }
            if path.matches(Pattern.servicesBuildAdditionalContexts) || path.matches(Pattern.servicesBuildSsh) {
                return .mapping(
                    items.map { item in
                        let text = item.scalar?.text ?? ""
                        let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                        let value: YAMLNode =
                            parts.count > 1 ? .string(String(parts[1]), at: item.location) : .null(at: item.location)
                        return (String(parts[0]), value)
                    }, at: location)
            }
        }
        if path.matches(Pattern.servicesDependsOn), let pairs = node.mapping {
            return .mapping(
                pairs.map { pair in
                    var value = pair.value
                    if value.mapping != nil {
                        if value["condition"] == nil {
                            value.set("condition", .string("service_started", at: value.location))
                        }
                        if value["required"] == nil { value.set("required", .bool(true, at: value.location)) }
                    }
                    return (pair.key, value)
                }, at: location)
        }
        if Pattern.resources.contains(where: path.matches), node.mapping != nil {
            var resource = try recurse(node, path: path, display: display)
            if let external = resource["external"], external.mapping != nil {
                resource.set("external", .bool(true, at: external.location))
                if let name = external["name"], resource["name"] == nil { resource.set("name", name) }
            }
            return resource
        }
        return try recurse(node, path: path, display: display)
    }

    func recurse(_ node: YAMLNode, path: TreePath, display: DisplayPath) throws -> YAMLNode {
        var result = node
        switch node.content {
        case .scalar: return node
        case .mapping(let pairs):
            result.content = .mapping(
                try pairs.map { pair in
                    var pair = pair
                    pair.value = try transform(pair.value, path: path.next(pair.key), display: display.key(pair.key))
                    return pair
                })
        case .sequence(let items):
            result.content = .sequence(
                try items.enumerated().map { index, item in
                    try transform(item, path: path.item, display: display.index(index))
                })
        }
        return result
    }

    static func envFile(_ node: YAMLNode) -> YAMLNode {
        if node.mapping != nil {
            var entry = node
            if entry["required"] == nil { entry.set("required", .bool(true, at: node.location)) }
            return entry
        }
        return .mapping([("path", node), ("required", .bool(true, at: node.location))], at: node.location)
    }

    static func dependency(at location: SourceLocation) -> YAMLNode {
        .mapping(
            [("condition", .string("service_started", at: location)), ("required", .bool(true, at: location))],
            at: location)
    }

    static func device(_ text: String, at location: SourceLocation) -> YAMLNode {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let source = parts[0]
        let target = parts.count > 1 && !parts[1].isEmpty ? parts[1] : source
        let permissions = parts.count > 2 ? parts[2] : "rwm"
        return .mapping(
            [
                ("source", .string(source, at: location)), ("target", .string(target, at: location)),
                ("permissions", .string(permissions, at: location)),
            ], at: location)
    }
}

/// The tree paths this file tests, built once.
private enum Pattern {
    static let all =
        resources + [
            includeItem, servicesBuild, servicesBuildAdditionalContexts, servicesBuildSecretsItem, servicesBuildSsh,
            servicesConfigsItem, servicesDependsOn, servicesDevicesItem, servicesDns, servicesEnvFile, servicesExtends,
            servicesLabelFile, servicesModels, servicesNetworks, servicesPorts, servicesSecretsItem,
            servicesVolumesItem,
        ]
    static let resources = ["volumes.*", "networks.*", "secrets.*", "configs.*"].map(TreePath.init(pattern:))
    static let includeItem = TreePath(pattern: "include.[]")
    static let servicesBuild = TreePath(pattern: "services.*.build")
    static let servicesBuildAdditionalContexts = TreePath(pattern: "services.*.build.additional_contexts")
    static let servicesBuildSecretsItem = TreePath(pattern: "services.*.build.secrets.[]")
    static let servicesBuildSsh = TreePath(pattern: "services.*.build.ssh")
    static let servicesConfigsItem = TreePath(pattern: "services.*.configs.[]")
    static let servicesDependsOn = TreePath(pattern: "services.*.depends_on")
    static let servicesDevicesItem = TreePath(pattern: "services.*.devices.[]")
    static let servicesDns = TreePath(pattern: "services.*.dns")
    static let servicesEnvFile = TreePath(pattern: "services.*.env_file")
    static let servicesExtends = TreePath(pattern: "services.*.extends")
    static let servicesLabelFile = TreePath(pattern: "services.*.label_file")
    static let servicesModels = TreePath(pattern: "services.*.models")
    static let servicesNetworks = TreePath(pattern: "services.*.networks")
    static let servicesPorts = TreePath(pattern: "services.*.ports")
    static let servicesSecretsItem = TreePath(pattern: "services.*.secrets.[]")
    static let servicesVolumesItem = TreePath(pattern: "services.*.volumes.[]")
}
