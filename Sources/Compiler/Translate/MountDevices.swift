/// Service `volumes:`, `tmpfs:` and `shm_size` → Incus disk devices and tmpfs mount entries.
struct MountDevices {
    /// Disk devices keyed by device name.
    var devices: [String: [String: String]] = [:]
    /// `raw.lxc` lines mounting tmpfs file systems (Incus has no tmpfs disk device).
    var tmpfsEntries: [String] = []
    /// Bind sources apply creates as directories when they are missing, sorted.
    var createHostPaths: [String] = []

    static func translate(
        _ service: ComposeService, volumes: [String: ResolvedVolume], namer: inout DeviceNamer,
        context: inout TranslationContext
    ) throws -> MountDevices {
        var result = MountDevices()
        var tmpfsMounts = service.tmpfs
        for mount in service.mounts {
            let target = mount.target
            var device: [String: String] = ["type": "disk", "path": target]
            if mount.readOnly { device["readonly"] = "true" }
            switch mount.kind {
            case .volume:
                guard let source = mount.source, !source.value.isEmpty else {
                    context.warn(
                        "anonymous-volume",
                        "anonymous volume at \(target): Incus keeps its data in the instance's root disk instead",
                        at: mount.location)
                    continue
                }
                guard let volume = volumes[source.value] else {
                    throw CompileError(
                        "service uses volume '\(source.value)', which is not declared under the top-level volumes:",
                        at: source.location, path: "\(service.path).volumes[\(mount.index)].source")
                }
                device["pool"] = volume.pool
                device["source"] = volume.incusName
                if let subpath = mount.volumeSubpath, !subpath.value.isEmpty {
                    context.warn(
                        "unsupported-mount",
                        "volume.subpath '\(subpath.value)' is ignored: Incus mounts the whole volume '\(source.value)'"
                            + " at \(target)", at: subpath.location)
                }
            case .bind:
                let source = mount.source?.value ?? ""
                device["source"] = source
                if mount.createHostPath { result.createHostPaths.append(source) }
                if ["/var/run/docker.sock", "/run/docker.sock"].contains(source) {
                    context.warn(
                        "docker-socket",
                        "\(source) is mounted at \(target), but no docker daemon runs for an Incus container to talk"
                            + " to; the mount is kept, and whatever uses it will find no docker there",
                        at: mount.location)
                }
            case .tmpfs:
                tmpfsMounts.append(TmpfsMount(target: target, size: mount.tmpfsSize))
                continue
            case .other(let type):
                context.warn(
                    "unsupported-mount", "mount type '\(type)' has no Incus equivalent; \(target) is not mounted",
                    at: mount.location)
                continue
            }
            result.devices[namer.name("mount" + target.replacingSlashes())] = device
        }
        result.createHostPaths = Array(Set(result.createHostPaths)).sorted()
        result.tmpfsEntries = tmpfsMounts.sorted { $0.target < $1.target }.map { mount in
            let relative = String(mount.target.drop(while: { $0 == "/" }))
            var options = "rw,nosuid,nodev"
            if let size = mount.size { options += ",size=\(size)" }
            return "lxc.mount.entry = tmpfs \(relative) tmpfs \(options),create=dir 0 0"
        }
        return result
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
