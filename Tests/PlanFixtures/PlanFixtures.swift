import Plan

/// Hand-built plans shaped like compose-compile's output, for tests.
public enum PlanFixtures {
    /// A project with one bridge `network` (explicit subnet) and `web-1`…`web-N`, each with a root disk,
    /// a NIC and a userspace proxy on 127.0.0.1:`basePort + replica - 1`.
    public static func web(
        project: String, network: String, subnet: String = "auto", replicas: Int = 1, basePort: Int = 18080,
        image: String = "compose-test"
    ) -> Plan {
        var plan = Plan(
            source: PlanSource(projectDirectory: "/tmp/\(project)", files: []),
            project: PlanProject(
                name: project,
                config: [
                    "features.networks": "false", "features.images": "false", "features.profiles": "true",
                    "features.storage.volumes": "true", "user.compose.project": project,
                ]))
        plan.networks[network] = PlanNetwork(
            composeName: "default", external: false, type: "bridge", description: "compose \(project) default",
            config: [
                "ipv4.address": subnet, "ipv4.nat": "false", "ipv6.address": "none", "user.compose.project": project,
            ])
        for replica in 1...max(1, replicas) {
            plan.instances["web-\(replica)"] = instance(
                project: project, service: "web", replica: replica, network: network, image: image,
                extraDevices: [
                    "proxy-tcp-\(basePort + replica - 1)": [
                        "type": "proxy", "listen": "tcp:127.0.0.1:\(basePort + replica - 1)",
                        "connect": "tcp:127.0.0.1:80",
                    ]
                ])
        }
        return plan
    }

    public static func instance(
        project: String, service: String, replica: Int, network: String, image: String,
        extraDevices: [String: [String: String]] = [:], dependsOn: [String] = []
    ) -> PlanInstance {
        var devices: [String: [String: String]] = [
            "root": ["type": "disk", "path": "/", "pool": "default"],
            "eth0": ["type": "nic", "network": network, "name": "eth0"],
        ]
        devices.merge(extraDevices) { _, new in new }
        return PlanInstance(
            service: service, replica: Int64(replica),
            image: PlanImage(kind: "incus", reference: image, remote: "local"),
            config: [
                "user.compose.project": project, "user.compose.service": service,
                "environment.LITERAL": "{{not-a-placeholder}}",
            ],
            devices: devices, dependsOn: dependsOn)
    }

    /// Adds a NAT proxy on `web-1` listening on `listen` and connecting to its pinned eth0 address.
    public static func addNATProxy(to plan: inout Plan, listen: String) {
        let token = "web-1.eth0.ipv4"
        plan.instances["web-1"]?.devices["proxy-nat"] = [
            "type": "proxy", "nat": "true", "listen": listen, "connect": "tcp:{{\(token)}}:80",
        ]
        plan.placeholders[token] = PlanPlaceholder(
            instance: "web-1", device: "eth0", family: "ipv4",
            pointers: ["/instances/web-1/devices/proxy-nat/connect"])
    }
}
