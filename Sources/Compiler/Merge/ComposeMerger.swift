/// Merges a later compose file over an earlier one.
enum ComposeMerger {
    /// Mappings merge key by key; any other value in `overlay` replaces the base value.
    static func merge(_ base: YAMLNode, _ overlay: YAMLNode) -> YAMLNode {
        guard let basePairs = base.mapping, let overlayPairs = overlay.mapping else { return overlay }
        var result = basePairs
        for pair in overlayPairs {
            if let index = result.firstIndex(where: { $0.key == pair.key }) {
                result[index].value = merge(result[index].value, pair.value)
            } else {
                result.append(pair)
            }
        }
        return YAMLNode(.mapping(result), at: base.location, tag: base.tag)
    }
}
