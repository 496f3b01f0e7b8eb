/// A service's `volumes` in long syntax, `tmpfs` and `shm_size` → `Mount`s and `TmpfsMount`s.
enum MountDecoder {
    static func mounts(_ node: YAMLNode?, path: String) throws -> [Mount] {
        try (node?.sequence ?? []).enumerated().map { index, entry in
            // Spelt out only for an error: most entries have none.
            func entryPath() -> String { "\(path).volumes[\(index)]" }
            let kind: Mount.Kind
            switch entry["type"]?.scalarText ?? "volume" {
            case "volume": kind = .volume
            case "bind": kind = .bind
            case "tmpfs": kind = .tmpfs
            case let other: kind = .other(other)
            }
            var source = entry["source"]?.locatedText
            // Loading made bind sources absolute as docker prints them (`/etc/app/` keeps its slash);
            // the disk device takes the clean path.
            if kind == .bind, let text = source?.value { source?.value = FilePaths.absolute(text, relativeTo: "/") }
            if kind == .bind && (source?.value ?? "").isEmpty {
                throw CompileError("a bind mount needs 'source'", at: entry.location, path: entryPath())
            }
            return Mount(
                kind: kind, target: try target(of: entry, path: entryPath()),
                source: source,
                readOnly: try entry["read_only"].map { try $0.expectBool(entryPath() + ".read_only") } ?? false,
                // Shaped as docker prints it: `bind: {}` stands for create_host_path true.
                createHostPath: try kind == .bind
                    && entry["bind"].map {
                        try $0["create_host_path"]?.expectBool(entryPath() + ".bind.create_host_path") ?? true
                    } ?? false,
                volumeSubpath: entry["volume"]?["subpath"]?.locatedText,
                tmpfsSize: kind == .tmpfs
                    ? try entry["tmpfs"]?["size"].map { try size($0, path: entryPath() + ".tmpfs.size") } : nil,
                location: entry.location, index: index)
        }
    }

    /// The container path. Validation refused a mount without one; an empty one was left out when
    /// the model took the shape `config` prints, and is refused the same way.
    private static func target(of entry: YAMLNode, path: String) throws -> String {
        guard let targetNode = entry["target"] else {
            throw CompileError("a volume mount needs 'target'", at: entry.location, path: path)
        }
        return try targetNode.expectScalarText(path + ".target")
    }

    /// `tmpfs` entries (`/run:size=64m`) and `shm_size` as a mount at /dev/shm.
    static func tmpfsMounts(of service: YAMLNode, path: String) throws -> [TmpfsMount] {
        var mounts: [TmpfsMount] = []
        for (index, entry) in (service["tmpfs"]?.sequence ?? []).enumerated() {
            let text = try entry.expectScalarText("\(path).tmpfs[\(index)]")
            let parts = text.split(separator: ":", maxSplits: 1)
            var size: Int64?
            if parts.count == 2 {
                for option in parts[1].split(separator: ",") where option.hasPrefix("size=") {
                    size = ByteSize.parse(String(option.dropFirst(5)))
                }
            }
            mounts.append(TmpfsMount(target: String(parts.first ?? ""), size: size))
        }
        if let shm = service["shm_size"] {
            mounts.append(TmpfsMount(target: "/dev/shm", size: try size(shm, path: path + ".shm_size")))
        }
        return mounts
    }

    /// Bytes, or a number with a unit such as 64m or 1g.
    static func size(_ node: YAMLNode, path: String) throws -> Int64 {
        if case .integer(let bytes) = node.resolved, bytes >= 0 { return bytes }
        guard let text = node.scalarText, let bytes = ByteSize.parse(text) else {
            throw CompileError(
                "invalid size '\(node.scalar?.text ?? "")': expected bytes or a number with a unit such as 64m or 1g",
                at: node.location, path: path)
        }
        return bytes
    }
}
