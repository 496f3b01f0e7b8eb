import Foundation
import Plan

/// One row of `compose-apply ps`: an instance of the plan as the server has it.
public struct InstanceStatus: Equatable, Sendable {
    public var service: String
    public var instance: String
    /// `running`, `stopped`, … or `missing` when the server lacks it.
    public var state: String
    /// `healthy` or `unhealthy` from a check run now (`starting` while in its start period); `nil`
    /// without a healthcheck.
    public var health: String?
    /// The addresses of its NICs, IPv4 first.
    public var addresses: [String]
    /// Published ports: `0.0.0.0:8080->80/tcp (nat)`.
    public var ports: [String]
    /// The server's instance differs from the plan (run apply to converge it).
    public var drifted: Bool
    /// On a cluster, the member the instance runs on; empty on a single server.
    public var member: String = ""
}

/// `compose-apply ps`: the plan's instances, by compose service, as the server has them.
public enum StatusReport {
    /// The rows of `services` (all when empty), sorted by instance; refuses an unknown service.
    static func rows(_ context: ApplyContext, services: [String]) throws -> [InstanceStatus] {
        let plan = context.plan
        let names = try ServiceSelection.instances(plan, services: services)
        let server = try context.client.instances(project: context.project)
        for (token, value) in AddressDiscovery.pinnedValues(plan: plan, server: server) {
            context.values.set(token, value)
        }
        for reference in Set(
            names.compactMap { plan.instances[$0]?.image }.filter { $0.kind == "oci" }.map(\.reference))
        {
            try? Preflight.resolve(reference, context)
        }
        return try names.map { name in try row(name, server: server[name], context) }
    }

    private static func row(_ name: String, server: ServerInstance?, _ context: ApplyContext) throws
        -> InstanceStatus
    {
        let planned = context.plan.instances[name]
        var status = InstanceStatus(
            service: planned?.service ?? "", instance: name, state: "missing", health: nil, addresses: [], ports: [],
            drifted: false)
        guard let server else { return status }
        status.state = server.status.lowercased()
        if context.server.clustered { status.member = server.location }
        let image = planned?.image
        let desired = DesiredInstance.build(
            name, plan: context.plan, index: context.index, values: context.values.snapshot,
            imageDefaults: image?.kind == "oci" ? context.images.instanceDefaults(image?.reference ?? "") : [:]
        ).withoutCompanionsOfFallbacks(server: server)
        status.drifted = !desired.differences(from: server).isEmpty
        for (device, settings) in (planned?.devices ?? [:]).sorted(by: { $0.key < $1.key })
        where settings["type"] == "proxy" && LoopbackCompanion.parent(of: device) == nil {
            let mode = server.devices[device].map { ProxyFallback.isNATProxy($0) ? "nat" : "userspace" } ?? "missing"
            status.ports.append(
                portText(listen: settings["listen"] ?? "", connect: settings["connect"] ?? "") + " (\(mode))")
        }
        guard server.status == "Running" else { return status }
        let network = try context.client.instanceNetworkState(name, project: context.project)
        for (device, settings) in (planned?.devices ?? [:]).sorted(by: { $0.key < $1.key })
        where settings["type"] == "nic" {
            for family in ["ipv4", "ipv6"] {
                if let address = AddressDiscovery.address(
                    in: network, interface: settings["name"] ?? device, family: family)
                {
                    status.addresses.append(address)
                }
            }
        }
        let waiter = HealthWaiter(context: context)
        if let rule = waiter.rule(for: name) {
            let result = try waiter.probe(name, rule: rule)
            let since = server.raw["last_used_at"]?.stringValue.flatMap(ISO8601Parsing.date)
            let starting = since.map { Date().timeIntervalSince($0) < rule.startPeriod } ?? false
            status.health = result.exitCode == 0 ? "healthy" : starting ? "starting" : "unhealthy"
        }
        return status
    }

