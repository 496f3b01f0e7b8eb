/// The deployment plan: the contract between `compose-compile` and `compose-apply`.
///
/// Every Incus `config` map and every device is exactly the string-to-string map the Incus REST API
/// takes, so apply sends them as they are and a reviewer reads what the server will hold.
/// docs/plan-format.md documents each field; docs/plan.schema.json is its JSON Schema.
public struct Plan: Equatable, Sendable {
    /// The only plan format this build reads and writes.
    public static let currentFormat: Int64 = 1

    public var format: Int64 = Plan.currentFormat
    /// The compose inputs this plan was compiled from.
    public var source: PlanSource
    public var project: PlanProject
    /// Keyed by Incus network name.
    public var networks: [String: PlanNetwork] = [:]
    /// Keyed by Incus storage volume name.
    public var volumes: [String: PlanVolume] = [:]
    /// Keyed by Incus instance name.
    public var instances: [String: PlanInstance] = [:]
    /// Keyed by token (the text between `{{` and `}}`).
    public var placeholders: [String: PlanPlaceholder] = [:]
    public var warnings: [PlanWarning] = []

    public init(source: PlanSource, project: PlanProject) {
        self.source = source
        self.project = project
    }
}

/// Where a plan came from, so apply can tell when its inputs changed since compiling.
public struct PlanSource: Equatable, Sendable {
    /// Absolute path of the compose project directory.
    public var projectDirectory: String
    /// Every file read, in load order, with the sha256 of its bytes.
    public var files: [PlanSourceFile]

    public init(projectDirectory: String, files: [PlanSourceFile]) {
        self.projectDirectory = projectDirectory
        self.files = files
    }
}

/// One input file and its digest.
public struct PlanSourceFile: Equatable, Sendable {
    public var path: String
    public var sha256: String

    public init(path: String, sha256: String) {
        self.path = path
        self.sha256 = sha256
    }
}

/// The Incus project that holds every instance of the compose project.
public struct PlanProject: Equatable, Sendable {
    public var name: String
    public var config: [String: String]
    /// `x-incus.target`: on an Incus cluster, the member (`m3`) or cluster group (`@fast`) where the
    /// whole project runs; `nil` lets Incus choose a member for it (see docs/clusters.md).
    public var target: String?

    public init(name: String, config: [String: String], target: String? = nil) {
        self.name = name
        self.config = config
        self.target = target
    }
}

/// An Incus network. Networks live in the default project (the compose project's Incus project
/// has `features.networks=false`, which NAT proxies require), hence their project-prefixed names.
public struct PlanNetwork: Equatable, Sendable {
    /// The network's key under the compose file's `networks:`.
    public var composeName: String
    /// An external network is used, never created, changed or deleted.
    public var external: Bool
    /// `bridge` for networks the plan manages.
    public var type: String
    public var description: String
    public var config: [String: String]

    public init(composeName: String, external: Bool, type: String, description: String, config: [String: String]) {
        self.composeName = composeName
        self.external = external
        self.type = type
        self.description = description
        self.config = config
    }
}

/// A custom storage volume in the compose project's Incus project.
public struct PlanVolume: Equatable, Sendable {
    public var composeName: String
    public var external: Bool
    public var pool: String
    public var description: String
    public var config: [String: String]

    public init(composeName: String, external: Bool, pool: String, description: String, config: [String: String]) {
        self.composeName = composeName
        self.external = external
        self.pool = pool
        self.description = description
        self.config = config
    }
}

/// Which image an instance is created from.
public struct PlanImage: Equatable, Sendable {
    /// `oci` for a compose `image:` reference, `incus` for `x-incus.image: REMOTE:ALIAS`.
    public var kind: String
    /// The normalized OCI reference (`docker.io/library/nginx:latest`) or the Incus alias.
    public var reference: String
    /// The Incus remote for `incus` images (`local` when none was given); empty for OCI images.
    public var remote: String
    /// Compose's `pull_policy: always` on an OCI image: apply asks the registry what the tag names now
    /// and rebuilds an instance built from another image. `false` (docker's `missing`): an existing
    /// instance keeps the image it was built from.
    public var pullAlways: Bool

