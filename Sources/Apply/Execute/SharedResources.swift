import Foundation
import Plan

/// Converges the project, its networks and its storage volumes (everything instances need first).
enum SharedResources {
    static func convergeProject(_ context: ApplyContext, existing: ServerObject?) throws {
        let plan = context.plan
        let what = "project \(context.project)"
        guard let existing else {
            if context.options.dryRun { return context.reporter.record(.created, what) }
            let (_, seconds) = try context.timed {
                try context.client.send(
                    "POST", "/1.0/projects",
                    body: .object([
                        "name": .string(context.project),
                        "config": .stringMap(ConfigComparison.recorded(plan.project.config)),
                        "description": .string("compose project \(context.marker)"),
                    ]), action: "create project", resource: context.project)
            }
            return context.reporter.record(.created, what, seconds: seconds)
        }
        let (changed, config) = ConfigComparison.recordedUpdate(plan: plan.project.config, server: existing.config)
        guard !changed.isEmpty else { return context.reporter.record(.unchanged, what) }
        let detail = "config " + changed.joined(separator: ", ")
        if context.options.dryRun { return context.reporter.record(.updated, what, detail: detail) }
        let (_, seconds) = try context.timed {
            try context.client.send(
                "PUT", "/1.0/projects/\(context.project)",
                body: .object(["config": .stringMap(config), "description": .string(existing.description)]),
                action: "update project", resource: context.project)
        }
        context.reporter.record(.updated, what, detail: detail, seconds: seconds)
    }

    /// Network config keys whose values use placeholders; they are written once addresses are known.
    static func placeholderKeys(of network: String, _ context: ApplyContext) -> Set<String> {
        let config = context.plan.networks[network]?.config ?? [:]
        return Set(
            config.keys.filter {
                context.index.tokensByPointer[JSONPointer.make(["networks", network, "config", $0])] != nil
            })
    }

    static func convergeNetworks(_ context: ApplyContext, existing: [String: ServerObject]) throws {
        for name in context.plan.networks.keys.sorted() {
            guard let network = context.plan.networks[name], !network.external else { continue }
            let deferred = placeholderKeys(of: name, context)
            // Left as they are on update: placeholder values (written later) and per-member keys.
            let kept = deferred.union(ClusterNetworks.keysKeptAsCreated(network.config, context))
            let what = "network \(name)"
            guard let current = existing[name] else {
                try create(what, context) {
                    let config = network.config.filter { !deferred.contains($0.key) }
                    try createNetwork(name, network: network, config: config, context)
                }
                continue
            }
            if try ClusterNetworks.finishIfErrored(name, current, context) { continue }
            let changed = ConfigComparison.changedNetworkKeys(
                plan: network.config, server: current.config, ignoring: kept)
            try update(what, changed: changed, description: network.description, on: current, context) {
                let config = ConfigComparison.networkUpdate(
                    plan: network.config, server: current.config, keeping: kept)
                try putNetwork(name, config: config, description: network.description, context)
            }
        }
    }

    /// Writes the network values that use placeholders, once every instance has its address.
    static func convergeNetworkPlaceholders(_ context: ApplyContext) throws {
        let values = context.values.snapshot
        for name in context.plan.networks.keys.sorted() {
            guard let network = context.plan.networks[name], !network.external else { continue }
            let keys = placeholderKeys(of: name, context)
            if keys.isEmpty { continue }
            let what = "network \(name) placeholder values"
            var resolved: [String: String] = [:]
            for key in keys.sorted() {
                let pointer = JSONPointer.make(["networks", name, "config", key])
                resolved[key] = context.index.resolve(network.config[key] ?? "", at: pointer, values: values)
            }
            if resolved.count != keys.count {
                guard context.options.dryRun else {
                    throw ApplyError.unexpectedResponse(
                        request: "network \(name) config",
                        detail: "a placeholder it uses has no address (its instance was not converged)")
                }
                context.reporter.record(.updated, what, detail: "once the instances have their addresses")
                continue
            }
            let current = try context.client.network(name)
            let serverConfig = current?.config ?? [:]
            let changed = resolved.keys.filter { resolved[$0] != serverConfig[$0] }.sorted()
            // Unchanged values are not reported again: the network itself was counted already.
            if changed.isEmpty && current != nil { continue }
            if context.options.dryRun {
                context.reporter.record(.updated, what, detail: changed.joined(separator: ", "))
                continue
            }
            let config = serverConfig.merging(resolved) { _, new in new }
            let (_, seconds) = try context.timed {
                try putNetwork(name, config: config, description: current?.description ?? network.description, context)
            }
            context.reporter.record(.updated, what, detail: changed.joined(separator: ", "), seconds: seconds)
        }
    }

