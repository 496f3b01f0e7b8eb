import Foundation
import Plan

/// `--destroy`: removes the project's instances, networks and the project; its storage volumes only
/// with `--volumes`. External networks and volumes are never touched.
public enum Destroyer {
    public static func destroy(plan: Plan, client: IncusClient, options: ApplyOptions, reporter: Reporter) throws
        -> Summary
    {
        let context = try Applier.makeContext(plan: plan, client: client, options: options, reporter: reporter)
        let project = try client.project(context.project)
        var volumesLeft = false
        let lock = try project == nil || options.dryRun ? nil : ProjectLock.acquire(context, create: false)
        defer { lock?.release() }  // after the project is deleted, this only stops the heartbeat
        if let project {
            guard project.config[PlanValidator.markerKey] == context.marker else {
                throw ApplyError.notOwned(
                    kind: "project", name: context.project, project: context.marker,
                    owner: project.config[PlanValidator.markerKey])
            }
            try deleteInstances(context)
            volumesLeft = try deleteVolumes(context)
        } else {
            reporter.note("project \(context.project) does not exist; nothing to remove there")
        }
        let networks = try client.networks()
        for name in networks.keys.sorted() {
            guard let network = networks[name], plan.networks[name]?.external != true else { continue }
            // Pending: defined on the cluster's members by an apply that stopped before creating it
            // (the marker is in the config it did not get to write).
            let pendingOfPlan = plan.networks[name] != nil && ClusterNetworks.isPending(network)
            guard network.config[PlanValidator.markerKey] == context.marker || pendingOfPlan else { continue }
            try SharedResources.deleteNetwork(name, context)
        }
        if project != nil {
            if volumesLeft {
                reporter.warning(
                    "kept project \(context.project): it still holds storage volumes (add --volumes to remove them)")
            } else if options.dryRun {
                reporter.record(.deleted, "project \(context.project)")
            } else {
                let (_, seconds) = try context.timed {
                    try client.send(
                        "DELETE", "/1.0/projects/\(context.project)", body: nil, action: "delete project",
                        resource: context.project)
                }
                reporter.record(.deleted, "project \(context.project)", seconds: seconds)
            }
        }
        return reporter.summary
    }

    private static func deleteInstances(_ context: ApplyContext) throws {
        let instances = try context.client.instances(project: context.project)
        let requests = InstanceRequests(context: context)
        let failures = Scheduler(dependencies: instances.mapValues { _ in [] }).run(workers: context.options.parallel) {
            name in
            guard let instance = instances[name] else { return }
            let what = context.describeInstance(name)
            if context.options.dryRun { return context.reporter.record(.deleted, what) }
            let (_, seconds) = try context.timed { try requests.delete(instance) }
            context.reporter.record(.deleted, what, seconds: seconds)
        }
        if !failures.isEmpty { throw InstanceFailures(failures: failures.mapValues { "\($0)" }) }
    }

    /// Deletes the project's custom volumes when asked; returns whether any volume remains.
    private static func deleteVolumes(_ context: ApplyContext) throws -> Bool {
        var pools = Set(context.plan.volumes.values.map(\.pool))
        if pools.isEmpty { pools.insert("default") }
        var remaining = false
        for pool in pools.sorted() {
            let volumes: [ServerObject]
            do {
                volumes = try context.client.volumeList(pool: pool, project: context.project)
            } catch let error as IncusError where error.isNotFound {
                continue
            }
            for volume in volumes {
                let name = volume.name
                let what = context.describeVolume(name, pool: pool)
                guard context.options.destroyVolumes, context.plan.volumes[name]?.external != true else {
                    context.reporter.note("kept \(what)")
                    remaining = true
                    continue
                }
                if context.options.dryRun {
                    context.reporter.record(.deleted, what)
                    continue
                }
                let (_, seconds) = try context.timed {
                    // On a cluster, the member that holds it (one name may be on two after a move stopped).
                    let member = volume.location.isEmpty ? "" : "?target=" + IncusClient.queryEncoded(volume.location)
                    try context.client.send(
                        "DELETE", "/1.0/storage-pools/\(pool)/volumes/custom/\(name)" + member,
                        project: context.project,
                        body: nil, action: "delete storage volume", resource: what)
                }
                context.reporter.record(.deleted, what, seconds: seconds)
            }
        }
        return remaining
    }
}
