/// An `x-incus:` block: dotted keys are Incus config passed through verbatim; undotted keys are
/// options of this tool, checked against the options valid at that level.
struct IncusExtension {
    /// Incus config keys (with a dot) and their values as strings.
    var config: [String: String] = [:]
    /// This tool's options (undotted keys) and their nodes.
    var options: [String: YAMLNode] = [:]
    /// Where the block starts.
    var location: SourceLocation?

    /// Reads `x-incus` from `owner`; `allowedOptions` are the undotted keys valid there.
    static func read(from owner: YAMLNode, path: String, allowedOptions: [String]) throws -> IncusExtension {
        var result = IncusExtension()
        guard let node = owner["x-incus"], !node.isNull else { return result }
        result.location = node.location
        let blockPath = path.isEmpty ? "x-incus" : path + ".x-incus"
        for pair in try node.expectMapping(blockPath) {
            let keyPath = "\(blockPath).\(pair.key)"
            if pair.key.contains(".") {
                guard let text = pair.value.scalarText else {
                    throw CompileError(
                        "Incus config values are strings, numbers or booleans; '\(pair.key)' is \(pair.value.kindName)",
                        at: pair.value.location, path: keyPath)
                }
                result.config[pair.key] = text
            } else if allowedOptions.contains(pair.key) {
                result.options[pair.key] = pair.value
            } else {
                let valid = allowedOptions.isEmpty ? "none here" : allowedOptions.joined(separator: ", ")
                throw CompileError(
                    "unknown x-incus option '\(pair.key)' (options: \(valid); Incus config keys contain a dot, such as limits.cpu)",
                    at: pair.keyLocation, path: keyPath)
            }
        }
        return result
    }
}
