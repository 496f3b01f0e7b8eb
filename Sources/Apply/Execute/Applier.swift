import Foundation
import Plan

/// Instances that could not be converged, each with its error.
public struct InstanceFailures: Error, CustomStringConvertible {
    /// Instance name → what went wrong, sorted by name when printed.
    public var failures: [String: String]

    public var description: String {
        failures.keys.sorted().map { "instance \($0): \(failures[$0] ?? "")" }.joined(separator: "\n")
    }
}

/// Converges the server to a plan: project, networks, volumes, then instances in `depends_on` order.
public enum Applier {
    /// Applies `plan` (already validated) and returns the totals. Throws on the first refused
    /// preflight check, a failed shared resource, or `InstanceFailures` after every runnable instance ran.
    public static func apply(plan: Plan, client: IncusClient, options: ApplyOptions, reporter: Reporter) throws
        -> Summary
    {
        let context = try makeContext(plan: plan, client: client, options: options, reporter: reporter)
        let snapshot = try Preflight.run(context)
        if !options.recreate {
            for (token, value) in AddressDiscovery.pinnedValues(plan: plan, server: snapshot.instances) {
                context.values.set(token, value)
            }
        }
        try SharedResources.convergeProject(context, existing: snapshot.project)
        try SharedResources.convergeNetworks(context, existing: snapshot.networks)
        try SharedResources.convergeVolumes(context, existing: snapshot.volumes)

        let converger = InstanceConverger(context: context)
        let dependencies = plan.instances.mapValues { Set($0.dependsOn) }
        let total = dependencies.count
        let progress = ProgressCounter()
        let failures = Scheduler(dependencies: dependencies).run(workers: options.parallel) { name in
            reporter.progress("instances: \(progress.started()) of \(total) started, converging \(name)")
            try converger.converge(name, existing: snapshot.instances[name])
        }
        guard failures.isEmpty else {
            throw InstanceFailures(failures: failures.mapValues { "\($0)" })
        }
        for name in plan.instances.keys.sorted() where context.index.usesForeignTokens(name) {
            try converger.convergeForeignPlaceholders(name)
        }
        try SharedResources.convergeNetworkPlaceholders(context)
        try removeStaleInstances(context, snapshot: snapshot)
        if snapshot.project != nil || !options.dryRun {
            try SharedResources.removeStaleNetworks(context)
        }
        return reporter.summary
    }

    static func makeContext(plan: Plan, client: IncusClient, options: ApplyOptions, reporter: Reporter) throws
        -> ApplyContext
    {
        let server = try client.serverInfo()
        let needsRemotes = plan.instances.values.contains { $0.image.kind == "incus" && $0.image.remote != "local" }
        let clientConfig =
            needsRemotes
            ? try IncusClientConfig.load(environment: options.environment)
            : IncusClientConfig(directory: options.environment["INCUS_CONF"] ?? "~/.config/incus", remotes: [:])
        return ApplyContext(
            client: client, plan: plan, options: options, reporter: reporter, server: server,
            clientConfig: clientConfig)
    }

    /// Instances carrying this project's marker that the plan no longer lists (a lowered replica count).
    private static func removeStaleInstances(_ context: ApplyContext, snapshot: ServerSnapshot) throws {
        let requests = InstanceRequests(context: context)
        for name in snapshot.instances.keys.sorted() {
            guard let instance = snapshot.instances[name], context.plan.instances[name] == nil,
                instance.config[PlanValidator.markerKey] == context.marker
            else { continue }
            let what = context.describeInstance(name)
            if context.options.dryRun {
                context.reporter.record(.deleted, what, detail: "no longer in the plan")
                continue
            }
            let (_, seconds) = try context.timed { try requests.delete(instance) }
            context.reporter.record(.deleted, what, detail: "no longer in the plan", seconds: seconds)
        }
    }
}

/// Counts started jobs across worker threads, for the progress line.
final class ProgressCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func started() -> Int {
        lock.lock()
        defer { lock.unlock() }
        count += 1
        return count
    }
}
