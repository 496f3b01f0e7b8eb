import Foundation
import Plan

/// Where each instance and volume of the plan goes on an Incus cluster (docs/clusters.md).
///
/// A bridge network does not span members and a volume on a local pool lives on one, so the whole
/// project runs on one member: the plan's (or `--target`'s) member or group, else the member Incus
/// chooses for it on the first apply. The member is recorded on the project, so that later applies
/// keep it. A service with its own `x-incus.target` (which shares no network and no volume with the
/// rest, `PlacementRules`) runs on its own member.
struct ClusterPlacement: Sendable {
    /// The project config key that records the project's member.
    static let memberKey = "user.compose.member"

    /// Every member of the cluster.
    let members: [ClusterMember]
    /// The project's member; `nil` only in a dry run before Incus has chosen one.
    let projectMember: String?
    /// The member of each instance, where known.
    let memberOfInstance: [String: String]
    /// The member of each planned volume, where known.
    let memberOfVolume: [String: String]

    /// The placement of the plan's instances and volumes, or `nil` on a server that is not a cluster.
    /// Incus's choice is asked for (an empty instance created and deleted again) only when nothing
    /// else decides the member, `askingIncus` is true and this is not a dry run. Throws for a target
    /// the cluster has not (or an offline member), before any change when `askingIncus` is false.
    static func resolve(_ context: ApplyContext, snapshot: ServerSnapshot, askingIncus: Bool) throws
        -> ClusterPlacement?
    {
        let plan = context.plan
        guard context.server.clustered else {
            if let target = context.options.target {
                throw ApplyError.placement(
                    target: target, reason: "--target needs an Incus cluster; the server is not one")
            }
            let targets = Set([plan.project.target].compactMap { $0 } + plan.instances.values.compactMap(\.target))
            if !targets.isEmpty && !askingIncus {
                context.reporter.note(
                    "note: x-incus.target \(targets.sorted().joined(separator: ", ")) is ignored: the Incus server "
                        + "is not a cluster")
            }
            return nil
        }
        let members = try context.client.clusterMembers()
        let chooser = MemberChooser(
            context: context, members: members, mayAskIncus: askingIncus && !context.options.dryRun)
        let requested = context.options.target ?? plan.project.target
        // What placed the project before: the recorded member, else (or when it is not online, as
        // after an evacuation moved the instances) where its instances are.
        let recorded = snapshot.project?.config[memberKey]
        let located = plan.instances.keys.sorted().lazy.filter { plan.instances[$0]?.target == nil }
            .compactMap { snapshot.instances[$0]?.location }.first { !$0.isEmpty }
        let online = Set(members.filter { $0.status == "Online" }.map(\.name))
        let current = [recorded, located].compactMap { $0 }.first(where: online.contains) ?? recorded ?? located
        let projectMember = try chooser.member(for: requested, current: current, placing: "project \(context.project)")
        if projectMember == nil && askingIncus {
            context.reporter.note(
                "note: Incus chooses the cluster member of project \(context.project) when it is applied")
        }
        // One member per target: services with the same target (as the project's) share networks.
        var memberOfTarget: [String: String] = [:]
        if let requested, let projectMember { memberOfTarget[requested] = projectMember }
        for target in Set(plan.instances.values.compactMap(\.target)).sorted() where memberOfTarget[target] == nil {
            let names = plan.instances.keys.filter { plan.instances[$0]?.target == target }.sorted()
            let current = names.compactMap { snapshot.instances[$0]?.location }.first { !$0.isEmpty }
            memberOfTarget[target] = try chooser.member(
                for: target, current: current, placing: "x-incus.target \(target)")
        }
        var memberOfInstance: [String: String] = [:]
        var memberOfVolume: [String: String] = [:]
        for name in plan.instances.keys.sorted() {
            guard let instance = plan.instances[name] else { continue }
            let member = instance.target.map { memberOfTarget[$0] } ?? projectMember
            guard let member else { continue }
            memberOfInstance[name] = member
            for resource in PlacementRules.sharedResources(of: instance, in: plan) where resource.kind == "volume" {
                if memberOfVolume[resource.name] == nil { memberOfVolume[resource.name] = member }
            }
        }
        for name in plan.volumes.keys where memberOfVolume[name] == nil {
            memberOfVolume[name] = projectMember
        }
        return ClusterPlacement(
            members: members, projectMember: projectMember, memberOfInstance: memberOfInstance,
            memberOfVolume: memberOfVolume)
    }

