import Foundation
import Plan

/// The host nodes of `unix-char` and `unix-block` devices. The compiler tells a character device
/// from a block device by its name; on a local server apply looks at the node itself, so that a
/// missing node (docker refuses the container too) or one of the other kind is an error before any
/// change instead of a failed start.
enum DeviceNodes {
    /// Checks every device an apply would add or change; nothing on a remote server or a cluster,
    /// whose nodes cannot be seen from here.
    static func check(_ context: ApplyContext, existing: [String: ServerInstance]) throws {
        guard let root = HostPaths.serverRoot(context) else { return }
        for name in context.plan.instances.keys.sorted() {
            guard let instance = context.plan.instances[name] else { continue }
            for deviceName in instance.devices.keys.sorted() {
                guard let device = instance.devices[deviceName], let type = device["type"],
                    type == "unix-char" || type == "unix-block", let source = device["source"],
                    device["required"] != "false", existing[name]?.devices[deviceName] != device
                else { continue }
                if let reason = problem(type: type, at: HostPaths.path(source, under: root)) {
                    throw ApplyError.deviceNode(instance: name, path: source, reason: reason)
                }
            }
        }
    }

    /// Why the node at `path` cannot be given as a device of `type`; `nil` when it can.
    static func problem(type: String, at path: String) -> String? {
        var status = stat()
        guard stat(path, &status) == 0 else {
            return "does not exist on the server's host (docker refuses a missing device too)"
        }
        let format = status.st_mode & S_IFMT
        let wanted = type == "unix-char" ? S_IFCHR : S_IFBLK
        if format == wanted { return nil }
        let found =
            format == S_IFCHR ? "a character device" : format == S_IFBLK ? "a block device" : "not a device node"
        // The compiler knows a block device by its name: a /dev/disk/by-id/ link is one.
        let fix = format == S_IFBLK ? "; name it by its /dev/disk/by-id/ (or by-path) link in compose" : ""
        return "is \(found), not the \(type == "unix-char" ? "character" : "block") device the plan gives" + fix
    }
}
