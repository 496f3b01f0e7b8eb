import Foundation
import Plan

/// The bind sources a plan lists in `create_host_paths`: docker creates a missing one as a
/// directory, Incus refuses the disk device ("Missing source path"), so apply creates them first,
/// where the server will look for them.
enum HostPaths {
    /// Where the server's `/` is from here: `/proc/PID/root` of a daemon on this machine (it may run
    /// in a mount namespace of its own), `/` when that cannot be seen; `nil` for a remote server, and
    /// for a cluster, whose instances may run on a member whose file system is elsewhere.
    static func serverRoot(_ context: ApplyContext) -> String? {
        guard context.client.isLocal, !context.server.clustered else { return nil }
        if let pid = context.server.processID {
            let root = "/proc/\(pid)/root"
            if FileManager.default.isReadableFile(atPath: root + "/") { return root }
        }
        return "/"
    }

    /// Refuses, before any change, a plan whose bind sources cannot be there when the instances
    /// need them: on a local server, a missing source apply may not create (long syntax without
    /// `bind.create_host_path`, which docker does not create either); on a remote one, a source to
    /// create for an instance apply would create.
    static func check(_ context: ApplyContext, existing: [String: ServerInstance]) throws {
        guard let root = serverRoot(context) else { return try refuseRemoteCreation(context, existing: existing) }
        for name in context.plan.instances.keys.sorted() {
            guard let instance = context.plan.instances[name] else { continue }
            for source in bindSources(of: instance) where !instance.createHostPaths.contains(source) {
                if !FileManager.default.fileExists(atPath: path(source, under: root)) {
                    throw ApplyError.hostPath(
                        instance: name, path: source,
                        reason: "the mount is in long syntax without bind.create_host_path, so it is not created"
                            + " (docker does not create it either). Create it, or give the mount"
                            + " bind: {create_host_path: true}. Nothing was changed")
                }
            }
        }
    }

    /// The host paths `instance` binds (disk devices with an absolute source and no pool), in the
    /// order of its device names.
    static func bindSources(of instance: PlanInstance) -> [String] {
        instance.devices.keys.sorted().compactMap { name in
            guard let disk = instance.devices[name], disk["type"] == "disk", disk["pool"] == nil,
                let source = disk["source"], source.hasPrefix("/")
            else { return nil }
            return source
        }
    }

    /// `path` of the server's file system as seen from here (`root` from `serverRoot`).
    static func path(_ path: String, under root: String) -> String {
        root == "/" ? path : root + path
    }

    private static func refuseRemoteCreation(_ context: ApplyContext, existing: [String: ServerInstance]) throws {
        for name in context.plan.instances.keys.sorted() where existing[name] == nil {
            guard let path = context.plan.instances[name]?.createHostPaths.first else { continue }
            let server =
                context.server.clustered
                ? "\(context.client.endpointDescription) is a member of an Incus cluster (the instance may run on"
                    + " another member)" : "\(context.client.endpointDescription) is a remote server"
            throw ApplyError.hostPath(
                instance: name, path: path,
                reason: "\(server), and compose-apply creates missing"
                    + " bind sources only on a single server it reaches through a unix socket. Create it on the server"
                    + (context.server.clustered ? " (the cluster member that runs the instance)," : ",")
                    + " and write the mount in long syntax without bind: (docker then does not create it either)."
                    + " Nothing was changed")
        }
    }

    /// Creates the missing bind sources of instance `name` as directories (mode 0755, as docker).
    /// Sources that exist, as files or directories, are left as they are.
    static func create(for name: String, context: ApplyContext) throws {
        guard let paths = context.plan.instances[name]?.createHostPaths, !paths.isEmpty,
            let root = serverRoot(context)
        else { return }
        for path in paths {
            let local = Self.path(path, under: root)
            guard !FileManager.default.fileExists(atPath: local) else { continue }
            do {
                try FileManager.default.createDirectory(
                    atPath: local, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
            } catch {
                throw ApplyError.hostPath(instance: name, path: path, reason: error.localizedDescription)
            }
            context.reporter.note("created the missing bind mount source \(path) as a directory, as docker does")
        }
    }
}
