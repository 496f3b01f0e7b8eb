import Foundation
import Plan

/// The mount points of a read-only instance (`read_only`). LXC makes a missing mount point in the
/// container's root before it mounts there, which a read-only root refuses ("Read-only file system")
/// and the container does not start; docker's runtime makes them before the root turns read-only. So
/// before a read-only instance starts, apply makes the missing ones through the file API, which writes
/// into a stopped instance's storage.
enum MountPoints {
    /// Makes every missing mount point of instance `name`, which must be stopped.
    static func prepare(_ name: String, context: ApplyContext) throws {
        guard let instance = context.plan.instances[name], instance.hasReadOnlyRoot else { return }
        let client = context.client
        let files = FileConverger(context: context)
        for (path, type) in points(of: instance, context: context) {
            guard try client.instanceFile(name, project: context.project, path: path) == nil else { continue }
            try files.createParents(of: path, in: name)
            try client.pushInstanceFile(
                name, project: context.project, path: path, type: type, content: Data(), uid: "0", gid: "0",
                mode: type == "directory" ? "0755" : "0644")
        }
    }

    /// The paths LXC mounts on, each with `directory` or `file`, sorted.
    static func points(of instance: PlanInstance, context: ApplyContext) -> [(path: String, type: String)] {
        // LXC's own mounts, and for OCI images the files Incus binds over the image's.
        var points = ["/dev": "directory", "/proc": "directory", "/sys": "directory"]
        if instance.image.kind == "oci" {
            for file in ["/etc/hosts", "/etc/hostname", "/etc/resolv.conf"] { points[file] = "file" }
        }
        let root = HostPaths.serverRoot(context)
        for device in instance.devices.values {
            guard let path = device["path"], path != "/", path.hasPrefix("/") else { continue }
            switch device["type"] {
            case "disk": points[path] = isFile(device["source"], root: root) ? "file" : "directory"
            // A node outside /dev (a tmpfs of its own) is bound onto a file.
            case "unix-char",
                "unix-block" where !path.hasPrefix("/dev/"):
                points[path] = "file"
            default: break
            }
        }
        // The tmpfs mounts of raw.lxc: `lxc.mount.entry = SOURCE TARGET TYPE OPTIONS ...`, TARGET
        // relative to the root.
        for line in (instance.config["raw.lxc"] ?? "").split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 6, fields[0] == "lxc.mount.entry", fields[1] == "=" else { continue }
            let options = fields[5].split(separator: ",")
            guard options.contains("create=dir") || options.contains("create=file") else { continue }
            points["/" + fields[3]] = options.contains("create=dir") ? "directory" : "file"
        }
        return points.keys.sorted().compactMap { path in points[path].map { (path, $0) } }
    }

    /// A bind source that is a regular file on a local server; volumes and everything apply cannot
    /// see are directories.
    private static func isFile(_ source: String?, root: String?) -> Bool {
        guard let source, source.hasPrefix("/"), let root else { return false }
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: HostPaths.path(source, under: root), isDirectory: &isDirectory)
            && !isDirectory.boolValue
    }
}
