/// Rewrites short syntaxes into compose's long syntax, file by file after each merge, the way
/// compose-go's canonical transform does: ports, volumes, secrets, configs, devices, depends_on,
/// env_file, networks, gpus, build, extends, include, and `external:` mappings of top-level resources.
///
/// `environment` and `labels` stay as written until `ConfigShape` turns them into mappings, because
/// merging must still see their list items.
struct CanonicalSyntax {
    /// For `config --no-interpolate`: port and volume strings that do not parse, which `${…}` may
    /// cause, stay as written instead of failing.
    var keepsUnparsed = false
    /// Port bindings counted so far in this document; see `maximumPortBindings`.
    private let portBindings = Counter()

    /// Most port bindings one document may hold once short-syntax ranges are expanded. A range
    /// expands to one binding per port, and each published one becomes an Incus proxy device, so
    /// `1-65535` on a few lines would otherwise take minutes and gigabytes to compile.
    static let maximumPortBindings = 65_536

    init(keepsUnparsed: Bool = false) {
        self.keepsUnparsed = keepsUnparsed
    }

    /// A transform for a part of the document done apart, its count starting at `count`.
    private init(keepsUnparsed: Bool, count: Int) {
        self.keepsUnparsed = keepsUnparsed
        portBindings.value = count
    }

    /// A count shared by the copies of one transform.
    private final class Counter {
        var value = 0
    }

    func apply(_ document: YAMLNode) throws -> YAMLNode {
        var trail = Trail()
        return try transform(document, at: Pattern.tree, trail: &trail)
    }

    /// The keys and indexes from the document to the node being transformed: an error's path,
    /// such as `services.web.ports[1]`, is built from it only when the error is thrown.
    struct Trail {
        enum Step {
            case key(String)
            case index(Int)
        }
        private var steps: [Step] = []

        mutating func push(_ step: Step) { steps.append(step) }
        mutating func pop() { steps.removeLast() }

        /// The path as `DisplayPath` writes it.
        var text: String {
            var display = DisplayPath()
            for step in steps {
                switch step {
                case .key(let key): display = display.key(key)
                case .index(let index): display = display.index(index)
                }
            }
            return display.text
        }

        /// The path of item `index` of the node.
        func text(index: Int) -> String { DisplayPath(text).index(index).text }
    }

    /// Adds `count` bindings to the document's total, which must stay within `maximumPortBindings`.
    /// Bindings already in long syntax count too, so merging many files cannot add up past it.
    private func countPortBindings(_ count: Int, at location: SourceLocation, trail: Trail, index: Int) throws {
        portBindings.value += count
        guard portBindings.value <= Self.maximumPortBindings else {
            throw CompileError(
                "ports expand to more than \(Self.maximumPortBindings) bindings in this project (each published"
                    + " port becomes an Incus proxy device); publish fewer ports", at: location,
                path: trail.text(index: index))
        }
    }

    /// `node`, whose path reached `position` in the tree of patterns, in long syntax.
    func transform(_ node: YAMLNode, at position: PatternTree<Pattern.Name>, trail: inout Trail) throws -> YAMLNode {
        let pattern = position.tag
        let location = node.location
        if let text = node.scalar.flatMap({ node.isNull ? nil : $0.text }),
            let long = try transformScalar(node, text: text, pattern: pattern, trail: trail)
        {
            return long
        }
        if pattern == .servicesPorts, let items = node.sequence {
            return try transformPorts(items, at: location, trail: trail)
        }
        if let items = node.sequence, let long = Self.transformList(items, pattern: pattern, at: location) {
            return long
        }
        if pattern == .servicesDependsOn, let pairs = node.mapping {
            return .mapping(pairs.map { ($0.key, Self.dependencyDefaults($0.value)) }, at: location)
        }
        if pattern == .resource, node.mapping != nil {
            var resource = try recurse(node, at: position, trail: &trail)
            if let external = resource["external"], external.mapping != nil {
                resource.set("external", .bool(true, at: external.location))
                if let name = external["name"], resource["name"] == nil { resource.set("name", name) }
            }
            return resource
        }
        return try recurse(node, at: position, trail: &trail)
    }

