/// Reads an `x-incus:` block: dotted keys are Incus config passed through verbatim; undotted keys
/// are options of this tool, checked against the options valid at that level.
enum IncusBlockDecoder {
    /// The block on `owner` and its options (undotted keys) as written; `allowedOptions` are the
    /// undotted keys valid there.
    static func read(from owner: YAMLNode, path: String, allowedOptions: [String]) throws -> (
        block: IncusBlock, options: [String: YAMLNode]
    ) {
        var block = IncusBlock()
        var options: [String: YAMLNode] = [:]
        guard let node = owner["x-incus"], !node.isNull else { return (block, options) }
        block.location = node.location
        let blockPath = path.isEmpty ? "x-incus" : path + ".x-incus"
        for pair in try node.expectMapping(blockPath) {
            let keyPath = "\(blockPath).\(pair.key)"
            if pair.key.contains(".") {
                guard let text = pair.value.scalarText else {
                    throw CompileError(
                        "Incus config values are strings, numbers or booleans; '\(pair.key)' is \(pair.value.kindName)",
                        at: pair.value.location, path: keyPath)
                }
                block.config[pair.key] = text
            } else if allowedOptions.contains(pair.key) {
                options[pair.key] = pair.value
            } else {
                let valid = allowedOptions.isEmpty ? "none here" : allowedOptions.joined(separator: ", ")
                throw CompileError(
                    "unknown x-incus option '\(pair.key)' (options: \(valid); Incus config keys contain a dot, such as limits.cpu)",
                    at: pair.keyLocation, path: keyPath)
            }
        }
        return (block, options)
    }
}