    /// `tcp:0.0.0.0:8080` and `tcp:…:80` → `0.0.0.0:8080->80/tcp`.
    static func portText(listen: String, connect: String) -> String {
        let listenParts = listen.split(separator: ":", maxSplits: 1)
        let proto = listenParts.first.map(String.init) ?? "tcp"
        let address = listenParts.count == 2 ? String(listenParts[1]) : listen
        let target = connect.split(separator: ":").last.map(String.init) ?? ""
        return "\(address)->\(target)/\(proto)"
    }

    /// The rows as a table with a header, columns padded to their widest cell; a MEMBER column
    /// when the instances are on an Incus cluster.
    public static func table(_ rows: [InstanceStatus]) -> String {
        let clustered = rows.contains { !$0.member.isEmpty }
        let header =
            ["SERVICE", "INSTANCE", "STATE", "HEALTH"] + (clustered ? ["MEMBER"] : []) + ["ADDRESSES", "PORTS"]
        let cells = rows.map { row in
            [row.service, row.instance, row.state + (row.drifted ? " (drifted)" : ""), row.health ?? ""]
                + (clustered ? [row.member] : []) + [
                    row.addresses.joined(separator: ","), row.ports.joined(separator: ", "),
                ]
        }
        let widths = header.indices.map { column in ([header] + cells).map { $0[column].count }.max() ?? 0 }
        return ([header] + cells).map { line in
            line.enumerated().map { index, cell in
                index == line.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n") + "\n"
    }

    /// The rows as a JSON array (sorted keys, one row per instance).
    public static func json(_ rows: [InstanceStatus]) -> String {
        JanssonCoding.encode(
            .array(
                rows.map { row in
                    .object(
                        [
                            "service": .string(row.service), "instance": .string(row.instance),
                            "state": .string(row.state),
                            "health": row.health.map { .string($0) } ?? .null,
                            "addresses": .array(row.addresses.map { .string($0) }),
                            "ports": .array(row.ports.map { .string($0) }), "drifted": .bool(row.drifted),
                        ].merging(row.member.isEmpty ? [:] : ["member": .string(row.member)]) { first, _ in first })
                }))
    }
}

/// Compose service names → the plan's instances.
enum ServiceSelection {
    /// The instances of `services` (every instance when empty), sorted; an unknown service is an error
    /// naming the services there are.
    static func instances(_ plan: Plan, services: [String]) throws -> [String] {
        let known = Set(plan.instances.values.map(\.service))
        if let unknown = services.first(where: { !known.contains($0) }) {
            throw OperateError.unknownService(unknown, known: known.sorted())
        }
        return plan.instances.keys.filter { services.isEmpty || services.contains(plan.instances[$0]?.service ?? "") }
            .sorted()
    }
}

extension ServiceSelection {
    /// The instances of `services` and every instance they depend on, directly or not (all instances
    /// when `services` is empty).
    static func instancesWithDependencies(_ plan: Plan, services: [String]) throws -> Set<String> {
        guard !services.isEmpty else { return Set(plan.instances.keys) }
        var selected: Set<String> = []
        var pending = try instances(plan, services: services)
        while let name = pending.popLast() {
            guard selected.insert(name).inserted else { continue }
            pending += plan.instances[name]?.dependsOn ?? []
        }
        return selected
    }
}

/// A day-2 command that cannot run as asked.
public enum OperateError: Error, CustomStringConvertible, Equatable {
    case unknownService(String, known: [String])
    /// The plan's instance is not on the server.
    case notCreated(String)
    /// `exec --index N` past the service's replicas.
    case noReplica(service: String, index: Int, replicas: Int)

    public var description: String {
        switch self {
        case .unknownService(let name, let known):
            return "no such service: \(name) (the plan's services: \(known.joined(separator: ", ")))"
        case .notCreated(let instance):
            return "instance \(instance) does not exist yet: run compose-apply PLAN first"
        case .noReplica(let service, let index, let replicas):
            return "service \(service) has \(replicas) replica\(replicas == 1 ? "" : "s"), not \(index)"
        }
    }
}

/// Incus's RFC 3339 timestamps (`2026-12-01T17:07:04.831Z`, fractions and offsets included).
enum ISO8601Parsing {
    static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