    /// A scalar `text` where `pattern` has a long form; `nil` where it has none.
    private func transformScalar(
        _ node: YAMLNode, text: String, pattern: Pattern.Name?, trail: Trail
    ) throws -> YAMLNode? {
        let location = node.location
        switch pattern {
        case .servicesBuild: return .mapping([("context", node)], at: location)
        case .servicesExtends: return .mapping([("service", node)], at: location)
        case .includeItem: return .mapping([("path", node)], at: location)
        case .servicesSecretsItem, .servicesConfigsItem, .servicesBuildSecretsItem:
            return .mapping([("source", node)], at: location)
        case .servicesDns, .servicesLabelFile: return .sequence([node], at: location)
        case .servicesEnvFile: return .sequence([Self.envFile(node)], at: location)
        case .servicesVolumesItem:
            do {
                return try ComposeVolumeSyntax.parse(text).node(at: location)
            } catch {
                if keepsUnparsed { return node }
                throw CompileError("invalid volume '\(text)': \(error.message)", at: location, path: trail.text)
            }
        case .servicesDevicesItem:
            // As docker compose: a path with a colon of its own cannot be told from the separators.
            guard text.split(separator: ":", omittingEmptySubsequences: false).count <= 3 else {
                throw CompileError(
                    "confusing device mapping '\(text)': HOST[:CONTAINER[:PERMISSIONS]] has at most two colons;"
                        + " write it in long syntax (source, target, permissions)", at: location, path: trail.text)
            }
            return Self.device(text, at: location)
        // `gpus: all`: one request for every GPU.
        case .servicesGpus: return .sequence([.mapping([("count", node)], at: location)], at: location)
        default: return nil
        }
    }

    /// A service's `ports`: short-syntax items expanded into their bindings, every binding counted.
    private func transformPorts(_ items: [YAMLNode], at location: SourceLocation, trail: Trail) throws -> YAMLNode {
        var ports: [YAMLNode] = []
        for (index, item) in items.enumerated() {
            if item.mapping != nil {
                try countPortBindings(1, at: item.location, trail: trail, index: index)
                ports.append(item)
                continue
            }
            guard let text = item.scalar?.text, !item.isNull else {
                throw CompileError(
                    "a port is a string or a mapping, not \(item.kindName)", at: item.location,
                    path: trail.text(index: index))
            }
            let bindings: [ComposePortSyntax]
            do {
                bindings = try ComposePortSyntax.parse(text)
            } catch {
                if keepsUnparsed {
                    ports.append(item)
                    continue
                }
                throw CompileError(error.message, at: item.location, path: trail.text(index: index))
            }
            try countPortBindings(bindings.count, at: item.location, trail: trail, index: index)
            ports += bindings.map { $0.node(at: item.location) }
        }
        return .sequence(ports, at: location)
    }

    /// A list where `pattern` takes a mapping (or a list of mappings); `nil` where it stays a list.
    private static func transformList(_ items: [YAMLNode], pattern: Pattern.Name?, at location: SourceLocation)
        -> YAMLNode?
    {
        switch pattern {
        case .servicesDependsOn:
            return .mapping(items.map { ($0.scalar?.text ?? "", dependency(at: $0.location)) }, at: location)
        case .servicesNetworks, .servicesModels:
            return .mapping(items.map { ($0.scalar?.text ?? "", .null(at: $0.location)) }, at: location)
        case .servicesEnvFile: return .sequence(items.map(envFile), at: location)
        case .servicesBuildAdditionalContexts, .servicesBuildSsh:
            return .mapping(
                items.map { item in
                    let entry = KeyValues.splitAtEquals(item.scalar?.text ?? "")
                    return (entry.key, entry.value.map { .string($0, at: item.location) } ?? .null(at: item.location))
                }, at: location)
        default: return nil
        }
    }