    static func convergeVolumes(_ context: ApplyContext, existing: [String: ServerObject]) throws {
        for name in context.plan.volumes.keys.sorted() {
            guard let volume = context.plan.volumes[name], !volume.external else { continue }
            let what = context.describeVolume(name, pool: volume.pool)
            let path = "/1.0/storage-pools/\(volume.pool)/volumes/custom"
            guard let current = existing[name] else {
                try create(what, context) {
                    try context.client.send(
                        "POST", path + context.targetQuery(volume: name), project: context.project,
                        body: .object([
                            "name": .string(name), "type": .string("custom"), "content_type": .string("filesystem"),
                            "config": .stringMap(ConfigComparison.recorded(volume.config)),
                            "description": .string(volume.description),
                        ]), action: "create storage volume", resource: what)
                }
                continue
            }
            let (changed, config) = ConfigComparison.recordedUpdate(plan: volume.config, server: current.config)
            try update(what, changed: changed, description: volume.description, on: current, context) {
                try context.client.send(
                    "PUT", path + "/\(name)", project: context.project,
                    body: .object(["config": .stringMap(config), "description": .string(volume.description)]),
                    action: "update storage volume", resource: what)
            }
        }
    }

    /// Creates, by `send`, a network or volume the server lacks (a dry run only reports it).
    private static func create(_ what: String, _ context: ApplyContext, _ send: () throws -> Void) throws {
        if context.options.dryRun {
            context.reporter.record(.created, what)
            return
        }
        let (_, seconds) = try context.timed { try send() }
        context.reporter.record(.created, what, seconds: seconds)
    }

    /// Updates, by `send`, a network or volume whose `changed` config keys or description differ
    /// from the plan's; reported unchanged when nothing does (a dry run only reports the update).
    private static func update(
        _ what: String, changed: [String], description: String, on current: ServerObject, _ context: ApplyContext,
        _ send: () throws -> Void
    ) throws {
        guard !changed.isEmpty || current.description != description else {
            context.reporter.record(.unchanged, what)
            return
        }
        let detail = (changed.isEmpty ? ["description"] : changed).joined(separator: ", ")
        if context.options.dryRun {
            context.reporter.record(.updated, what, detail: detail)
            return
        }
        let (_, seconds) = try context.timed { try send() }
        context.reporter.record(.updated, what, detail: detail, seconds: seconds)
    }

    /// Networks carrying this project's marker that the plan no longer has; Incus refuses to delete a
    /// network still in use, which is reported as a warning.
    static func removeStaleNetworks(_ context: ApplyContext) throws {
        let networks = try context.client.networks()
        for name in networks.keys.sorted() {
            guard let network = networks[name], context.plan.networks[name] == nil,
                network.config[PlanValidator.markerKey] == context.marker
            else { continue }
            try deleteNetwork(name, context)
        }
    }

    static func deleteNetwork(_ name: String, _ context: ApplyContext) throws {
        let what = "network \(name)"
        if context.options.dryRun { return context.reporter.record(.deleted, what) }
        do {
            let (_, seconds) = try context.timed {
                try context.client.send(
                    "DELETE", "/1.0/networks/\(name)", body: nil, action: "delete network", resource: name)
            }
            context.reporter.record(.deleted, what, seconds: seconds)
        } catch let error as IncusError {
            context.reporter.warning("kept \(what): \(error)")
        }
    }

    private static func createNetwork(
        _ name: String, network: PlanNetwork, config: [String: String], _ context: ApplyContext
    ) throws {
        do {
            try retryingTransientBridgeErrors {
                // A failed attempt may still have created the network: then finish it with a PUT.
                let existing = try context.client.network(name)
                if let existing, !ClusterNetworks.isPending(existing) {
                    try putNetwork(name, config: config, description: network.description, context)
                    return
                }
                if let members = context.placement?.members {
                    return try ClusterNetworks.create(name, network: network, config: config, members: members, context)
                }
                try context.client.send(
                    "POST", "/1.0/networks",
                    body: .object([
                        "name": .string(name), "type": .string(network.type),
                        "description": .string(network.description), "config": .stringMap(config),
                    ]), action: "create network", resource: name)
            }
        } catch let error as IncusError
            where error.message.localizedCaseInsensitiveContains("subnet")
            && (config["ipv4.address"] ?? "auto") == "auto"
        {
            let family = error.message.contains("IPv6") ? "IPv6" : "IPv4"
            throw ApplyError.autoAddress(
                network: name, composeName: network.composeName, family: family, incusMessage: error.message)
        }
    }

    private static func putNetwork(
        _ name: String, config: [String: String], description: String, _ context: ApplyContext
    )
        throws
    {
        try retryingTransientBridgeErrors {
            try context.client.send(
                "PUT", "/1.0/networks/\(name)",
                body: .object(["config": .stringMap(config), "description": .string(description)]),
                action: "update network", resource: name)
        }
    }

    /// Runs `body` again (at most twice more, half a second apart) when Incus fails a bridge change
    /// because a container's veth vanished while it listed the bridge's ports: a race with an
    /// instance being stopped or deleted at the same moment, gone on the next attempt.
    static func retryingTransientBridgeErrors(_ body: () throws -> Void) throws {
        var attempt = 1
        while true {
            do {
                try body()
                return
            } catch let error as IncusError
                where attempt < 3 && error.message.contains("Failed to delete bridge children interfaces")
            {
                attempt += 1
                usleep(500_000)
            }
        }
    }
}
