/// Service `volumes:`, `tmpfs:` and `shm_size` → Incus disk devices and tmpfs mount entries.
struct MountDevices {
    /// Disk devices keyed by device name.
    var devices: [String: [String: String]] = [:]
    /// `raw.lxc` lines mounting tmpfs file systems (Incus has no tmpfs disk device).
    var tmpfsEntries: [String] = []

    static func translate(
        _ service: YAMLNode, path: String, volumes: [String: ResolvedVolume], namer: inout DeviceNamer,
        context: inout TranslationContext
    ) throws -> MountDevices {
        var result = MountDevices()
        var tmpfsMounts: [(target: String, size: Int64?)] = []
        for (index, entry) in (service["volumes"]?.sequence ?? []).enumerated() {
            // Spelt out only for an error: most entries have none.
            func entryPath() -> String { "\(path).volumes[\(index)]" }
            let type = entry["type"]?.scalarText ?? "volume"
            let target = try entry["target"]?.expectScalarText(entryPath() + ".target") ?? ""
            let readOnly = try entry["read_only"].map { try $0.expectBool(entryPath() + ".read_only") } ?? false
            var device: [String: String] = ["type": "disk", "path": target]
            if readOnly { device["readonly"] = "true" }
            switch type {
            case "volume":
                guard let source = entry["source"]?.scalarText, !source.isEmpty else {
                    context.warn(
                        "anonymous-volume",
                        "anonymous volume at \(target): Incus keeps its data in the instance's root disk instead",
                        at: entry.location)
                    continue
                }
                guard let volume = volumes[source] else {
                    throw CompileError(
                        "service uses volume '\(source)', which is not declared under the top-level volumes:",
                        at: entry["source"]?.location ?? entry.location, path: entryPath() + ".source")
                }
                device["pool"] = volume.pool
                device["source"] = volume.incusName
            case "bind":
                guard let source = entry["source"]?.scalarText, !source.isEmpty else {
                    throw CompileError("a bind mount needs 'source'", at: entry.location, path: entryPath())
                }
                device["source"] = source
            case "tmpfs":
                let size = try entry["tmpfs"]?["size"].map { try sizeValue($0, path: entryPath() + ".tmpfs.size") }
                tmpfsMounts.append((target, size))
                continue
            default:
                context.warn(
                    "unsupported-mount", "mount type '\(type)' has no Incus equivalent; \(target) is not mounted",
                    at: entry.location)
                continue
            }
            result.devices[namer.name("mount" + target.replacingSlashes())] = device
        }
        for (index, entry) in (service["tmpfs"]?.sequence ?? []).enumerated() {
            let text = try entry.expectScalarText("\(path).tmpfs[\(index)]")
            let parts = text.split(separator: ":", maxSplits: 1)
            var size: Int64?
            if parts.count == 2 {
                for option in parts[1].split(separator: ",") where option.hasPrefix("size=") {
                    size = ByteSize.parse(String(option.dropFirst(5)))
                }
            }
            tmpfsMounts.append((String(parts.first ?? ""), size))
        }
        if let shm = service["shm_size"] {
            tmpfsMounts.append(("/dev/shm", try sizeValue(shm, path: path + ".shm_size")))
        }
        result.tmpfsEntries = tmpfsMounts.sorted { $0.target < $1.target }.map { mount in
            let relative = String(mount.target.drop(while: { $0 == "/" }))
            var options = "rw,nosuid,nodev"
            if let size = mount.size { options += ",size=\(size)" }
            return "lxc.mount.entry = tmpfs \(relative) tmpfs \(options),create=dir 0 0"
        }
        return result
    }

    static func sizeValue(_ node: YAMLNode, path: String) throws -> Int64 {
        if case .integer(let bytes) = node.resolved, bytes >= 0 { return bytes }
        guard let text = node.scalarText, let bytes = ByteSize.parse(text) else {
            throw CompileError(
                "invalid size '\(node.scalar?.text ?? "")': expected bytes or a number with a unit such as 64m or 1g",
                at: node.location, path: path)
        }
        return bytes
    }
}

extension String {
    /// `/var/lib/data` → `-var-lib-data`, for device names: byte by byte for ASCII text (where each
    /// byte is a character of its own), else character by character.
    func replacingSlashes() -> String {
        guard utf8.allSatisfy({ $0 < 0x80 }) else { return replacingSlashCharacters() }
        return String(decoding: utf8.map { $0 == UInt8(ascii: "/") ? UInt8(ascii: "-") : $0 }, as: UTF8.self)
    }

    /// `replacingSlashes` character by character.
    func replacingSlashCharacters() -> String { String(map { $0 == "/" ? "-" : $0 }) }
}
