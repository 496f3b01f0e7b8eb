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
        let context = try makeContext(
            plan: plan, client: client, options: options, reporter: reporter, readFiles: true)
        // Read-only checks first: a refused plan leaves no trace, not even a lock.
        let firstLook = try Preflight.run(context)
        _ = try ClusterPlacement.resolve(context, snapshot: firstLook, askingIncus: false)
        var lock: ProjectLock?
        // Released however the run ends (a failure after this point included).
        defer { lock?.release() }
        if !options.dryRun {
            lock = try ProjectLock.acquire(context, create: true)
        } else if let holder = firstLook.project?.config[ProjectLock.key] {
            reporter.note("note: project \(context.project) is locked by an apply: \(holder)")
        }
        // Read again under the lock: what an apply that held it before left behind.
        var snapshot = options.dryRun ? firstLook : try Preflight.run(context)
        context.pause(at: "locked")
        if !options.recreate { takePinnedAddresses(context, snapshot: snapshot) }
        try convergeSharedResources(context, snapshot: &snapshot, createdProject: lock?.createdProject == true)
        let selected = try convergeInstances(context, snapshot: snapshot)
        try finish(context, instances: selected, snapshot: snapshot)
        return reporter.summary
    }

    /// Addresses the instances already hold become the values of their placeholders, except a
    /// lease in a subnet the network no longer has, which is taken again (see InstanceConverger).
    private static func takePinnedAddresses(_ context: ApplyContext, snapshot: ServerSnapshot) {
        let plan = context.plan
        for (token, value) in AddressDiscovery.pinnedValues(plan: plan, server: snapshot.instances) {
            if let placeholder = plan.placeholders[token], !AddressDiscovery.fits(value, placeholder, plan: plan) {
                context.addressesToRenew.insert(placeholder.instance)
                continue
            }
            context.values.set(token, value)
        }
    }

    /// The project, the member of everything on a cluster, networks, moves, then storage volumes.
    private static func convergeSharedResources(
        _ context: ApplyContext, snapshot: inout ServerSnapshot, createdProject: Bool
    ) throws {
        if !createdProject {
            try SharedResources.convergeProject(context, existing: snapshot.project)
        }
        context.placement = try ClusterPlacement.resolve(context, snapshot: snapshot, askingIncus: true)
        try context.placement?.record(context)
        context.pause(at: "after-project")
        try Interruption.check(before: "networks")
        try SharedResources.convergeNetworks(context, existing: snapshot.networks)
        context.pause(at: "after-networks")
        try Interruption.check(before: "cluster moves")
        try ClusterMoves.run(context, snapshot: &snapshot)
        try Interruption.check(before: "storage volumes")
        try SharedResources.convergeVolumes(context, existing: snapshot.volumes)
        context.pause(at: "after-volumes")
    }

    /// The selected instances, in `depends_on` order on `options.parallel` workers; returns their
    /// names. Throws `InstanceFailures` when any failed, once every instance that could run ran.
    private static func convergeInstances(_ context: ApplyContext, snapshot: ServerSnapshot) throws -> Set<String> {
        let plan = context.plan
        let converger = InstanceConverger(context: context)
        let selected = try ServiceSelection.instancesWithDependencies(plan, services: context.options.services)
        let dependencies = plan.instances.filter { selected.contains($0.key) }.mapValues { Set($0.dependsOn) }
        let total = dependencies.count
        let progress = ProgressCounter()
        let failures = Scheduler(dependencies: dependencies).run(workers: context.options.parallel) { name in
            try Interruption.check(before: context.describeInstance(name))
            context.reporter.progress("instances: \(progress.started()) of \(total) started, converging \(name)")
            try converger.converge(name, existing: snapshot.instances[name])
        }
        guard failures.isEmpty else {
            reportNotDone(context, failures: failures)
            throw InstanceFailures(failures: failures.mapValues { "\($0)" })
        }
        context.pause(at: "instances-done")
        return selected
    }

    /// After the instances: placeholder values other instances and networks use, removals (when
    /// the whole project is applied), and `--wait`.
    private static func finish(_ context: ApplyContext, instances: Set<String>, snapshot: ServerSnapshot) throws {
        let options = context.options
        try Interruption.check(before: "placeholder values")
        let converger = InstanceConverger(context: context)
        for name in instances.sorted() where context.index.usesForeignTokens(name) {
            try converger.convergeForeignPlaceholders(name)
        }
        context.pause(at: "before-network-placeholders")
        try SharedResources.convergeNetworkPlaceholders(context)
        try Interruption.check(before: "removals")
        // Converging some services leaves the rest of the project as it is.
        if options.services.isEmpty {
            try removeStaleInstances(context, snapshot: snapshot)
            if snapshot.project != nil || !options.dryRun {
                try SharedResources.removeStaleNetworks(context)
            }
        }
        if options.wait && !options.dryRun {
            context.reporter.note("waiting until every instance is healthy or running (--wait)")
            try HealthWaiter(context: context).waitForAll()
        }
    }

    /// Lists what an apply with failed instances did not do: each failed or skipped instance with its
    /// reason, and the later stages that did not run.
    private static func reportNotDone(_ context: ApplyContext, failures: [String: Error]) {
        let reporter = context.reporter
        let failed = failures.filter { !isDependencyFailure($0.value) && !isInterruption($0.value) }
        let skipped = failures.filter { isDependencyFailure($0.value) || isInterruption($0.value) }
        let done = context.plan.instances.keys.filter { failures[$0] == nil }.sorted()
        reporter.note("done: \(done.isEmpty ? "no instance" : "instances " + done.joined(separator: ", ")) converged")
        for name in failed.keys.sorted() {
            reporter.note("not done: \(context.describeInstance(name)) failed: \(failures[name].map { "\($0)" } ?? "")")
        }
        for name in skipped.keys.sorted() {
            reporter.note(
                "not done: \(context.describeInstance(name)) skipped: \(failures[name].map { "\($0)" } ?? "")")
        }
        reporter.note(
            "not done: placeholder values in networks and other instances, removal of instances and networks no "
                + "longer planned (they run once every instance converged); run apply again after fixing the cause")
    }

    private static func isInterruption(_ error: Error) -> Bool {
        if case .interrupted = error as? ApplyError { return true }
        return false
    }

    private static func isDependencyFailure(_ error: Error) -> Bool {
        if case .dependencyFailed = error as? ApplyError { return true }
        return false
    }

    static func makeContext(
        plan: Plan, client: IncusClient, options: ApplyOptions, reporter: Reporter, readFiles: Bool = false
    ) throws -> ApplyContext {
        // Secrets and configs are read before the first request: a missing one changes nothing.
        let fileContents = readFiles ? try InstanceFiles.resolve(plan, environment: options.environment) : [:]
        let server = try client.serverInfo()
        let needsRemotes = plan.instances.values.contains { $0.image.kind == "incus" && $0.image.remote != "local" }
        let clientConfig =
            needsRemotes
            ? try IncusClientConfig.load(environment: options.environment)
            : IncusClientConfig(directory: options.environment["INCUS_CONF"] ?? "~/.config/incus", remotes: [:])
        let adapted = try ServerCapabilities.adapt(plan, client: client, server: server, reporter: reporter)
        return ApplyContext(
            client: client, plan: adapted, options: options, reporter: reporter, server: server,
            clientConfig: clientConfig, fileContents: fileContents)
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
