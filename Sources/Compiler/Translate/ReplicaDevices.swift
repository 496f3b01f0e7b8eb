import Plan

extension InstanceBuilder {
    /// The proxy devices of replica `replica` (an index into `names`) for the service's published
    /// ports: NAT where asked and possible, userspace otherwise, with the placeholders a NAT
    /// proxy's address needs. `namer` holds the names taken so far.
    static func portDevices(
        of compose: ComposeService, replica: Int, names: [String], nics: [NetworkInterface], namer: DeviceNamer,
        placeholders: inout [String: PlanPlaceholder], context: inout TranslationContext
    ) -> [String: [String: String]] {
        let natRequested = compose.natProxy?.value ?? false
        var portNamer = namer
        var devices: [String: [String: String]] = [:]
        for declaredPort in compose.ports {
            // A host range onto one container port gives each replica its own port of the
            // range, as docker compose does; a single host port can be bound by one replica only.
            guard let port = declaredPort.forReplica(replica) else {
                if replica == 1 || (replica > 1 && declaredPort.isHostRange) {
                    context.warn(
                        "port-on-first-replica",
                        declaredPort.isHostRange
                            ? "host range \(declaredPort.published ?? "") has no port left for \(names[replica])"
                            : "host port \(declaredPort.published ?? "") can be bound once: only \(names[0]) publishes it",
                        at: declaredPort.location)
                }
                continue
            }
            guard let published = port.published else {
                if replica == 0 {
                    context.warn(
                        "port-not-published",
                        "port \(port.targetPorts) has no host port; Incus proxy devices need one, so it is not published (write \"HOST:\(port.targetPorts)\")",
                        at: port.location)
                }
                continue
            }
            guard port.protocolName != "sctp" else {
                if replica == 0 {
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
                    for: port, instance: names[replica], nics: nics.map { ($0.name, $0.network, $0.device) },
                    context: &context)
            {
                device = nat.device
                if let network = nics.first?.network {
                    for companion in NATProxy.loopbackCompanions(for: port, network: network) {
                        devices[portNamer.name(deviceName + companion.suffix)] = companion.device
                    }
                }
                if let token = nat.token {
                    let pointer = JSONPointer.make(["instances", names[replica], "devices", deviceName, "connect"])
                    var entry =
                        placeholders[token.name]
                        ?? PlanPlaceholder(
                            instance: names[replica], device: token.device, family: token.family, pointers: [])
                    entry.pointers.append(pointer)
                    entry.pointers.sort()
                    placeholders[token.name] = entry
                }
            }
            devices[deviceName] = device
        }
        return devices
    }

    /// Records where the image values the config uses (its ENTRYPOINT or CMD) go in `instance`.
    static func recordImageValues(
        _ imageValues: [(token: String, property: String)], of image: PlanImage, in instance: String,
        placeholders: inout [String: PlanPlaceholder]
    ) {
        for value in imageValues {
            let pointer = JSONPointer.make(["instances", instance, "config", "oci.entrypoint"])
            var entry =
                placeholders[value.token]
                ?? PlanPlaceholder(image: image.reference, property: value.property, pointers: [])
            entry.pointers.append(pointer)
            entry.pointers.sort()
            placeholders[value.token] = entry
        }
    }
}