    /// The pairs of a large mapping (the services of a large project) transformed on several
    /// cores, or `nil` to transform them in sequence. Each chunk counts its own port bindings;
    /// when a chunk fails or the total passes the limit, `nil` makes the caller do the work again
    /// in sequence, so errors are exactly the ones a sequential transform reports.
    private func transformInParallel(
        _ pairs: [YAMLPair], at position: PatternTree<Pattern.Name>, trail: Trail
    ) throws -> [YAMLPair]? {
        guard ParallelWork.isWorthSplitting(pairs.count) else { return nil }
        let base = portBindings.value
        let keepsUnparsed = self.keepsUnparsed
        let chunks = ParallelWork.mapChunks(pairs) { chunk -> (pairs: [YAMLPair], count: Int)? in
            let part = CanonicalSyntax(keepsUnparsed: keepsUnparsed, count: base)
            var trail = trail
            var changed = Array(chunk)
            do {
                for index in changed.indices {
                    guard let child = position.child(changed[index].key) else { continue }
                    trail.push(.key(changed[index].key))
                    defer { trail.pop() }
                    changed[index].value = try part.transform(changed[index].value, at: child, trail: &trail)
                }
            } catch {
                return nil
            }
            return (changed, part.portBindings.value - base)
        }
        var transformed: [YAMLPair] = []
        transformed.reserveCapacity(pairs.count)
        var total = base
        for chunk in chunks {
            guard let chunk else { return nil }
            transformed += chunk.pairs
            total += chunk.count
        }
        guard total <= Self.maximumPortBindings else { return nil }
        portBindings.value = total
        return transformed
    }

    /// `node` with its children transformed; children no pattern reaches are left as they are.
    func recurse(_ node: YAMLNode, at position: PatternTree<Pattern.Name>, trail: inout Trail) throws -> YAMLNode {
        var result = node
        switch node.content {
        case .scalar: return node
        case .mapping(let pairs):
            if let parallel = try transformInParallel(pairs, at: position, trail: trail) {
                result.content = .mapping(parallel)
                return result
            }
            var changed = pairs
            for index in pairs.indices {
                guard let child = position.child(pairs[index].key) else { continue }
                trail.push(.key(pairs[index].key))
                defer { trail.pop() }
                changed[index].value = try transform(pairs[index].value, at: child, trail: &trail)
            }
            result.content = .mapping(changed)
        case .sequence(let items):
            guard let child = position.item else { return node }
            var changed = items
            for index in items.indices {
                trail.push(.index(index))
                defer { trail.pop() }
                changed[index] = try transform(items[index], at: child, trail: &trail)
            }
            result.content = .sequence(changed)
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

    /// A `depends_on` entry written as a mapping, with the condition and `required` it defaults to.
    static func dependencyDefaults(_ entry: YAMLNode) -> YAMLNode {
        guard entry.mapping != nil else { return entry }
        var entry = entry
        if entry["condition"] == nil { entry.set("condition", .string("service_started", at: entry.location)) }
        if entry["required"] == nil { entry.set("required", .bool(true, at: entry.location)) }
        return entry
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

extension CanonicalSyntax {
    /// The tree paths this transform tests, built once.
    enum Pattern {
        enum Name {
            case resource, includeItem, servicesBuild, servicesBuildAdditionalContexts, servicesBuildSecretsItem
            case servicesBuildSsh, servicesConfigsItem, servicesDependsOn, servicesDevicesItem, servicesDns
            case servicesEnvFile, servicesExtends, servicesGpus, servicesLabelFile, servicesModels, servicesNetworks
            case servicesPorts
            case servicesSecretsItem, servicesVolumesItem
        }

        static let tree = PatternTree<Name>(
            [
                ("volumes.*", Name.resource), ("networks.*", .resource), ("secrets.*", .resource),
                ("configs.*", .resource), ("include.[]", .includeItem), ("services.*.build", .servicesBuild),
                ("services.*.build.additional_contexts", .servicesBuildAdditionalContexts),
                ("services.*.build.secrets.[]", .servicesBuildSecretsItem), ("services.*.build.ssh", .servicesBuildSsh),
                ("services.*.configs.[]", .servicesConfigsItem), ("services.*.depends_on", .servicesDependsOn),
                ("services.*.devices.[]", .servicesDevicesItem), ("services.*.dns", .servicesDns),
                ("services.*.env_file", .servicesEnvFile), ("services.*.extends", .servicesExtends),
                ("services.*.gpus", .servicesGpus),
                ("services.*.label_file", .servicesLabelFile), ("services.*.models", .servicesModels),
                ("services.*.networks", .servicesNetworks), ("services.*.ports", .servicesPorts),
                ("services.*.secrets.[]", .servicesSecretsItem), ("services.*.volumes.[]", .servicesVolumesItem),
            ].map { (TreePath(pattern: $0.0), $0.1) })
    }
}
