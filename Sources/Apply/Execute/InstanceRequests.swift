import Foundation
import Plan

/// The instance requests apply sends: create, start, update (live or stopped), delete.
struct InstanceRequests {
    let context: ApplyContext

    private var client: IncusClient { context.client }
    private var project: String { context.project }

    private func resource(_ name: String) -> String { "\(name) (project \(project))" }

    /// Creates a stopped container with no profiles and exactly the given config and devices.
    func create(_ name: String, config: [String: String], devices: [String: [String: String]]) throws {
        guard let instance = context.plan.instances[name] else { return }
        guard instance.image.kind == "oci" else { return try send(instance) }
        try context.images.creating(instance.image.reference, instance: name, reporter: context.reporter) {
            try send(instance)
        }
        func send(_ instance: PlanInstance) throws {
            try client.send(
                "POST", "/1.0/instances" + context.targetQuery(instance: name), project: project,
                body: .object([
                    "name": .string(name), "type": .string("container"), "profiles": .array([]),
                    "config": .stringMap(config), "devices": .object(devices.mapValues { .stringMap($0) }),
                    "source": ImageSource.make(instance.image, clientConfig: context.clientConfig),
                    "start": .bool(false),
                ]), action: "create instance", resource: resource(name))
        }
    }

    /// Rebuilds a stopped instance from its plan image (Incus's rebuild API: the root disk is made
    /// anew, config, devices and attached volumes stay) and returns it as the server has it then.
    func rebuild(_ server: ServerInstance) throws -> ServerInstance {
        guard let instance = context.plan.instances[server.name] else { return server }
        if server.status != "Stopped" { try stop(server.name) }
        let source = ImageSource.make(instance.image, clientConfig: context.clientConfig)
        func send() throws {
            try client.send(
                "POST", "/1.0/instances/\(server.name)/rebuild", project: project, body: .object(["source": source]),
                action: "rebuild instance", resource: resource(server.name))
        }
        if instance.image.kind == "oci" {
            try context.images.creating(instance.image.reference, instance: server.name, reporter: context.reporter) {
                try send()
            }
        } else {
            try send()
        }
        return try fetch(server.name)
    }

    func start(_ name: String) throws {
        try MountPoints.prepare(name, context: context)
        try client.changeState(name, project: project, action: "start")
    }

    /// Stops cleanly, or forcefully when the instance does not shut down in time: the plan's
    /// `stop_grace_period` (`boot.host_shutdown_timeout`), as docker kills after it.
    func stop(_ name: String) throws {
        let seconds = context.plan.instances[name]?.stopTimeoutSeconds ?? PlanInstance.defaultStopTimeoutSeconds
        try client.stop(name, project: project, timeout: seconds)
    }

    /// Stops (forcefully) and deletes an instance. Its storage volumes stay.
    func delete(_ server: ServerInstance) throws {
        if server.status != "Stopped" {
            try client.changeState(server.name, project: project, action: "stop", force: true)
        }
        try client.send(
            "DELETE", "/1.0/instances/\(server.name)", project: project, body: nil, action: "delete instance",
            resource: resource(server.name))
    }

    /// Replaces the instance's local config and devices (`PUT`), keeping what Incus manages itself.
    func put(_ server: ServerInstance, config: [String: String], devices: [String: [String: String]]) throws {
        // What Incus manages itself goes back as it is, but for devices the request removes: their
        // volatile keys go with them (a project with limits refuses them otherwise).
        let removedDevices = Set(server.devices.keys).subtracting(devices.keys)
        var fullConfig = server.config.filter { key, _ in
            let parts = key.split(separator: ".")
            let ofRemovedDevice = parts.count > 2 && parts[0] == "volatile" && removedDevices.contains(String(parts[1]))
            return ConfigComparison.isServerManagedInstanceKey(key) && !ofRemovedDevice
        }
        fullConfig.merge(config) { _, planned in planned }
        var body: [String: JSONValue] = [
            "config": .stringMap(fullConfig), "devices": .object(devices.mapValues { .stringMap($0) }),
            "profiles": .array([]), "description": .string(server.description),
        ]
        for key in ["architecture", "ephemeral", "stateful"] {
            if let value = server.raw[key] { body[key] = value }
        }
        try client.send(
            "PUT", "/1.0/instances/\(server.name)", project: project, body: .object(body), action: "update instance",
            resource: resource(server.name))
    }

    /// `put`, and when Incus refuses the change on a running instance, stop, update and start again.
    /// Returns whether a restart was needed.
    @discardableResult
    func update(_ server: ServerInstance, config: [String: String], devices: [String: [String: String]]) throws -> Bool
    {
        // Incus accepts some keys on a running container but only uses them at the next start
        // (`raw.lxc` mounts, `environment.*` for the container's init, `oci.*`, `security.*`): a
        // change to one of those restarts the instance, as docker compose recreates a container.
        var startTimeKeys = InstanceRequests.changedStartTimeKeys(from: server.config, to: config)
        // The root disk turns read-only (read_only) or writable only when the container starts.
        if server.devices["root"]?["readonly"] != devices["root"]?["readonly"] {
            startTimeKeys.append("the root disk's readonly")
        }
        if server.status == "Running" && !startTimeKeys.isEmpty {
            context.reporter.note(
                "note: instance \(server.name) takes \(startTimeKeys.joined(separator: ", ")) only when it starts;"
                    + " restarting it")
            try stop(server.name)
            // Stopping drops volatile keys (`volatile.eth0.host_name`) the running instance had: send
            // the stopped one's, as a project with limits refuses a request that sets them again.
            try put(try fetch(server.name), config: config, devices: devices)
            try start(server.name)
            return true
        }
        do {
            try put(server, config: config, devices: devices)
            return false
        } catch let error as IncusError where server.status == "Running" {
            context.reporter.note(
                "note: instance \(server.name) cannot take this change live (\(error.message)); restarting it")
            try stop(server.name)
            // Stopping drops volatile keys (`volatile.eth0.host_name`) the running instance had: send
            // the stopped one's, as a project with limits refuses a request that sets them again.
            try put(try fetch(server.name), config: config, devices: devices)
            try start(server.name)
            return true
        }
    }

    /// Config keys Incus applies to a running container at once; any other key changes what the
    /// container gets when it starts.
    static let liveKeyPrefixes = ["limits.", "user.", "boot.", "snapshots.", "migration.", "cluster."]

    /// The keys (sorted) whose value differs between the server and the plan, set, changed or removed,
    /// that are not applied live. Keys Incus manages itself (`volatile.*`, `image.*`) are not counted.
    static func changedStartTimeKeys(from current: [String: String], to planned: [String: String]) -> [String] {
        let keys = Set(current.keys).union(planned.keys).filter { key in
            !ConfigComparison.isServerManagedInstanceKey(key) && !liveKeyPrefixes.contains { key.hasPrefix($0) }
        }
        return keys.filter { current[$0] != planned[$0] }.sorted()
    }

    /// The instance as the server has it now.
    func fetch(_ name: String) throws -> ServerInstance {
        guard let instance = try client.instance(name, project: project) else {
            throw IncusError(action: "read instance", resource: resource(name), message: "not found", statusCode: 404)
        }
        return instance
    }
}
