import Foundation
import Plan

/// Compose secrets and configs: read from the host or the environment before any request, then
/// written into instances and compared byte for byte on every apply.
enum InstanceFiles {
    /// The bytes of every plan file, instance → target → bytes. Throws `ApplyError.fileSource` for the
    /// first (sorted) file whose host file cannot be read or whose variable is unset.
    static func resolve(_ plan: Plan, environment: [String: String]) throws -> [String: [String: Data]] {
        var result: [String: [String: Data]] = [:]
        for name in plan.instances.keys.sorted() {
            let files = plan.instances[name]?.files ?? [:]
            for target in files.keys.sorted() {
                guard let file = files[target] else { continue }
                switch file.kind {
                case "file":
                    var isDirectory: ObjCBool = false
                    guard FileManager.default.fileExists(atPath: file.source, isDirectory: &isDirectory),
                        !isDirectory.boolValue
                    else {
                        throw ApplyError.fileSource(
                            instance: name, target: target, source: "host file \(file.source)",
                            reason: "it does not exist (or is a directory)")
                    }
                    guard let data = FileManager.default.contents(atPath: file.source) else {
                        throw ApplyError.fileSource(
                            instance: name, target: target, source: "host file \(file.source)",
                            reason: "it cannot be read")
                    }
                    result[name, default: [:]][target] = data
                case "environment":
                    guard let value = environment[file.source] else {
                        throw ApplyError.fileSource(
                            instance: name, target: target, source: "variable \(file.source)",
                            reason: "it is not set in compose-apply's environment")
                    }
                    result[name, default: [:]][target] = Data(value.utf8)
                default:
                    result[name, default: [:]][target] = Data(file.source.utf8)
                }
            }
        }
        return result
    }

    /// Whether the instance's file is exactly the planned one: a regular file with these bytes, owner and mode.
    static func matches(_ state: InstanceFileState?, file: PlanFile, content: Data) -> Bool {
        guard let state, state.type == "file", state.content == content else { return false }
        return state.uid == file.uid && state.gid == file.gid && octal(state.mode) == octal(file.mode)
    }

    static func octal(_ mode: String) -> Int? { Int(mode, radix: 8) }
}

/// Writes the plan's files into one instance; only files that differ are written.
struct FileConverger {
    let context: ApplyContext

    private var client: IncusClient { context.client }
    private var project: String { context.project }

    /// The targets of `name` whose content, owner or mode differ from the plan (GET requests only).
    func differences(_ name: String) throws -> [String] {
        let files = context.plan.instances[name]?.files ?? [:]
        var changed: [String] = []
        for target in files.keys.sorted() {
            guard let file = files[target] else { continue }
            let content = context.fileContents[name]?[target] ?? Data()
            let state = try client.instanceFile(name, project: project, path: target)
            if !InstanceFiles.matches(state, file: file, content: content) { changed.append(target) }
        }
        return changed
    }

    /// Writes every file of `name` that differs; returns the targets written.
    func converge(_ name: String) throws -> [String] {
        let files = context.plan.instances[name]?.files ?? [:]
        var written: [String] = []
        for target in files.keys.sorted() {
            guard let file = files[target] else { continue }
            let content = context.fileContents[name]?[target] ?? Data()
            let state = try client.instanceFile(name, project: project, path: target)
            if InstanceFiles.matches(state, file: file, content: content) { continue }
            if let state {
                guard state.type == "file" else {
                    throw IncusError(
                        action: "write file", resource: "\(target) in instance \(name) (project \(project))",
                        message: "a \(state.type) exists at that path; apply replaces only regular files",
                        statusCode: 409)
                }
                // Incus keeps the owner and mode of an existing file: replace it to change them.
                if state.uid != file.uid || state.gid != file.gid
                    || InstanceFiles.octal(state.mode) != InstanceFiles.octal(file.mode)
                {
                    try client.deleteInstanceFile(name, project: project, path: target)
                }
            } else {
                try createParents(of: target, in: name)
            }
            try client.pushInstanceFile(
                name, project: project, path: target, content: content, uid: file.uid, gid: file.gid, mode: file.mode)
            written.append(target)
        }
        return written
    }

    /// Deletes the files apply pushed into `server` earlier (its `user.compose.files`) that the plan no
    /// longer lists; returns their targets. A path that is gone, or no longer a regular file, is left.
    func removeStale(_ server: ServerInstance) throws -> [String] {
        let stale = try staleTargets(server)
        for target in stale { try client.deleteInstanceFile(server.name, project: project, path: target) }
        return stale
    }

    /// The files `removeStale` deletes from `server` (GET requests only).
    func staleTargets(_ server: ServerInstance) throws -> [String] {
        let name = server.name
        let planned = Set((context.plan.instances[name]?.files ?? [:]).keys)
        let recorded = (server.config[PlanInstance.filesRecordKey] ?? "").split(separator: "\n").map(String.init)
        return try recorded.sorted().filter { target in
            try !planned.contains(target) && client.instanceFile(name, project: project, path: target)?.type == "file"
        }
    }

    /// Creates the missing parent directories of `target` (root-owned, 0755), as `incus file push -p` does.
    func createParents(of target: String, in name: String) throws {
        let parts = target.split(separator: "/").dropLast().map(String.init)
        var missing: [String] = []
        var index = parts.count
        while index > 0 {
            let directory = "/" + parts[..<index].joined(separator: "/")
            if let state = try client.instanceFile(name, project: project, path: directory) {
                guard state.type == "directory" else {
                    throw IncusError(
                        action: "write file", resource: "\(target) in instance \(name) (project \(project))",
                        message: "\(directory) is a \(state.type), not a directory", statusCode: 409)
                }
                break
            }
            missing.insert(directory, at: 0)
            index -= 1
        }
        for directory in missing {
            try client.pushInstanceFile(
                name, project: project, path: directory, type: "directory", content: Data(), uid: "0", gid: "0",
                mode: "0755")
        }
    }
}