    public init(kind: String, reference: String, remote: String, pullAlways: Bool = false) {
        self.kind = kind
        self.reference = reference
        self.remote = remote
        self.pullAlways = pullAlways
    }
}

/// One Incus instance (a container) for one replica of a compose service.
public struct PlanInstance: Equatable, Sendable {
    public var service: String
    /// 1-based replica number.
    public var replica: Int64
    public var image: PlanImage
    public var config: [String: String]
    /// Keyed by device name; each device is the map Incus takes, including `type`.
    public var devices: [String: [String: String]]
    /// Instances that must be created and started first, sorted.
    public var dependsOn: [String]
    /// Files apply pushes into the instance (compose secrets and configs), keyed by absolute target path.
    public var files: [String: PlanFile]
    /// The service's `healthcheck`; `nil` when compose gives none (an OCI image's own HEALTHCHECK
    /// then applies, as in docker).
    public var healthcheck: PlanHealthcheck?
    /// Dependencies (of `dependsOn`) to wait for beyond being started: `healthy`
    /// (`service_healthy`) or `completed` (`service_completed_successfully`).
    public var waitFor: [String: String]
    /// Sources of bind mounts (disk devices) that apply creates as directories when they are
    /// missing on a local server, as docker creates them; sorted.
    public var createHostPaths: [String]
    /// The service's `x-incus.target`: on a cluster, the member or `@group` this instance runs on
    /// instead of the project's; `nil` follows the project.
    public var target: String?

    public init(
        service: String, replica: Int64, image: PlanImage, config: [String: String],
        devices: [String: [String: String]], dependsOn: [String], files: [String: PlanFile] = [:],
        healthcheck: PlanHealthcheck? = nil, waitFor: [String: String] = [:], createHostPaths: [String] = [],
        target: String? = nil
    ) {
        self.service = service
        self.replica = replica
        self.image = image
        self.config = config
        self.devices = devices
        self.dependsOn = dependsOn
        self.files = files
        self.healthcheck = healthcheck
        self.waitFor = waitFor
        self.createHostPaths = createHostPaths
        self.target = target
    }
}

extension PlanInstance {
    /// The config key where apply records which image an instance was built from (`imageRecord`).
    public static let imageRecordKey = "user.compose.image"

    /// What `imageRecordKey` holds: `oci:REFERENCE`, or `incus:REMOTE:ALIAS`.
    public var imageRecord: String {
        image.kind == "oci" ? "oci:\(image.reference)" : "incus:\(image.remote):\(image.reference)"
    }

    /// The Incus key holding how many seconds a clean stop may take before the instance is killed
    /// (compose's `stop_grace_period`); Incus uses it when its host shuts down, apply when it stops.
    public static let stopTimeoutKey = "boot.host_shutdown_timeout"

    /// Incus's default for `stopTimeoutKey`, used when the plan leaves it out.
    public static let defaultStopTimeoutSeconds = 30

    /// Seconds a clean stop may take: the plan's `stopTimeoutKey`, else Incus's default.
    public var stopTimeoutSeconds: Int {
        config[Self.stopTimeoutKey].flatMap { Int($0) } ?? Self.defaultStopTimeoutSeconds
    }

    /// Whether the root disk is read-only (compose's `read_only`).
    public var hasReadOnlyRoot: Bool { devices["root"]?["readonly"] == "true" }

    /// The config key where apply records which files it pushed (`filesRecord`), so that a file
    /// leaving the plan is deleted from the instance, as docker's recreated container loses it.
    public static let filesRecordKey = "user.compose.files"

    /// What `filesRecordKey` holds: the targets of `files`, sorted, one per line; `nil` without files.
    public var filesRecord: String? {
        files.isEmpty ? nil : files.keys.sorted().joined(separator: "\n")
    }
}

