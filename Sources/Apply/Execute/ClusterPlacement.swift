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
            if !targets.isEmpty {
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
        // What placed the project before: the recorded member, else where its instances are.
        let current =
            snapshot.project?.config[memberKey]
            ?? plan.instances.keys.sorted().lazy.filter { plan.instances[$0]?.target == nil }
            .compactMap { snapshot.instances[$0]?.location }.first { !$0.isEmpty }
        let projectMember = try chooser.member(for: requested, current: current)

        var memberOfService: [String: String] = [:]
        for service in Set(plan.instances.values.filter { $0.target != nil }.map(\.service)).sorted() {
            let names = plan.instances.keys.filter { plan.instances[$0]?.service == service }.sorted()
            guard let target = names.first.flatMap({ plan.instances[$0]?.target }) else { continue }
            let current = names.compactMap { snapshot.instances[$0]?.location }.first { !$0.isEmpty }
            memberOfService[service] = try chooser.member(for: target, current: current)
        }
        var memberOfInstance: [String: String] = [:]
        var memberOfVolume: [String: String] = [:]
        for name in plan.instances.keys.sorted() {
            guard let instance = plan.instances[name] else { continue }
            let member = instance.target == nil ? projectMember : memberOfService[instance.service]
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
            if try ProjectLock.conditionalPut(context, config: config, description: project.description, etag: etag) {
                return
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

    /// `requested`'s member: the member named; for a group, `current` if it belongs to the group;
    /// without a target, `current`. Otherwise Incus's choice; `nil` when Incus may not be asked.
    func member(for requested: String?, current: String?) throws -> String? {
        let names = members.map(\.name)
        guard let requested else {
            if let current, names.contains(current) { return try online(current, requested: "(none)") }
            return try chosenByIncus(target: nil)
        }
        if requested.hasPrefix("@") {
            let group = String(requested.dropFirst())
            let inGroup = members.filter { $0.groups.contains(group) }
            guard !inGroup.isEmpty else {
                let groups = Set(members.flatMap(\.groups)).sorted().joined(separator: ", ")
                throw ApplyError.placement(
                    target: requested, reason: "the cluster has no group \(group) (groups: \(groups))")
            }
            if let current, inGroup.contains(where: { $0.name == current }) {
                return try online(current, requested: requested)
            }
            return try chosenByIncus(target: requested)
        }
        guard names.contains(requested) else {
            throw ApplyError.placement(
                target: requested, reason: "no such cluster member (members: \(names.joined(separator: ", ")))")
        }
        return try online(requested, requested: requested)
    }

    private func online(_ name: String, requested: String) throws -> String {
        let status = members.first { $0.name == name }?.status ?? ""
        guard status == "Online" else {
            throw ApplyError.placement(
                target: requested, reason: "cluster member \(name) is \(status.isEmpty ? "unknown" : status)")
        }
        return name
    }

    /// The member Incus's scheduler picks for a new instance of the project (its placement rules and
    /// scriptlet included): an empty instance is created there and deleted again.
    private func chosenByIncus(target: String?) throws -> String? {
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
        let probe = try context.client.instance(name, project: context.project)
        try context.client.send(
            "DELETE", "/1.0/instances/\(name)", project: context.project, body: nil, action: "delete instance",
            resource: "\(name) (project \(context.project))")
        guard let location = probe?.location, !location.isEmpty else {
            throw ApplyError.unexpectedResponse(
                request: "place instance \(name)", detail: "Incus did not say which member it is on")
        }
        context.reporter.note("cluster member \(location) chosen by Incus for project \(context.project)")
        return location
    }
}
