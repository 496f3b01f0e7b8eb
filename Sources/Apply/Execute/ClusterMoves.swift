import Foundation
import Plan

/// Moves instances and volumes whose cluster member is no longer the one their placement names (a
/// changed `x-incus.target` or `--target`).
///
/// Each volume is copied to the new member with its data (its users stopped), the instances are
/// moved with Incus's migration (config, devices and pinned addresses kept; Incus refuses to move an
/// instance whose volume its new member lacks), then the old copies are deleted (Incus refuses while
/// an instance there has one attached). An apply stopped in between finds two copies: while the
/// users are still on the old member, the new copy may be incomplete and is made again; once they
/// are on the new member, it was complete and the old one is deleted. Converging starts the
/// instances afterwards.
enum ClusterMoves {
    /// Moves what `context.placement` puts elsewhere and updates `snapshot` to what the server has
    /// then; in a dry run, only reports the moves.
    static func run(_ context: ApplyContext, snapshot: inout ServerSnapshot) throws {
        guard let placement = context.placement else { return }
        let volumes = context.plan.volumes.keys.sorted().filter { name in
            guard let member = placement.memberOfVolume[name], context.plan.volumes[name]?.external == false else {
                return false
            }
            return source(of: name, snapshot: snapshot, member: member) != nil
        }
        let instances = snapshot.instances.keys.sorted().filter { name in
            guard let server = snapshot.instances[name], let member = placement.memberOfInstance[name] else {
                return false
            }
            return !server.location.isEmpty && server.location != member
        }
        guard !volumes.isEmpty || !instances.isEmpty else { return }
        try refuseHostPaths(of: instances, context)
        // Instances no longer planned that still hold a moving volume would keep its old copy in use.
        let stale = snapshot.instances.values.filter { server in
            context.plan.instances[server.name] == nil
                && server.devices.values.contains { $0["type"] == "disk" && volumes.contains($0["source"] ?? "") }
        }
        guard !context.options.dryRun else {
            for name in instances {
                report(context, context.describeInstance(name), snapshot.instances[name], placement)
            }
            for name in volumes { reportVolume(name, context, snapshot, placement) }
            return
        }
        let requests = InstanceRequests(context: context)
        for server in stale.sorted(by: { $0.name < $1.name }) {
            try requests.delete(server)
            context.reporter.record(.deleted, context.describeInstance(server.name), detail: "no longer in the plan")
            snapshot.instances[server.name] = nil
        }
        // The copies are made while nothing writes to the volumes.
        for name in instances where snapshot.instances[name]?.status != "Stopped" { try requests.stop(name) }
        for name in volumes { try copyVolume(name, context, snapshot, placement) }
        for name in instances {
            guard let server = snapshot.instances[name], let member = placement.memberOfInstance[name] else {
                continue
            }
            let (_, seconds) = try context.timed {
                try context.client.send(
                    "POST", "/1.0/instances/\(name)?target=" + IncusClient.queryEncoded(member),
                    project: context.project,
                    body: .object(["name": .string(name), "migration": .bool(true), "live": .bool(false)]),
                    action: "move instance to cluster member \(member)",
                    resource: "\(name) (project \(context.project))")
            }
            report(context, context.describeInstance(name), server, placement, seconds: seconds)
            // What converging compares with: the instance as it is now (stopped, on its member).
            snapshot.instances[name] = try context.client.instance(name, project: context.project)
        }
        for name in volumes {
            guard let pool = context.plan.volumes[name]?.pool, let member = placement.memberOfVolume[name] else {
                continue
            }
            for copy in copies(of: name, snapshot) where copy.location != member {
                try deleteCopy(name, pool: pool, on: copy.location, context)
            }
            snapshot.volumeCopies[name] = nil
            snapshot.volumes[name] = try context.client.volume(name, pool: pool, project: context.project)
        }
    }

    private static func copies(of name: String, _ snapshot: ServerSnapshot) -> [ServerObject] {
        snapshot.volumeCopies[name] ?? snapshot.volumes[name].map { [$0] } ?? []
    }

