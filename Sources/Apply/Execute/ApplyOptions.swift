/// How `compose-apply` runs.
public struct ApplyOptions: Sendable {
    /// Instances converged at the same time.
    public var parallel = 4
    /// Print what would change; send no write request.
    public var dryRun = false
    /// Delete and recreate every instance (never a storage volume).
    public var recreate = false
    /// Remove the project's instances, networks and project instead of converging.
    public var destroy = false
    /// With `destroy`: remove the project's storage volumes too.
    public var destroyVolumes = false
    /// Seconds to wait for a DHCP address before a placeholder fails.
    public var addressTimeout = 60
    /// Seconds to wait for another apply of the same project to finish (0: do not wait).
    public var lockTimeout = 60
    /// Refuse the plan when its compose inputs changed since it was compiled.
    public var checkSource = false
    /// `--wait`: return only once every instance with a healthcheck is healthy and every other one runs.
    public var wait = false
    /// `--wait-timeout`: seconds `wait` may take (`nil`: no limit).
    public var waitTimeout: Int?
    /// `compose-apply PLAN SERVICE...`: converge only these services' instances and the instances they
    /// depend on, and leave the rest of the project as it is (nothing is removed). Empty: everything.
    public var services: [String] = []
    /// `--pull`: `always` checks every OCI instance against what its tag names now, `missing` none;
    /// `nil` follows each service's `pull_policy` (the plan's `image.pull_policy`).
    public var pull: PullOverride?
    /// `--target`: on a cluster, the member or `@group` of the project instead of the plan's
    /// `x-incus.target`.
    public var target: String?
    /// The incus client environment (`INCUS_CONF`, `HOME`), for image remotes.
    public var environment: [String: String] = [:]

    public init() {}
}

/// `compose-apply --pull`, as `docker compose up --pull`.
public enum PullOverride: String, CaseIterable, Sendable {
    /// Rebuild an instance whose image is no longer what its tag names on the registry.
    case always
    /// Keep an existing instance's image (docker's default policy).
    case missing
}
