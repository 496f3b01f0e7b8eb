/// `sysctls` and `ulimits`. Incus sets both on a container as it starts: `linux.sysctl.*` become
/// LXC's `lxc.sysctl.*`, `limits.kernel.*` LXC's `lxc.prlimit.*` (`soft:hard`, or one value for
/// both). Neither changes on a running container, so apply restarts it when they change.
enum KernelSettings {
    static func apply(_ service: ComposeService, to config: inout [String: String]) throws {
        let path = service.path
        for sysctl in service.sysctls {
            guard isNamespaced(sysctl.key) else {
                throw CompileError(
                    "sysctl '\(sysctl.key)' is not one a container has for itself, so it cannot be set for one"
                        + " (docker refuses it too); kernel.msg*, kernel.sem, kernel.shm*, fs.mqueue.* and net.* can",
                    at: sysctl.keyLocation, path: "\(path).sysctls.\(sysctl.key)")
            }
            guard !sysctl.value.isEmpty else {
                throw CompileError(
                    "sysctl '\(sysctl.key)' needs a value", at: sysctl.keyLocation,
                    path: "\(path).sysctls.\(sysctl.key)")
            }
            config["linux.sysctl." + sysctl.key] = sysctl.value
        }
        for limit in service.ulimits {
            let limitPath = "\(path).ulimits.\(limit.name)"
            guard resourceNames.contains(limit.name) else {
                let closest = ClosestName.find(limit.name, among: resourceNames).map { "; did you mean '\($0)'?" } ?? ""
                throw CompileError(
                    "unknown ulimit '\(limit.name)': the limits are \(resourceNames.joined(separator: ", "))" + closest,
                    at: limit.location, path: limitPath)
            }
            guard limit.soft >= -1, limit.hard >= -1 else {
                throw CompileError(
                    "ulimit '\(limit.name)' must be a whole number of at least 0, or -1 for unlimited",
                    at: limit.location, path: limitPath)
            }
            guard limit.hard == -1 || (limit.soft != -1 && limit.soft <= limit.hard) else {
                throw CompileError(
                    "ulimit '\(limit.name)' has a soft limit above its hard limit", at: limit.location, path: limitPath)
            }
            let soft = text(limit.soft)
            let hard = text(limit.hard)
            config["limits.kernel." + limit.name] = soft == hard ? soft : soft + ":" + hard
        }
    }

    /// The process resources LXC can limit, by the names docker's `ulimits` uses too.
    static let resourceNames = [
        "as", "core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice", "nofile", "nproc", "rss",
        "rtprio", "rttime", "sigpending", "stack",
    ]

    /// Whether a sysctl belongs to a namespace a container has of its own (IPC or network), the
    /// ones docker accepts.
    static func isNamespaced(_ key: String) -> Bool {
        let ipc = [
            "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall", "kernel.shmmax",
            "kernel.shmmni", "kernel.shm_rmid_forced",
        ]
        return ipc.contains(key) || key.hasPrefix("fs.mqueue.") || key.hasPrefix("net.")
    }

    private static func text(_ limit: Int64) -> String {
        limit == -1 ? "unlimited" : String(limit)
    }
}
