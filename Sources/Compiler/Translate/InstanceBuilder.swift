import Plan

/// Builds the plan instances of one service: config, and every device listed explicitly (root disk,
/// NICs, mounts, port proxies) so the plan does not depend on any profile's content.
enum InstanceBuilder {
    static func build(
        _ service: ServiceTranslator, names: [String], dependsOn: [String], waitFor: [String: String],
        placeholders: inout [String: PlanPlaceholder],
        context: inout TranslationContext
    ) throws -> [(name: String, instance: PlanInstance)] {
        let compose = service.service
        var image = try service.image(context: &context)
        let natRequested = compose.natProxy?.value ?? false
        var imageValues: [(token: String, property: String)] = []
        var rawLXC: [String] = []
        var config = try InstanceConfig.make(
            service: compose, ociImage: image.kind == "oci" ? image.reference : nil, imageValues: &imageValues,
            rawLXC: &rawLXC, context: &context)
        warnAboutHostname(compose, names: names, context: &context)
        let healthcheck = HealthcheckTranslator.translate(compose.healthcheck)
        UnsupportedKeys.warn(compose, context: &context)
        PullPolicy.apply(compose, to: &image, context: &context)

        var namer = DeviceNamer(reserved: ["root"])
        let (sharedDevices, mounts) = try replicaDevices(
            service, config: &config, namer: &namer, context: &context)
        for (key, value) in compose.incus.config where key != "raw.lxc" {
            config[key] = value
        }
        // raw.lxc: the service's x-incus lines first, then tmpfs mounts and empty variables.
        let rawLines = (compose.incus.config["raw.lxc"].map { [$0] } ?? []) + mounts.tmpfsEntries + rawLXC
        if !rawLines.isEmpty { config["raw.lxc"] = rawLines.joined(separator: "\n") }

        let nics = try NetworkInterface.make(for: service, replicaCount: names.count, namer: &namer, context: &context)

        var files = try InstanceFiles.translate(compose, definitions: service.fileDefinitions, context: &context)
        let gateway = nics.first?.network.plan.config["ipv4.address"].flatMap {
            $0.split(separator: "/").first.map(String.init)
        }
        try InstanceFiles.addHostsFile(for: compose, gateway: gateway, to: &files, context: &context)
        var instances: [(String, PlanInstance)] = []
        for (replicaIndex, instanceName) in names.enumerated() {
            var devices = sharedDevices
            for nic in nics { devices[nic.name] = nic.device }
            for (name, device) in portDevices(
                of: compose, replica: replicaIndex, names: names, nics: nics, namer: namer,
                placeholders: &placeholders, context: &context)
            {
                devices[name] = device
            }
            if natRequested && replicaIndex == 0 && nics.count > 1, let first = nics.first {
                context.warn(
                    "nat-network-choice",
                    "service is on \(nics.count) networks; NAT proxies connect through '\(first.network.composeName)' (\(first.name))",
                    at: compose.natProxy?.location)
            }
            recordImageValues(imageValues, of: image, in: instanceName, placeholders: &placeholders)
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

    /// The devices every replica has (root disk, mounts, GPUs, host devices) and the mounts.
    private static func replicaDevices(
        _ service: ServiceTranslator, config: inout [String: String], namer: inout DeviceNamer,
        context: inout TranslationContext
    ) throws -> (devices: [String: [String: String]], mounts: MountDevices) {
        let compose = service.service
        var devices: [String: [String: String]] = [
            "root": ["type": "disk", "path": "/", "pool": context.storagePool]
        ]
        // read_only: Incus mounts the container's root read-only; volumes, tmpfs and /dev stay writable.
        if compose.readOnly?.value == true { devices["root"]?["readonly"] = "true" }
        let mounts = try MountDevices.translate(compose, volumes: service.volumes, namer: &namer, context: &context)
        for (name, device) in mounts.devices { devices[name] = device }
        for (name, device) in GPUDevices.translate(compose, config: &config, namer: &namer, context: &context) {
            devices[name] = device
        }
        for (name, device) in HostDevices.translate(compose, config: &config, namer: &namer, context: &context)
        where device != GPUDevices.everyGPU || !devices.values.contains(GPUDevices.everyGPU) {
            devices[name] = device
        }
        return (devices, mounts)
    }

    /// Incus names an instance's host after the instance; another `hostname` cannot be kept.
    private static func warnAboutHostname(
        _ compose: ComposeService, names: [String], context: inout TranslationContext
    ) {
        guard let hostname = compose.hostname, names != [hostname.value] else { return }
        context.warn(
            "hostname",
            "Incus sets an instance's hostname to its name (\(names.joined(separator: ", "))); hostname"
                + " '\(hostname.value)' is not applied", at: hostname.location)
    }
}
