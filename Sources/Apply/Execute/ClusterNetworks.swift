import Plan

/// Bridge networks on an Incus cluster, where each member has a bridge of its own: a network is
/// defined on every member first (pending, with the keys that are each member's own), then created
/// with the shared config on all of them at once.
enum ClusterNetworks {
    /// Keys Incus keeps per member (`bridge.external_interfaces`, `parent`, …): given when the network
    /// is defined on each member, and left out of the shared config.
    static func isMemberSpecific(_ key: String) -> Bool {
        if ["bgp.ipv4.nexthop", "bgp.ipv6.nexthop", "bridge.external_interfaces", "parent"].contains(key) {
            return true
        }
        let parts = key.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 3 && parts[0] == "tunnel" && !parts[1].isEmpty
            && (parts[2] == "interface" || parts[2] == "local")
    }

    /// The keys of `config` that converging leaves alone on a cluster (they are set once, per member).
    static func keysKeptAsCreated(_ config: [String: String], _ context: ApplyContext) -> Set<String> {
        guard context.placement != nil else { return [] }
        return Set(config.keys.filter(isMemberSpecific))
    }

    /// A network this apply may still have to create: absent, or only defined on members (pending)
    /// by an apply that stopped before creating it.
    static func isPending(_ network: ServerObject) -> Bool {
        network.raw["status"]?.stringValue == "Pending"
    }

    /// Creates `name` on every member of the cluster; a network an earlier attempt left pending is
    /// finished.
    static func create(
        _ name: String, network: PlanNetwork, config: [String: String], members: [ClusterMember],
        _ context: ApplyContext
    ) throws {
        let own = config.filter { isMemberSpecific($0.key) }
        for member in members {
            do {
                try context.client.send(
                    "POST", "/1.0/networks?target=" + IncusClient.queryEncoded(member.name),
                    body: .object(["name": .string(name), "type": .string(network.type), "config": .stringMap(own)]),
                    action: "define network on cluster member \(member.name)", resource: name)
            } catch let error as IncusError where error.message.contains("is already defined on member") {
                continue
            }
        }
        try context.client.send(
            "POST", "/1.0/networks",
            body: .object([
                "name": .string(name), "type": .string(network.type), "description": .string(network.description),
                "config": .stringMap(config.filter { !isMemberSpecific($0.key) }),
            ]), action: "create network", resource: name)
    }

    /// Finishes a network whose creation failed on some member (`Errored`): Incus creates it on the
    /// members that lack it, keeping the shared config it has.
    static func finishIfErrored(_ name: String, _ current: ServerObject, _ context: ApplyContext) throws -> Bool {
        guard context.placement != nil, current.raw["status"]?.stringValue == "Errored" else { return false }
        let what = "network \(name)"
        if context.options.dryRun {
            context.reporter.record(.updated, what, detail: "created on the cluster members that lack it")
            return true
        }
        let (_, seconds) = try context.timed {
            try context.client.send(
                "POST", "/1.0/networks",
                body: .object(["name": .string(name), "type": .string(current.raw["type"]?.stringValue ?? "bridge")]),
                action: "finish creating network", resource: name)
        }
        context.reporter.record(
            .updated, what, detail: "created on the cluster members that lacked it", seconds: seconds)
        return true
    }
}