/// A compose `healthcheck`, run by apply through the Incus exec API with docker's timing rules.
///
/// Values compose leaves out are 0 here: the image's HEALTHCHECK gives them, else docker's
/// defaults (interval 30 s, timeout 30 s, 3 retries, start period 0, start interval 5 s).
public struct PlanHealthcheck: Equatable, Sendable {
    /// Docker's form: `["CMD", program, args…]`, `["CMD-SHELL", command]`, `["NONE"]`; empty when
    /// compose gives no `test` (the image's then).
    public var test: [String]
    /// `disable: true`: no check, not even the image's.
    public var disabled: Bool
    public var intervalMilliseconds: Int64
    public var timeoutMilliseconds: Int64
    public var startPeriodMilliseconds: Int64
    public var startIntervalMilliseconds: Int64
    public var retries: Int64

    public init(
        test: [String], disabled: Bool = false, intervalMilliseconds: Int64 = 0, timeoutMilliseconds: Int64 = 0,
        startPeriodMilliseconds: Int64 = 0, startIntervalMilliseconds: Int64 = 0, retries: Int64 = 0
    ) {
        self.test = test
        self.disabled = disabled
        self.intervalMilliseconds = intervalMilliseconds
        self.timeoutMilliseconds = timeoutMilliseconds
        self.startPeriodMilliseconds = startPeriodMilliseconds
        self.startIntervalMilliseconds = startIntervalMilliseconds
        self.retries = retries
    }
}

/// A file apply writes into an instance: a compose secret or config.
///
/// The plan never holds the contents of secret or config files, only where to read them, so a plan can
/// be reviewed and committed without leaking them.
public struct PlanFile: Equatable, Sendable {
    /// `file` (read the host file at `source`), `environment` (read the variable named `source` from
    /// compose-apply's environment) or `content` (`source` is the text itself, written inline in the
    /// compose file's `configs:`).
    public var kind: String
    public var source: String
    /// Owner and permissions as Incus's file API takes them (`"0"`, `"0444"`).
    public var uid: String
    public var gid: String
    public var mode: String

    public init(kind: String, source: String, uid: String, gid: String, mode: String) {
        self.kind = kind
        self.source = source
        self.uid = uid
        self.gid = gid
        self.mode = mode
    }
}

/// A value known only at apply time: an instance's DHCP address (once it runs), or a value of an OCI
/// image's config (once the image is resolved on its registry).
public struct PlanPlaceholder: Equatable, Sendable {
    /// The instance whose address it is; empty for an image value.
    public var instance: String
    /// The NIC device name; empty for an image value.
    public var device: String
    /// `ipv4` or `ipv6`; empty for an image value.
    public var family: String
    /// The normalized OCI reference whose config holds the value; empty for an address.
    public var image: String
    /// `entrypoint` or `cmd`: which list of the image's config, shell-quoted and joined by spaces as
    /// Incus's `oci.entrypoint` takes it; empty for an address.
    public var property: String
    /// JSON pointers (into the plan) of every string that contains `{{token}}`; apply substitutes there only.
    public var pointers: [String]

    /// An address placeholder.
    public init(instance: String, device: String, family: String, pointers: [String]) {
        self.instance = instance
        self.device = device
        self.family = family
        self.image = ""
        self.property = ""
        self.pointers = pointers
    }

    /// An image value placeholder.
    public init(image: String, property: String, pointers: [String]) {
        self.instance = ""
        self.device = ""
        self.family = ""
        self.image = image
        self.property = property
        self.pointers = pointers
    }

    /// True for a value of an image's config, false for an address.
    public var isImageValue: Bool { !image.isEmpty }

    /// The token of an image value placeholder: `image.entrypoint:docker.io/library/nginx:latest`.
    public static func imageToken(property: String, image: String) -> String { "image.\(property):\(image)" }
}

/// A compile-time warning kept in the plan for reviewers.
public struct PlanWarning: Equatable, Sendable {
    public var code: String
    public var message: String
    public var file: String
    public var line: Int64
    public var column: Int64

    public init(code: String, message: String, file: String, line: Int64, column: Int64) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
        self.column = column
    }
}
