import Foundation
import Plan

/// What `GET /1.0` says about the server.
public struct ServerInfo: Sendable, Equatable {
    /// `environment.server_version`, e.g. `6.0.4`.
    public var version: String
    /// `api_extensions`.
    public var extensions: Set<String>
    /// `environment.architectures`, the first being the server's own (`x86_64`).
    public var architectures: [String]
    /// `environment.server_pid`: the daemon's process, through which apply reaches the server's
    /// file system when it runs on this machine.
    public var processID: Int?
    /// `environment.server_clustered`: the server is a member of an Incus cluster.
    public var clustered: Bool

    public init(
        version: String, extensions: Set<String>, architectures: [String] = [], processID: Int? = nil,
        clustered: Bool = false
    ) {
        self.version = version
        self.extensions = extensions
        self.architectures = architectures
        self.processID = processID
        self.clustered = clustered
    }
}

/// An instance as the server holds it (local config and devices, not the expanded ones).
public struct ServerInstance: Sendable, Equatable {
    public var name: String
    /// `Running`, `Stopped`, …
    public var status: String
    public var config: [String: String]
    public var devices: [String: [String: String]]
    public var profiles: [String]
    public var description: String
    /// The whole object, to send back unchanged fields on update.
    public var raw: JSONValue

    /// On a cluster, the member the instance is on (`location`); empty on a single server (where
    /// Incus says `none`).
    public var location: String { IncusClient.member(raw["location"]) }
}

/// A network, a storage volume or a project: a name with a string config.
public struct ServerObject: Sendable, Equatable {
    public var name: String
    public var config: [String: String]
    public var description: String
    public var raw: JSONValue

    /// On a cluster, the member holding a volume on a local pool (`location`); empty otherwise.
    public var location: String { IncusClient.member(raw["location"]) }
}

extension IncusClient {
    /// `GET /1.0`.
    public func serverInfo() throws -> ServerInfo {
        let metadata = try get("/1.0", action: "read", resource: "server information")
        let extensions = (metadata["api_extensions"]?.arrayValue ?? []).compactMap(\.stringValue)
        let version = metadata["environment"]?["server_version"]?.stringValue ?? "unknown"
        let architectures = (metadata["environment"]?["architectures"]?.arrayValue ?? []).compactMap(\.stringValue)
        let environment = metadata["environment"]
        let processID = environment?["server_pid"]?.integerValue.map { Int($0) }
        return ServerInfo(
            version: version, extensions: Set(extensions), architectures: architectures, processID: processID,
            clustered: environment?["server_clustered"]?.boolValue ?? false)
    }

    /// Every instance of `project`, keyed by name.
    public func instances(project: String) throws -> [String: ServerInstance] {
        let list = try get(
            "/1.0/instances?recursion=1", project: project, action: "list instances", resource: "in project \(project)")
        var result: [String: ServerInstance] = [:]
        for item in list.arrayValue ?? [] {
            let instance = IncusClient.decodeInstance(item)
            result[instance.name] = instance
        }
        return result
    }

    /// One instance, or `nil` when it does not exist.
    public func instance(_ name: String, project: String) throws -> ServerInstance? {
        try getIfExists(
            "/1.0/instances/\(name)", project: project, action: "read instance",
            resource: "\(name) (project \(project))"
        ).map(IncusClient.decodeInstance)
    }

    /// The live network state of an instance (`/state` → `network`).
    public func instanceNetworkState(_ name: String, project: String) throws -> JSONValue {
        let state = try get(
            "/1.0/instances/\(name)/state", project: project, action: "read state of instance",
            resource: "\(name) (project \(project))")
        return state["network"] ?? .object([:])
    }

    /// Starts, stops or restarts an instance.
    /// `timeout`: seconds a clean stop may take before Incus gives up (restart and stop).
    public func changeState(
        _ name: String, project: String, action: String, force: Bool = false, timeout: Int = 30
    ) throws {
        try send(
            "PUT", "/1.0/instances/\(name)/state", project: project,
            body: .object(["action": .string(action), "timeout": .integer(Int64(timeout)), "force": .bool(force)]),
            action: "\(action) instance", resource: "\(name) (project \(project))")
    }

    /// Stops an instance cleanly within `timeout` seconds, else forcefully, as docker kills a
    /// container after its grace period (Incus itself only reports the timeout). `0` kills at once.
    public func stop(_ name: String, project: String, timeout: Int) throws {
        guard timeout > 0 else { return try changeState(name, project: project, action: "stop", force: true) }
        do {
            try changeState(name, project: project, action: "stop", timeout: timeout)
        } catch is IncusError {
            try changeState(name, project: project, action: "stop", force: true)
        }
    }

    /// A network of the default project, or `nil`.
    public func network(_ name: String) throws -> ServerObject? {
        try getIfExists("/1.0/networks/\(name)", action: "read network", resource: name).map(IncusClient.decodeObject)
    }

    /// Every network of the default project, keyed by name.
    public func networks() throws -> [String: ServerObject] {
        let list = try get("/1.0/networks?recursion=1", action: "list networks", resource: "in project default")
        var result: [String: ServerObject] = [:]
        for item in list.arrayValue ?? [] {
            let network = IncusClient.decodeObject(item)
            result[network.name] = network
        }
        return result
    }

