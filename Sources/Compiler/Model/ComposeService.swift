/// A compose service, its values typed and checked.
public struct ComposeService: Sendable {
    public var name: String
    public var keyLocation: SourceLocation
    /// `services.NAME`, the start of every path an error names.
    public var path: String { "services.\(name)" }

    public var scale: Located<Int64>?
    public var deployReplicas: Located<Int64>?
    /// Where `deploy:` is written.
    public var deployLocation: SourceLocation?
    public var containerName: Located<String>?
    public var hostname: Located<String>?

    /// `image:`; `nil` when absent or null.
    public var image: Located<String>?
    /// Where the `build` key is written; `nil` without one.
    public var buildKeyLocation: SourceLocation?
    public var pullPolicy: Located<String>?
    /// `x-incus.image`: an Incus image as REMOTE:ALIAS or ALIAS.
    public var incusImage: Located<String>?
    /// `x-incus.nat-proxy`.
    public var natProxy: Located<Bool>?
    /// `x-incus.target`: the cluster member or `@group` of this service's instances.
    public var target: Located<String>?
    public var incus: IncusBlock

    public var networkMode: Located<String>?
    /// The service's networks, as written.
    public var networks: [NetworkAttachment]
    /// Where `networks:` is written.
    public var networksLocation: SourceLocation?
    public var macAddress: String?
    public var ports: [PublishedPort]
    public var mounts: [Mount]
    public var tmpfs: [TmpfsMount]

    /// `environment`; a `nil` value is a variable to take from the environment that is unset there.
    public var environment: [(key: String, keyLocation: SourceLocation, value: String?)]
    public var labels: [(key: String, keyLocation: SourceLocation, value: String)]
    /// `sysctls`: kernel parameters and their values.
    public var sysctls: [(key: String, keyLocation: SourceLocation, value: String)]
    /// `ulimits`, in the order written.
    public var ulimits: [ResourceLimit]
    /// `extra_hosts`: host names and the address each resolves to, in order.
    public var extraHosts: [(host: String, address: String, location: SourceLocation)]
    /// `cap_add` and `cap_drop`, as written.
    public var capabilitiesAdded: [Located<String>]
    public var capabilitiesDropped: [Located<String>]
    /// `gpus`, then the GPU entries of `deploy.resources.reservations.devices`, as written.
    public var deviceRequests: [DeviceRequest]
    /// `devices`: host device nodes (or CDI names) given to the container, as written.
    public var devices: [DeviceMapping]
    /// `entrypoint` and `command` as words; `nil` when absent or null.
    public var entrypoint: Located<[String]>?
    public var command: Located<[String]>?
    public var workingDirectory: Located<String>?
    public var user: Located<String>?
    public var privileged: Bool
    /// `read_only`: the container's root file system mounted read-only.
    public var readOnly: Located<Bool>?
    /// `stop_grace_period` in nanoseconds: how long a clean stop may take before a kill.
    public var stopGracePeriod: Located<Int64>?
    /// `stop_signal`, as written.
    public var stopSignal: Located<String>?

    public var resources: Resources
    public var restart: Located<String>?
    /// `deploy.restart_policy.condition`.
    public var restartCondition: String?
    public var healthcheck: Healthcheck?
    public var dependsOn: [Dependency]
    /// `dns`, `dns_search` and `domainname` by compose key, each as a list of values.
    public var dnsSettings: [String: Located<[String]>]
    /// Where a non-empty `dns_opt` is written.
    public var dnsOptionsLocation: SourceLocation?
    public var fileReferences: [FileReference]
    /// Every key given a value other than null, in the order written, for keys translation does
    /// not map.
    public var keys: [Located<String>]
}

extension ComposeService {
    /// `cpus`, memory and process limits (`deploy.resources.limits` or the service keys).
    public struct Resources: Sendable {
        public var cpus: Located<Double>?
        /// Bytes.
        public var memory: Located<Int64>?
        public var pids: Int64?
        /// Where `deploy.resources.reservations` with more than `devices` are written.
        public var reservationsLocation: SourceLocation?
    }

    /// A request for host devices, as docker's `--gpus`: an entry of `gpus` or of
    /// `deploy.resources.reservations.devices`.
    public struct DeviceRequest: Sendable {
        public var driver: String?
        /// A number (`-1`: all, as docker writes `all`); `nil` with `device_ids`.
        public var count: String?
        public var deviceIDs: [String]
        public var capabilities: [String]
        public var location: SourceLocation
        /// Its compose path (`services.web.gpus[0]`), for messages.
        public var path: String
    }

    /// One `devices` entry: `source` on the host as `target` in the container, with docker's cgroup
    /// permissions (`rwm` unless written).
    public struct DeviceMapping: Sendable {
        public var source: String
        public var target: String
        public var permissions: String
        public var location: SourceLocation
        /// Its compose path (`services.web.devices[0]`), for messages.
        public var path: String
    }

    /// One entry of the service's `networks`.
    public struct NetworkAttachment: Sendable {
        public var network: String
        public var keyLocation: SourceLocation
        public var priority: Int64
        public var ipv4Address: Located<String>?
        public var ipv6Address: Located<String>?
        public var macAddress: String?
        public var aliases: [String]
    }

    /// One `depends_on` entry.
    /// One `ulimits` entry: a process resource and its soft and hard limit (-1: unlimited).
    public struct ResourceLimit: Sendable {
        public var name: String
        public var location: SourceLocation
        public var soft: Int64
        public var hard: Int64
    }

    public struct Dependency: Sendable {
        public var service: String
        public var keyLocation: SourceLocation
        public var condition: String
        public var required: Bool
    }

    /// The service's `healthcheck`; durations in nanoseconds, 0 when not given.
    public struct Healthcheck: Sendable {
        public var disabled = false
        public var test: [String] = []
        public var intervalNanoseconds: Int64 = 0
        public var timeoutNanoseconds: Int64 = 0
        public var startPeriodNanoseconds: Int64 = 0
        public var startIntervalNanoseconds: Int64 = 0
        public var retries: Int64 = 0
    }
}
