/// Service `volumes:` in short (`./data:/data:ro`) or long syntax → long syntax with absolute bind sources.
struct VolumeNormalizer {
    let projectDirectory: String
    /// `$HOME`, for `~` in bind sources.
    let home: String?

    func normalize(_ node: YAMLNode, path: @autoclosure () -> String) throws -> YAMLNode {
        var entries: [YAMLNode] = []
        for (index, item) in try node.expectSequence(path()).enumerated() {
            entries.append(
                item.mapping != nil
                    ? try normalizeLong(item, path: "\(path())[\(index)]")
                    : try normalizeShort(item, path: "\(path())[\(index)]")
            )
        }
        return .sequence(entries, at: node.location)
    }

    func normalizeLong(_ item: YAMLNode, path: @autoclosure () -> String) throws -> YAMLNode {
        var entry = item
        guard let typeNode = item["type"] else {
            throw CompileError("a volume mount needs 'type' (volume, bind or tmpfs)", at: item.location, path: path())
        }
        let type = try typeNode.expectScalarText(path() + ".type")
        guard ["volume", "bind", "tmpfs", "npipe", "cluster", "image"].contains(type) else {
            throw CompileError(
                "unknown volume type '\(type)': expected volume, bind or tmpfs", at: typeNode.location,
                path: path() + ".type")
        }
        guard let targetNode = item["target"] else {
            throw CompileError("a volume mount needs 'target'", at: item.location, path: path())
        }
        _ = try targetNode.expectScalarText(path() + ".target")
        if type == "bind", let sourceNode = item["source"] {
            let source = try sourceNode.expectScalarText(path() + ".source")
            entry.set("source", .string(resolve(source), at: sourceNode.location))
        }
        return entry
    }

    func normalizeShort(_ item: YAMLNode, path: @autoclosure () -> String) throws -> YAMLNode {
        let spec = try item.expectScalarText(path())
        let location = item.location
        let parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        var source: String?
        let target: String
        var mode: String?
        switch parts.count {
        case 1: target = parts[0]
        case 2:
            if parts[1].hasPrefix("/") {
                source = parts[0]
                target = parts[1]
            } else {
                target = parts[0]
                mode = parts[1]
            }
        case 3:
            source = parts[0]
            target = parts[1]
            mode = parts[2]
        default:
            throw CompileError("invalid volume '\(spec)': expected [SOURCE:]TARGET[:MODE]", at: location, path: path())
        }
        guard !target.isEmpty else {
            throw CompileError("invalid volume '\(spec)': the container path is empty", at: location, path: path())
        }
        var pairs: [(String, YAMLNode)] = []
        let options = mode.map { $0.split(separator: ",").map(String.init) } ?? []
        for option in options
        where ![
            "ro", "rw", "z", "Z", "nocopy", "shared", "rshared", "slave", "rslave", "private", "rprivate", "delegated",
            "cached", "consistent",
        ].contains(option) {
            throw CompileError("invalid volume '\(spec)': unknown mode '\(option)'", at: location, path: path())
        }
        if let source, !source.isEmpty, isPath(source) {
            pairs.append(("type", .string("bind", at: location)))
            pairs.append(("source", .string(resolve(source), at: location)))
            pairs.append(("target", .string(target, at: location)))
            if options.contains("ro") { pairs.append(("read_only", .bool(true, at: location))) }
            pairs.append(("bind", .mapping([("create_host_path", .bool(true, at: location))], at: location)))
        } else {
            pairs.append(("type", .string("volume", at: location)))
            if let source, !source.isEmpty { pairs.append(("source", .string(source, at: location))) }
            pairs.append(("target", .string(target, at: location)))
            if options.contains("ro") { pairs.append(("read_only", .bool(true, at: location))) }
            let volumeOptions: [(String, YAMLNode)] =
                options.contains("nocopy") ? [("nocopy", .bool(true, at: location))] : []
            pairs.append(("volume", .mapping(volumeOptions, at: location)))
        }
        return .mapping(pairs, at: location)
    }

    /// Short-syntax sources that are paths (`.`, `/`, `~`) are bind mounts; others name volumes.
    func isPath(_ source: String) -> Bool {
        source.hasPrefix(".") || source.hasPrefix("/") || source.hasPrefix("~")
    }

    func resolve(_ source: String) -> String {
        if source == "~" || source.hasPrefix("~/"), let home {
            return FilePaths.absolute(String(source.dropFirst(source == "~" ? 1 : 2)), relativeTo: home)
        }
        return FilePaths.absolute(source, relativeTo: projectDirectory)
    }
}