    /// The copy of volume `name` to move to `member`: the only one, when it is elsewhere; of two
    /// copies, the one not on `member`. `nil` when nothing is to move.
    private static func source(of name: String, snapshot: ServerSnapshot, member: String) -> ServerObject? {
        let all = copies(of: name, snapshot)
        guard all.count > 1 || all.contains(where: { !$0.location.isEmpty && $0.location != member }) else {
            return nil
        }
        return all.first { $0.location != member }
    }

    /// Makes the copy of volume `name` on its new member, unless a complete one is there already.
    private static func copyVolume(
        _ name: String, _ context: ApplyContext, _ snapshot: ServerSnapshot, _ placement: ClusterPlacement
    ) throws {
        guard let member = placement.memberOfVolume[name], let pool = context.plan.volumes[name]?.pool,
            let server = source(of: name, snapshot: snapshot, member: member)
        else { return }
        if copies(of: name, snapshot).contains(where: { $0.location == member }) {
            // Instances move only after a copy succeeded: users on the new member mean it is complete.
            let users = context.plan.instances.keys.filter { instance in
                context.plan.instances[instance].map { PlacementRules.sharedResources(of: $0, in: context.plan) }?
                    .contains { $0.kind == "volume" && $0.name == name } == true
            }
            if !users.isEmpty && users.allSatisfy({ snapshot.instances[$0]?.location == member }) { return }
            try deleteCopy(name, pool: pool, on: member, context)
        }
        let (_, seconds) = try context.timed {
            try context.client.send(
                "POST", "/1.0/storage-pools/\(pool)/volumes/custom?target=" + IncusClient.queryEncoded(member),
                project: context.project,
                body: .object([
                    "name": .string(name), "type": .string("custom"),
                    "content_type": .string(server.raw["content_type"]?.stringValue ?? "filesystem"),
                    "config": .stringMap(server.config.filter { !$0.key.hasPrefix("volatile.") }),
                    "description": .string(server.description),
                    "source": .object([
                        "type": .string("copy"), "name": .string(name), "pool": .string(pool),
                        "location": .string(server.location), "volume_only": .bool(false),
                    ]),
                ]), action: "copy storage volume to cluster member \(member)",
                resource: "\(name) (pool \(pool), project \(context.project))")
        }
        context.reporter.record(
            .updated, context.describeVolume(name, pool: pool),
            detail: "moved from cluster member \(server.location) to \(member), with its data", seconds: seconds)
    }

    /// A bind source exists on the member it was made on; the new member may lack it, and apply
    /// cannot look there.
    private static func refuseHostPaths(of instances: [String], _ context: ApplyContext) throws {
        for name in instances {
            guard let instance = context.plan.instances[name] else { continue }
            if let source = HostPaths.bindSources(of: instance).first {
                throw ApplyError.hostPath(
                    instance: name, path: source,
                    reason:
                        "the instance is to move to cluster member \(context.placement?.memberOfInstance[name] ?? "")"
                        + " and apply cannot see whether that member has the path. Create it there and move the"
                        + " instance with `incus move`, or keep the target. Nothing was changed")
            }
        }
    }

    private static func report(
        _ context: ApplyContext, _ what: String, _ server: ServerInstance?, _ placement: ClusterPlacement,
        seconds: TimeInterval? = nil
    ) {
        let member = placement.memberOfInstance[server?.name ?? ""] ?? ""
        let detail = "stopped and moved from cluster member \(server?.location ?? "") to \(member)"
        context.reporter.record(.updated, what, detail: detail, seconds: seconds)
    }

    private static func reportVolume(
        _ name: String, _ context: ApplyContext, _ snapshot: ServerSnapshot, _ placement: ClusterPlacement
    ) {
        let member = placement.memberOfVolume[name] ?? ""
        let old = source(of: name, snapshot: snapshot, member: member)?.location ?? ""
        context.reporter.record(
            .updated,
            context.describeVolume(name, pool: context.plan.volumes[name]?.pool ?? ""),
            detail: "moved from cluster member \(old) to \(member), with its data")
    }

    private static func deleteCopy(_ name: String, pool: String, on member: String, _ context: ApplyContext) throws {
        try context.client.send(
            "DELETE", "/1.0/storage-pools/\(pool)/volumes/custom/\(name)?target=" + IncusClient.queryEncoded(member),
            project: context.project, body: nil,
            action: "delete the copy on cluster member \(member) of storage volume",
            resource: "\(name) (pool \(pool), project \(context.project))")
    }
}
