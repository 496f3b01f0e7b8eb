import Plan

/// Builds the plan instances of one service: config, and every device listed explicitly (root disk,
/// NICs, mounts, port proxies) so the plan does not depend on any profile's content.
enum InstanceBuilder {
    static func build(
        _ service: ServiceTranslator, names: [String], dependsOn: [String], waitFor: [String: String],
        placeholders: inout [String: PlanPlaceholder],
        context: inout TranslationContext
    ) throws -> [(name: String, instance: PlanInstance)] {
        let path = service.path
        let compose = service.service
        var image = try service.image(context: &context)
        let natRequested = compose.natProxy?.value ?? false
        var imageValues: [(token: String, property: String)] = []
        var rawLXC: [String] = []
        var config = try InstanceConfig.make(
            service: compose, ociImage: image.kind == "oci" ? image.reference : nil, imageValues: &imageValues,
            rawLXC: &rawLXC, context: &context)
        if let hostname = compose.hostname, names != [hostname.value] {
            context.warn(
                "hostname",
                "Incus sets an instance's hostname to its name (\(names.joined(separator: ", "))); hostname '\(hostname.value)' is not applied",
                at: hostname.location)
        }
        let healthcheck = HealthcheckTranslator.translate(compose.healthcheck)
        UnsupportedKeys.warn(compose, context: &context)
        PullPolicy.apply(compose, to: &image, context: &context)

        var namer = DeviceNamer(reserved: ["root"])
        var sharedDevices: [String: [String: String]] = [
            "root": ["type": "disk", "path": "/", "pool": context.storagePool]
        ]
        let mounts = try MountDevices.translate(compose, volumes: service.volumes, namer: &namer, context: &context)
        for (name, device) in mounts.devices { sharedDevices[name] = device }
        for (key, value) in compose.incus.config where key != "raw.lxc" {
            config[key] = value
        }
        // raw.lxc: the service's x-incus lines first, then tmpfs mounts and empty variables.
        let rawLines = (compose.incus.config["raw.lxc"].map { [$0] } ?? []) + mounts.tmpfsEntries + rawLXC
        if !rawLines.isEmpty { config["raw.lxc"] = rawLines.joined(separator: "\n") }

        let attachments = try service.networkAttachments(context: &context)
        var nics: [(name: String, network: ResolvedNetwork, device: [String: String])] = []
        for (index, attachment) in attachments.enumerated() {
            let deviceName = "eth\(index)"
            var device = ["type": "nic", "network": attachment.network.incusName, "name": deviceName]
            // Spelt out only for an error.
            func settingsPath() -> String { "\(path).networks.\(attachment.network.composeName)" }
            for (composeKey, incusKey, addressNode) in [
                ("ipv4_address", "ipv4.address", attachment.attachment.ipv4Address),
                ("ipv6_address", "ipv6.address", attachment.attachment.ipv6Address),
            ] {
                guard let addressNode else { continue }
                let written = addressNode.value
                // docker accepts an address with a prefix length here; the NIC takes the address alone.
                let address = String(written.split(separator: "/", maxSplits: 1).first ?? "")
                guard IPAddress.isValid(address) else {
                    throw CompileError(
                        "'\(address)' is not an IP address", at: addressNode.location,
                        path: "\(settingsPath()).\(composeKey)")
                }
                guard names.count <= 1 else {
                    throw CompileError(
                        "a static \(composeKey) cannot be shared by \(names.count) replicas", at: addressNode.location,
                        path: "\(settingsPath()).\(composeKey)")
                }
                let gateway = attachment.network.plan.config[incusKey].map {
                    String($0.split(separator: "/").first ?? "")
                }
                if gateway == address {
                    throw CompileError(
                        "\(composeKey) \(address) is the address of network '\(attachment.network.composeName)' itself"
                            + " (its gateway); give the instance another one", at: addressNode.location,
                        path: "\(settingsPath()).\(composeKey)")
                }
                if composeKey == "ipv4_address", let subnet = attachment.network.plan.config["ipv4.address"],
                    IPAddress.ipv4(address, isIn: subnet) == false
                {
                    throw CompileError(
                        "ipv4_address \(address) is not inside network '\(attachment.network.composeName)' (\(subnet))",
                        at: addressNode.location, path: "\(settingsPath()).\(composeKey)")
                }
                device[incusKey] = address
            }
            if let mac = attachment.attachment.macAddress ?? compose.macAddress, names.count <= 1 {
                device["hwaddr"] = mac
            }
            nics.append((deviceName, attachment.network, device))
            _ = namer.name(deviceName)
        }

        let files = try InstanceFiles.translate(compose, definitions: service.fileDefinitions, context: &context)
        let ports = compose.ports
        var instances: [(String, PlanInstance)] = []
        for (replicaIndex, instanceName) in names.enumerated() {
            var devices = sharedDevices
            for nic in nics { devices[nic.name] = nic.device }
            var portNamer = namer
            for declaredPort in ports {
                // A host range onto one container port gives each replica its own port of the
                // range, as docker compose does; a single host port can be bound by one replica only.
                guard let port = declaredPort.forReplica(replicaIndex) else {
                    if replicaIndex == 1 || (replicaIndex > 1 && declaredPort.isHostRange) {
                        context.warn(
                            "port-on-first-replica",
                            declaredPort.isHostRange
                                ? "host range \(declaredPort.published ?? "") has no port left for \(names[replicaIndex])"
                                : "host port \(declaredPort.published ?? "") can be bound once: only \(names[0]) publishes it",
                            at: declaredPort.location)
                    }
                    continue
                }
                guard let published = port.published else {
                    if replicaIndex == 0 {
                        context.warn(
                            "port-not-published",
                            "port \(port.targetPorts) has no host port; Incus proxy devices need one, so it is not published (write \"HOST:\(port.targetPorts)\")",
                            at: port.location)
                    }
                    continue
                }
                guard port.protocolName != "sctp" else {
                    if replicaIndex == 0 {
                        context.warn(
                            "unsupported-port-protocol",
                            "Incus proxy devices forward tcp and udp only; sctp port \(published) is not published",
                            at: port.location)
                    }
                    continue
                }
                let deviceName = portNamer.name(PortDevices.deviceName(port))
                var device = PortDevices.userspaceDevice(port)
                if natRequested,
                    let nat = NATProxy.device(
                        for: port, instance: instanceName, nics: nics.map { ($0.name, $0.network, $0.device) },
                        context: &context)
                {
                    device = nat.device
                    if let network = nics.first?.network {
                        for companion in NATProxy.loopbackCompanions(for: port, network: network) {
                            devices[portNamer.name(deviceName + companion.suffix)] = companion.device
                        }
                    }
                    if let token = nat.token {
                        let pointer = JSONPointer.make(["instances", instanceName, "devices", deviceName, "connect"])
                        var entry =
                            placeholders[token.name]
                            ?? PlanPlaceholder(
                                instance: instanceName, device: token.device, family: token.family, pointers: [])
                        entry.pointers.append(pointer)
                        entry.pointers.sort()
                        placeholders[token.name] = entry
                    }
                }
                devices[deviceName] = device
            }
            if natRequested && replicaIndex == 0 && nics.count > 1, let first = nics.first {
                context.warn(
                    "nat-network-choice",
                    "service is on \(nics.count) networks; NAT proxies connect through '\(first.network.composeName)' (\(first.name))",
                    at: compose.natProxy?.location)
            }
            for value in imageValues {
                let pointer = JSONPointer.make(["instances", instanceName, "config", "oci.entrypoint"])
                var entry =
                    placeholders[value.token]
                    ?? PlanPlaceholder(image: image.reference, property: value.property, pointers: [])
                entry.pointers.append(pointer)
                entry.pointers.sort()
                placeholders[value.token] = entry
            }
            instances.append(
                (
                    instanceName,
                    PlanInstance(
                        service: service.name, replica: Int64(replicaIndex + 1), image: image, config: config,
                        devices: devices, dependsOn: dependsOn, files: files, healthcheck: healthcheck,
                        waitFor: waitFor, createHostPaths: mounts.createHostPaths)
                ))
        }
        return instances
    }
}
