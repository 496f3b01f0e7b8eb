import Foundation
import Plan

/// Everything the stages of one apply share.
final class ApplyContext: @unchecked Sendable {
    let client: IncusClient
    let plan: Plan
    let options: ApplyOptions
    let reporter: Reporter
    let server: ServerInfo
    let index: PlaceholderIndex
    let values: PlaceholderValues
    let clientConfig: IncusClientConfig
    /// The bytes of every instance file (instance → target), read before the first request.
    let fileContents: [String: [String: Data]]
    /// The plan's OCI images, resolved on their registries by the preflight checks.
    let images = ResolvedImages()
    /// Start times and health outcomes of this apply's instances.
    let health = HealthTracker()
    /// Instances whose pinned address is outside its network's (changed) subnet: they take a new
    /// lease and are pinned again. Set before instances are converged, read-only then.
    var addressesToRenew: Set<String> = []
    /// On a cluster, the member of each instance and volume; set before networks are converged,
    /// read-only then. `nil` on a single server.
    var placement: ClusterPlacement?

    init(
        client: IncusClient, plan: Plan, options: ApplyOptions, reporter: Reporter, server: ServerInfo,
        clientConfig: IncusClientConfig, fileContents: [String: [String: Data]] = [:]
    ) {
        self.fileContents = fileContents
        self.client = client
        self.plan = plan
        self.options = options
        self.reporter = reporter
        self.server = server
        self.clientConfig = clientConfig
        index = PlaceholderIndex(plan: plan)
        values = PlaceholderValues()
    }

    /// The Incus project of every instance and volume.
    var project: String { plan.project.name }

    /// `?target=MEMBER` for creating instance or volume `name` on its member; empty off a cluster.
    func targetQuery(instance name: String) -> String {
        placement?.memberOfInstance[name].map { "?target=" + IncusClient.queryEncoded($0) } ?? ""
    }

    /// `?target=MEMBER` for storage volume `name`; empty off a cluster.
    func targetQuery(volume name: String) -> String {
        placement?.memberOfVolume[name].map { "?target=" + IncusClient.queryEncoded($0) } ?? ""
    }

    /// The owner marker value (`user.compose.project`).
    var marker: String { plan.project.config[PlanValidator.markerKey] ?? plan.project.name }

    /// `instance NAME (project P)`, the way action lines name an instance.
    func describeInstance(_ name: String) -> String { "instance \(name) (project \(project))" }

    /// `storage volume NAME (pool P, project Q)`, the way action lines name a volume.
    func describeVolume(_ name: String, pool: String) -> String {
        "storage volume \(name) (pool \(pool), project \(project))"
    }

    /// `COMPOSE_APPLY_TEST_PAUSE_AT=STAGE` (tests only): prints a marker and sleeps at `stage`, so that a
    /// test can kill apply at a known point.
    func pause(at stage: String, instance: String? = nil) {
        TestPause.pause(at: stage, instance: instance, environment: options.environment)
    }

    /// Measures `body` in seconds.
    func timed<T>(_ body: () throws -> T) rethrows -> (T, TimeInterval) {
        let start = Date()
        let result = try body()
        return (result, Date().timeIntervalSince(start))
    }
}
