/// After a merge, keeps one entry per key in the sequences compose deduplicates: a later entry
/// replaces the earlier one in the earlier one's place.
///
/// Keys are: the name before `=` for environment, labels and other `KEY=VALUE` lists; the target
/// for volumes, devices, secrets and configs; the whole binding for ports; the path for env files.
enum SequenceUnicity {
    enum Indexer { case keyValue, volume, device, port, secret, config, envFile, plain }

    static let table: [(String, Indexer)] = [
        ("networks.*.labels", .keyValue), ("networks.*.ipam.options", .keyValue),
        ("services.*.annotations", .keyValue), ("services.*.build.args", .keyValue),
        ("services.*.build.additional_contexts", .keyValue), ("services.*.build.platform", .keyValue),
        ("services.*.build.tags", .keyValue), ("services.*.build.labels", .keyValue),
        ("services.*.cap_add", .keyValue), ("services.*.cap_drop", .keyValue), ("services.*.devices", .device),
        ("services.*.configs", .config), ("services.*.deploy.labels", .keyValue), ("services.*.dns", .keyValue),
        ("services.*.dns_opt", .keyValue), ("services.*.dns_search", .keyValue),
        ("services.*.environment", .keyValue), ("services.*.env_file", .envFile), ("services.*.expose", .plain),
        ("services.*.labels", .keyValue), ("services.*.links", .keyValue),
        ("services.*.networks.*.aliases", .keyValue), ("services.*.networks.*.link_local_ips", .keyValue),
        ("services.*.ports", .port), ("services.*.profiles", .keyValue), ("services.*.secrets", .secret),
        ("services.*.sysctls", .keyValue), ("services.*.tmpfs", .keyValue), ("services.*.volumes", .volume),
    ]
    static let rules: [(TreePath, Indexer)] = table.map { (TreePath(pattern: $0.0), $0.1) }

    /// The rules as a tree of path components, so a walk follows one node per key instead of
    /// testing every pattern against a path it builds for every node.
    final class RuleNode {
        var exact: [String: RuleNode] = [:]
        /// The child for `*`, which matches any one component.
        var any: RuleNode?
        /// The indexer of the rule ending here.
        var indexer: Indexer?

        /// The node for `key` below this one. No node has both an exact child and a `*` child
        /// (checked when the tree is built), so a path reaches at most one node.
        func child(_ key: String) -> RuleNode? { any ?? exact[key] }
    }

    static let ruleTree: RuleNode = {
        let root = RuleNode()
        for (pattern, indexer) in rules {
            var node = root
            for component in pattern.components {
                if component == "*" {
                    if node.any == nil { node.any = RuleNode() }
                    // swift-format-ignore: NeverForceUnwrap
                    node = node.any!
                } else {
                    if node.exact[component] == nil { node.exact[component] = RuleNode() }
                    // swift-format-ignore: NeverForceUnwrap
                    node = node.exact[component]!
                }
                precondition(node.any == nil || node.exact.isEmpty, "SequenceUnicity rules overlap")
            }
            precondition(node.indexer == nil, "SequenceUnicity rules repeat \(pattern)")
            node.indexer = indexer
        }
        func check(_ node: RuleNode) {
            precondition(node.any == nil || node.exact.isEmpty, "SequenceUnicity rules overlap")
            node.exact.values.forEach(check)
            node.any.map(check)
        }
        check(root)
        return root
    }()

    /// The document with every such sequence deduplicated.
    static func apply(_ node: YAMLNode) -> YAMLNode {
        deduplicated(node, rule: ruleTree) ?? node
    }

    /// The node with its sequences deduplicated, or `nil` when it has no duplicate: the tree is
    /// rebuilt only where an entry goes. `rule` is the rule tree's node for the node's path;
    /// subtrees no rule reaches are not visited.
    static func deduplicated(_ node: YAMLNode, rule: RuleNode) -> YAMLNode? {
        switch node.content {
        case .scalar: return nil
        case .mapping(let pairs):
            // The services of a large project are deduplicated on several cores.
            let values = ParallelWork.map(pairs) { pair in
                rule.child(pair.key).flatMap { deduplicated(pair.value, rule: $0) }
            }
            return node.changingValues(of: pairs) { values[$0] }
        case .sequence(let items):
            guard let indexer = rule.indexer else { return nil }
            let keys = items.map { index($0, indexer) }
            // Most lists are short and have no repeated key: that is checked pairwise, without
            // building a dictionary and a new list.
            if keys.count <= 16 && !keys.indices.contains(where: { index in keys[..<index].contains(keys[index]) }) {
                return nil
            }
            var kept: [YAMLNode] = []
            var positions: [String: Int] = [:]
            for (item, key) in zip(items, keys) {
                if let position = positions[key] {
                    kept[position] = item
                } else {
                    positions[key] = kept.count
                    kept.append(item)
                }
            }
            // Without a duplicate every item is kept, in its place.
            guard kept.count < items.count else { return nil }
            var result = node
            result.content = .sequence(kept)
            return result
        }
    }

    static func index(_ item: YAMLNode, _ indexer: Indexer) -> String {
        let text = item.scalar?.text ?? ""
        switch indexer {
        case .keyValue:
            return KeyValues.splitAtEquals(text).key
        case .plain: return text
        case .volume:
            if item.mapping != nil { return item["target"]?.scalar?.text ?? "" }
            return (try? ComposeVolumeSyntax.parse(text).target) ?? text
        case .device:
            if item.mapping != nil { return item["target"]?.scalar?.text ?? "" }
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            return String(parts.count > 1 ? parts[1] : parts[0])
        case .secret, .config:
            let prefix = indexer == .secret ? "/run/secrets" : ""
            if item.mapping != nil {
                if let target = item["target"]?.scalar?.text { return target }
                return prefix + "/" + (item["source"]?.scalar?.text ?? "")
            }
            return prefix + "/" + text
        case .envFile:
            if item.mapping != nil { return item["path"]?.scalar?.text ?? "" }
            return text
        case .port:
            guard item.mapping != nil else { return text }
            let host = item["host_ip"]?.scalar?.text ?? "0.0.0.0"
            let published = item["published"]?.scalar?.text ?? "<nil>"
            let target = item["target"]?.scalar?.text ?? ""
            let proto = item["protocol"]?.scalar?.text ?? "tcp"
            return "\(host):\(published):\(target)/\(proto)"
        }
    }
}
