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
        try client.send(
            "POST", "/1.0/instances", project: project,
            body: .object([
                "name": .string(name), "type": .string("container"), "profiles": .array([]),
                "config": .stringMap(config), "devices": .object(devices.mapValues { .stringMap($0) }),
                "source": ImageSource.make(instance.image, clientConfig: context.clientConfig),
                "start": .bool(false),
            ]), action: "create instance", resource: resource(name))
    }

    func start(_ name: String) throws {
        try client.changeState(name, project: project, action: "start")
    }

    /// Stops cleanly, or forcefully when the instance does not shut down in time.
    func stop(_ name: String) throws {
        do {
            try client.changeState(name, project: project, action: "stop")
        } catch is IncusError {
            try client.changeState(name, project: project, action: "stop", force: true)
        }
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
        var fullConfig = server.config.filter { ConfigComparison.isServerManagedInstanceKey($0.key) }
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
        do {
            try put(server, config: config, devices: devices)
            return false
        } catch let error as IncusError where server.status == "Running" {
            context.reporter.note(
                "note: instance \(server.name) cannot take this change live (\(error.message)); restarting it")
            try stop(server.name)
            try put(server, config: config, devices: devices)
            try start(server.name)
            return true
        }
    }

    /// The instance as the server has it now.
    func fetch(_ name: String) throws -> ServerInstance {
        guard let instance = try client.instance(name, project: project) else {
            throw IncusError(action: "read instance", resource: resource(name), message: "not found", statusCode: 404)
        }
        return instance
    }
}
