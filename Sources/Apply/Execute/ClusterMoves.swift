import Foundation
import Plan

/// Moves instances and volumes whose cluster member is no longer the one their placement names (a
/// changed `x-incus.target` or `--target`): the instances are stopped, each volume is copied to the
/// new member with its data, each instance is moved with Incus's migration (config, devices and
/// pinned addresses kept), then the old copies are deleted (Incus refuses to delete a volume while
/// an instance there has it attached, and to move an instance whose volume its new member lacks).
/// Converging starts the instances again.
enum ClusterMoves {
    static func run(_ context: ApplyContext, snapshot: inout ServerSnapshot) throws {
        guard let placement = context.placement else { return }
        let volumes = context.plan.volumes.keys.sorted().filter { name in
            guard let server = snapshot.volumes[name], let member = placement.memberOfVolume[name],
                context.plan.volumes[name]?.external == false
            else { return false }
            return !server.location.isEmpty && server.location != member
        }
        let instances = snapshot.instances.keys.sorted().filter { name in
            guard let server = snapshot.instances[name], let member = placement.memberOfInstance[name] else {
                return false
            }
            return !server.location.isEmpty && server.location != member
        }
        guard !volumes.isEmpty || !instances.isEmpty else { return }
        // A volume's users are stopped while it is copied; they are on its member, so they move too.
        let users = snapshot.instances.values.filter { server in
            server.devices.values.contains { $0["type"] == "disk" && volumes.contains($0["source"] ?? "") }
        }.map(\.name)
        let stopped = Set(instances + users).sorted()
        if !context.options.dryRun {
            let requests = InstanceRequests(context: context)
            for name in stopped where snapshot.instances[name]?.status != "Stopped" { try requests.stop(name) }
        }
        for name in volumes {
            guard let server = snapshot.volumes[name], let member = placement.memberOfVolume[name] else { continue }
            try step(context, describeVolume(name, context), from: server.location, to: member) {
                try copyVolume(name, from: server, to: member, context)
            }
        }
        for name in instances {
            guard let server = snapshot.instances[name], let member = placement.memberOfInstance[name] else {
                continue
            }
            try step(context, context.describeInstance(name), from: server.location, to: member) {
                try context.client.send(
                    "POST", "/1.0/instances/\(name)?target=" + IncusClient.queryEncoded(member),
                    project: context.project,
                    body: .object(["name": .string(name), "migration": .bool(true), "live": .bool(false)]),
                    action: "move instance to cluster member \(member)",
                    resource: "\(name) (project \(context.project))")
            }
        }
        guard !context.options.dryRun else { return }
        for name in volumes {
            guard let server = snapshot.volumes[name] else { continue }
            try deleteOldCopy(name, on: server.location, context)
            snapshot.volumes[name] = try context.client.volume(
                name, pool: context.plan.volumes[name]?.pool ?? "", project: context.project)
        }
        // What converging compares with: the moved instances as they are now (stopped, on their member).
        for name in stopped {
            snapshot.instances[name] = try context.client.instance(name, project: context.project)
        }
    }

    /// Runs one move (`body`) and reports it; in a dry run, only reports it.
    private static func step(
        _ context: ApplyContext, _ what: String, from old: String, to member: String, _ body: () throws -> Void
    ) throws {
        let detail = "moved from cluster member \(old) to \(member)"
        if context.options.dryRun { return context.reporter.record(.updated, what, detail: detail) }
        let (_, seconds) = try context.timed(body)
        context.reporter.record(.updated, what, detail: detail, seconds: seconds)
    }

    private static func deleteOldCopy(_ name: String, on member: String, _ context: ApplyContext) throws {
        let pool = context.plan.volumes[name]?.pool ?? ""
        try context.client.send(
            "DELETE", "/1.0/storage-pools/\(pool)/volumes/custom/\(name)?target=" + IncusClient.queryEncoded(member),
            project: context.project, body: nil,
            action: "delete the old copy on cluster member \(member) of storage volume",
            resource: "\(name) (pool \(pool), project \(context.project))")
    }

    private static func describeVolume(_ name: String, _ context: ApplyContext) -> String {
        "storage volume \(name) (pool \(context.plan.volumes[name]?.pool ?? ""), project \(context.project))"
    }

    /// Copies a volume (data included) to `member`, as `incus storage volume move --destination-target`
    /// does before it deletes the source.
    private static func copyVolume(
        _ name: String, from server: ServerObject, to member: String, _ context: ApplyContext
    )
        throws
    {
        guard let volume = context.plan.volumes[name] else { return }
        let path = "/1.0/storage-pools/\(volume.pool)/volumes/custom"
        let resource = "\(name) (pool \(volume.pool), project \(context.project))"
        try context.client.send(
            "POST", path + "?target=" + IncusClient.queryEncoded(member), project: context.project,
            body: .object([
                "name": .string(name), "type": .string("custom"),
                "content_type": .string(server.raw["content_type"]?.stringValue ?? "filesystem"),
                "config": .stringMap(server.config.filter { !$0.key.hasPrefix("volatile.") }),
                "description": .string(server.description),
                "source": .object([
                    "type": .string("copy"), "name": .string(name), "pool": .string(volume.pool),
                    "location": .string(server.location), "volume_only": .bool(false),
                ]),
            ]), action: "copy storage volume to cluster member \(member)", resource: resource)
    }
}
