import Foundation
import Plan

/// The bind sources a plan lists in `create_host_paths`: docker creates a missing one as a
/// directory, Incus refuses the disk device ("Missing source path"), so apply creates them first,
/// where the server will look for them.
enum HostPaths {
    /// Where the server's `/` is from here: `/proc/PID/root` of a daemon on this machine (it may run
    /// in a mount namespace of its own), `/` when that cannot be seen; `nil` for a remote server.
    static func serverRoot(_ context: ApplyContext) -> String? {
        guard context.client.isLocal else { return nil }
        if let pid = context.server.processID {
            let root = "/proc/\(pid)/root"
            if FileManager.default.isReadableFile(atPath: root + "/") { return root }
        }
        return "/"
    }

    /// Refuses, before any change, an instance apply would create whose bind sources only the
    /// server's machine can create: the server is remote.
    static func checkCreatable(_ context: ApplyContext, existing: [String: ServerInstance]) throws {
        guard serverRoot(context) == nil else { return }
        for name in context.plan.instances.keys.sorted() where existing[name] == nil {
            guard let path = context.plan.instances[name]?.createHostPaths.first else { continue }
            throw ApplyError.hostPath(
                instance: name, path: path,
                reason: "\(context.client.endpointDescription) is a remote server, and compose-apply creates missing"
                    + " bind sources only on a server it reaches through a unix socket. Create it on the server,"
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
            let local = root == "/" ? path : root + path
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