    /// A project, or `nil`.
    public func project(_ name: String) throws -> ServerObject? {
        try getIfExists("/1.0/projects/\(name)", action: "read project", resource: name).map(IncusClient.decodeObject)
    }

    /// A custom storage volume, or `nil`.
    public func volume(_ name: String, pool: String, project: String) throws -> ServerObject? {
        try getIfExists(
            "/1.0/storage-pools/\(pool)/volumes/custom/\(name)", project: project, action: "read storage volume",
            resource: "\(name) (pool \(pool), project \(project))"
        ).map(IncusClient.decodeObject)
    }

    /// Every custom volume of `project` in `pool`, keyed by name.
    public func volumes(pool: String, project: String) throws -> [String: ServerObject] {
        var result: [String: ServerObject] = [:]
        for volume in try volumeList(pool: pool, project: project) { result[volume.name] = volume }
        return result
    }

    /// Every custom volume of `project` in `pool`, sorted by name and member: on a cluster, a name
    /// is on two members when a move was interrupted.
    public func volumeList(pool: String, project: String) throws -> [ServerObject] {
        let list = try get(
            "/1.0/storage-pools/\(pool)/volumes/custom?recursion=1", project: project, action: "list storage volumes",
            resource: "in pool \(pool) (project \(project))")
        return (list.arrayValue ?? []).map(IncusClient.decodeObject).sorted {
            ($0.name, $0.location) < ($1.name, $1.location)
        }
    }

    static func decodeInstance(_ value: JSONValue) -> ServerInstance {
        var devices: [String: [String: String]] = [:]
        for (name, device) in value["devices"]?.objectValue ?? [:] {
            devices[name] = device.stringMapValue ?? [:]
        }
        return ServerInstance(
            name: value["name"]?.stringValue ?? "", status: value["status"]?.stringValue ?? "",
            config: value["config"]?.stringMapValue ?? [:], devices: devices,
            profiles: (value["profiles"]?.arrayValue ?? []).compactMap(\.stringValue),
            description: value["description"]?.stringValue ?? "", raw: value)
    }

    /// A `location` field: the member's name, or empty for `none` (not on a cluster, or on no
    /// member in particular).
    static func member(_ location: JSONValue?) -> String {
        let name = location?.stringValue ?? ""
        return name == "none" ? "" : name
    }

    static func decodeObject(_ value: JSONValue) -> ServerObject {
        ServerObject(
            name: value["name"]?.stringValue ?? "", config: value["config"]?.stringMapValue ?? [:],
            description: value["description"]?.stringValue ?? "", raw: value)
    }
}

/// A file or directory inside an instance, as the file API describes it.
public struct InstanceFileState: Sendable, Equatable {
    /// `file`, `directory` or `symlink`.
    public var type: String
    public var uid: String
    public var gid: String
    /// Octal, as Incus prints it (`0444`).
    public var mode: String
    /// The bytes of a file (empty for a directory).
    public var content: Data
}

extension IncusClient {
    /// A path inside an instance (`GET /1.0/instances/NAME/files?path=…`), or `nil` when it does not exist.
    public func instanceFile(_ name: String, project: String, path: String) throws -> InstanceFileState? {
        let resource = "\(path) in instance \(name) (project \(project))"
        do {
            let response = try rawRequest(
                "GET", "/1.0/instances/\(name)/files?path=" + IncusClient.queryEncoded(path), project: project,
                body: nil, headers: [:], action: "read file", resource: resource)
            let type = response.headers["x-incus-type"] ?? "file"
            return InstanceFileState(
                type: type, uid: response.headers["x-incus-uid"] ?? "", gid: response.headers["x-incus-gid"] ?? "",
                mode: response.headers["x-incus-mode"] ?? "", content: type == "file" ? response.body : Data())
        } catch let error as IncusError where error.isNotFound {
            return nil
        }
    }

    /// Writes a file (or creates a directory, `type: "directory"`) inside an instance. Incus keeps the
    /// owner and mode of a file that exists already; delete it first to change them.
    public func pushInstanceFile(
        _ name: String, project: String, path: String, type: String = "file", content: Data, uid: String,
        gid: String, mode: String
    ) throws {
        _ = try rawRequest(
            "POST", "/1.0/instances/\(name)/files?path=" + IncusClient.queryEncoded(path), project: project,
            body: content,
            headers: [
                "Content-Type": "application/octet-stream", "X-Incus-type": type, "X-Incus-uid": uid,
                "X-Incus-gid": gid, "X-Incus-mode": mode, "X-Incus-write": "overwrite",
            ], action: type == "directory" ? "create directory" : "write file",
            resource: "\(path) in instance \(name) (project \(project))")
    }

    /// Deletes a file inside an instance.
    public func deleteInstanceFile(_ name: String, project: String, path: String) throws {
        _ = try rawRequest(
            "DELETE", "/1.0/instances/\(name)/files?path=" + IncusClient.queryEncoded(path), project: project,
            body: nil, headers: [:], action: "delete file", resource: "\(path) in instance \(name) (project \(project))"
        )
    }

    /// Percent-encodes a query value (a file path keeps its slashes).
    static func queryEncoded(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "/-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}
