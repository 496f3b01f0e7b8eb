/// The `!reset` and `!override` tags of one compose file.
///
/// A `!reset` value removes the key from everything loaded before this file (and from a service
/// this file's service extends) and is itself dropped. An `!override` value first removes the
/// earlier value, so the new one replaces it instead of merging with it.
struct ResetTags {
    /// Paths (mapping keys only) whose earlier values are removed.
    var paths: [[String]] = []

    /// Collects the tags of `document` and returns it without its `!reset` nodes and tags.
    static func strip(_ document: YAMLNode) -> (YAMLNode, ResetTags) {
        // Most files have no such tag: a read-only look is cheaper than rebuilding the tree.
        guard hasTags(document) else { return (document, ResetTags()) }
        var tags = ResetTags()
        let stripped = tags.strip(document, path: []) ?? document
        return (stripped, tags)
    }

    /// Whether `node` or a node under it is tagged `!reset` or `!override`.
    static func hasTags(_ node: YAMLNode) -> Bool {
        if node.tag == "!reset" || node.tag == "!override" { return true }
        switch node.content {
        case .scalar: return false
        case .mapping(let pairs): return pairs.contains { hasTags($0.value) }
        case .sequence(let items): return items.contains(where: hasTags)
        }
    }

    mutating func strip(_ node: YAMLNode, path: [String]) -> YAMLNode? {
        if node.tag == "!reset" {
            paths.append(path)
            return nil
        }
        var result = node
        if node.tag == "!override" {
            paths.append(path)
            result.tag = nil
        }
        switch node.content {
        case .scalar: break
        case .mapping(let pairs):
            result.content = .mapping(
                pairs.compactMap { pair in
                    var pair = pair
                    guard let value = strip(pair.value, path: path + [pair.key]) else { return nil }
                    pair.value = value
                    return pair
                })
        case .sequence(let items):
            result.content = .sequence(
                items.enumerated().compactMap { index, item in strip(item, path: path + [String(index)]) })
        }
        return result
    }

    /// `target` without the values this file resets or overrides.
    func apply(to target: YAMLNode) -> YAMLNode {
        paths.reduce(target) { Self.remove($1[...], from: $0) }
    }

    /// The tags under `prefix`, re-rooted at `root` (for a service that extends another).
    func rebased(from prefix: [String], to root: [String]) -> ResetTags {
        ResetTags(
            paths: paths.compactMap { path in
                guard path.count > prefix.count, Array(path.prefix(prefix.count)) == prefix else { return nil }
                return root + path.dropFirst(prefix.count)
            })
    }

    static func remove(_ path: ArraySlice<String>, from node: YAMLNode) -> YAMLNode {
        guard let key = path.first, var pairs = node.mapping else { return node }
        guard let index = pairs.firstIndex(where: { $0.key == key }) else { return node }
        if path.count == 1 {
            pairs.remove(at: index)
        } else {
            pairs[index].value = remove(path.dropFirst(), from: pairs[index].value)
        }
        var result = node
        result.content = .mapping(pairs)
        return result
    }
}