    /// Records the project's member on the project (`memberKey`), unless it is recorded already.
    func record(_ context: ApplyContext) throws {
        guard let projectMember, !context.options.dryRun else { return }
        for _ in 0..<5 {
            let (project, etag) = try ProjectLock.read(context)
            guard let project, project.config[Self.memberKey] != projectMember else { return }
            var config = project.config
            config[Self.memberKey] = projectMember
            // Conditional, as the lock's heartbeat writes the same config.
            if try ProjectLock.conditionalPut(
                context, config: config, description: project.description, etag: etag,
                action: "record the cluster member of project", lockWrite: false)
            {
                return context.reporter.note("cluster member \(projectMember) recorded on project \(context.project)")
            }
        }
        throw ApplyError.unexpectedResponse(
            request: "update project \(context.project)", detail: "its config kept changing while recording its member")
    }
}

/// Turns a target (`m3`, `@group` or none) into one member of the cluster.
private struct MemberChooser {
    let context: ApplyContext
    let members: [ClusterMember]
    let mayAskIncus: Bool

    /// `requested`'s member: the member named; for a group, `current` if it is an online member of the
    /// group; without a target, `current` if it is online. Otherwise Incus's choice; `nil` when Incus
    /// may not be asked. `placing` names what is placed, for messages.
    func member(for requested: String?, current: String?, placing: String) throws -> String? {
        let names = members.map(\.name)
        let online = Set(members.filter { $0.status == "Online" }.map(\.name))
        guard let requested else {
            if let current, online.contains(current) { return current }
            if let current, names.contains(current) {
                context.reporter.note(
                    "note: cluster member \(current) of \(placing) is \(status(of: current)); Incus chooses another")
            }
            return try chosenByIncus(target: nil, placing: placing)
        }
        if requested.hasPrefix("@") {
            let group = String(requested.dropFirst())
            let inGroup = members.filter { $0.groups.contains(group) }
            guard !inGroup.isEmpty else {
                let groups = Set(members.flatMap(\.groups)).sorted().joined(separator: ", ")
                throw ApplyError.placement(
                    target: requested, reason: "the cluster has no group \(group) (groups: \(groups))")
            }
            guard inGroup.contains(where: { online.contains($0.name) }) else {
                throw ApplyError.placement(target: requested, reason: "no member of cluster group \(group) is online")
            }
            if let current, online.contains(current), inGroup.contains(where: { $0.name == current }) {
                return current
            }
            return try chosenByIncus(target: requested, placing: placing)
        }
        guard names.contains(requested) else {
            throw ApplyError.placement(
                target: requested, reason: "no such cluster member (members: \(names.joined(separator: ", ")))")
        }
        guard online.contains(requested) else {
            throw ApplyError.placement(
                target: requested,
                reason: "cluster member \(requested) is \(status(of: requested)); bring it back, or apply with"
                    + " --target and another member (or @group) to run \(placing) there")
        }
        return requested
    }

    private func status(of member: String) -> String {
        let status = members.first { $0.name == member }?.status ?? ""
        return status.isEmpty ? "in an unknown state" : status
    }

    /// The member Incus's scheduler picks for a new instance of the project (its placement rules and
    /// scriptlet included): an empty instance is created there and deleted again.
    private func chosenByIncus(target: String?, placing: String) throws -> String? {
        guard mayAskIncus else { return nil }
        let plan = context.plan
        let pool =
            plan.instances.keys.sorted().lazy.compactMap { plan.instances[$0]?.devices["root"]?["pool"] }.first
            ?? "default"
        let name = "placement-" + UUID().uuidString.lowercased().prefix(8)
        let query = target.map { "?target=" + IncusClient.queryEncoded($0) } ?? ""
        try context.client.send(
            "POST", "/1.0/instances" + query, project: context.project,
            body: .object([
                "name": .string(name), "type": .string("container"), "profiles": .array([]),
                // The owner marker: a probe left behind by a killed apply is removed as a stale instance.
                "config": .stringMap([PlanValidator.markerKey: context.marker]),
                "devices": .object(["root": .stringMap(["type": "disk", "path": "/", "pool": pool])]),
                "source": .object(["type": .string("none")]),
            ]), action: "ask Incus to place an instance", resource: "\(name) (project \(context.project))")
        // Deleted however reading it went.
        let probe = Result { try context.client.instance(name, project: context.project) }
        try context.client.send(
            "DELETE", "/1.0/instances/\(name)", project: context.project, body: nil, action: "delete instance",
            resource: "\(name) (project \(context.project))")
        guard let location = try probe.get()?.location, !location.isEmpty else {
            throw ApplyError.unexpectedResponse(
                request: "place instance \(name)", detail: "Incus did not say which member it is on")
        }
        context.reporter.note("cluster member \(location) chosen by Incus for \(placing)")
        return location
    }
}
