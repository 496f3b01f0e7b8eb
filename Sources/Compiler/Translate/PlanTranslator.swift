import Plan

/// The translation stage: the decoded compose project → the Incus plan.
public enum PlanTranslator {
    public static func translate(_ project: ComposeProject) throws -> (plan: Plan, warnings: [CompileWarning]) {
        var context = TranslationContext(projectName: project.name, storagePool: project.storagePool)
        for warning in project.warnings { context.warn(warning.code, warning.message, at: warning.location) }
        var plan = Plan(
            source: PlanSource(projectDirectory: project.projectDirectory, files: project.sourceFiles),
            project: PlanProject(name: project.name, config: try projectConfig(project)))

        StageTimings.mark("x-incus, project")
        let services = project.services
        let dependencies = try DependencyGraph.resolve(services)
        let networks = try translateNetworks(project, into: &plan, context: &context)
        let volumes = try VolumeTranslator.translate(project.volumes, context: &context)
        for volume in volumes.values { plan.volumes[volume.incusName] = volume.plan }

        func translator(for service: ComposeService) -> ServiceTranslator {
            ServiceTranslator(
                service: service, networks: networks, volumes: volumes, fileDefinitions: project.fileDefinitions)
        }
        let instanceNames = try names(of: services, translator: translator)
        StageTimings.mark("networks, volumes, names")
        // Services translate independently of one another, so they are spread over the cores;
        // each chunk keeps its own warnings and placeholders, joined below in service order.
        let emptyContext = context.withoutWarnings
        let chunks = try ParallelWork.mapChunks(services) { chunk in
            var chunkContext = emptyContext
            var placeholders: [String: PlanPlaceholder] = [:]
            var instances: [(name: String, instance: PlanInstance)] = []
            var attachments: [ServiceDiscovery.Attachment] = []
            for service in chunk {
                let dependsOn = (dependencies[service.name] ?? []).flatMap { instanceNames[$0] ?? [] }.sorted()
                let waitFor = HealthcheckTranslator.waitFor(
                    service, dependencies: dependencies[service.name] ?? [], instanceNames: instanceNames)
                let built = try InstanceBuilder.build(
                    translator(for: service), names: instanceNames[service.name] ?? [], dependsOn: dependsOn,
                    waitFor: waitFor, placeholders: &placeholders, context: &chunkContext)
                for (name, instance) in built {
                    attachments += ServiceDiscovery.attachments(of: instance, named: name)
                }
                instances += built
            }
            return InstanceChunk(
                instances: instances, placeholders: placeholders, context: chunkContext, attachments: attachments)
        }
        for chunk in chunks { add(chunk, to: &plan, context: &context) }
        // Jobs others wait for log their exit status (see JobCompletion).
        for job in plan.jobs {
            let lines = plan.instances[job]?.config["raw.lxc"].map { [$0] } ?? []
            plan.instances[job]?.config["raw.lxc"] = (lines + [JobCompletion.logLevelLine]).joined(separator: "\n")
        }
        try Placement.apply(project, to: &plan)
        StageTimings.mark("instances")
        try ServiceDiscovery.addRecords(
            services: services, networks: networks, attachments: chunks.flatMap(\.attachments), plan: &plan,
            context: &context)
        plan.warnings = context.warnings.map {
            PlanWarning(
                code: $0.code, message: $0.message, file: $0.location?.file ?? "",
                line: Int64($0.location?.line ?? 0), column: Int64($0.location?.column ?? 0))
        }
        StageTimings.mark("service discovery")
        return (plan, context.warnings)
    }

    /// What one chunk of services translated to, joined into the plan in service order.
    private struct InstanceChunk {
        var instances: [(name: String, instance: PlanInstance)]
        var placeholders: [String: PlanPlaceholder]
        var context: TranslationContext
        var attachments: [ServiceDiscovery.Attachment]
    }

    /// The Incus project's config: the features a compose project needs, then `x-incus` keys.
    private static func projectConfig(_ project: ComposeProject) throws -> [String: String] {
        var config: [String: String] = [
            "features.images": "false",
            "features.networks": "false",
            "features.profiles": "true",
            "features.storage.volumes": "true",
            "user.compose.project": project.name,
        ]
        for (key, value) in project.incus.config {
            if key == "features.networks" && value != "false" {
                throw CompileError(
                    "features.networks must stay false: Incus refuses NAT proxies in projects with their own networks",
                    at: project.incus.location, path: "x-incus.features.networks")
            }
            config[key] = value
        }
        return config
    }

    /// The networks services use, into `plan`; returned by compose name for the services.
    private static func translateNetworks(
        _ project: ComposeProject, into plan: inout Plan, context: inout TranslationContext
    ) throws -> [String: ResolvedNetwork] {
        var usedNetworks = Set<String>()
        for service in project.services where service.networkMode == nil {
            for attachment in service.networks { usedNetworks.insert(attachment.network) }
        }
        let networks = try NetworkTranslator.translate(
            project.networks, usedNetworks: usedNetworks, context: &context)
        for network in networks.values {
            plan.networks[network.incusName] = network.plan
        }
        // Incus pins a NIC's IPv6 address only through stateful DHCPv6 (it refuses the NIC otherwise),
        // so a network where a service has a static ipv6_address gets it, unless x-incus says.
        for service in project.services where service.networkMode == nil {
            for attachment in service.networks where attachment.ipv6Address != nil {
                guard let network = networks[attachment.network], !network.external, network.hasIPv6,
                    plan.networks[network.incusName]?.config["ipv6.dhcp.stateful"] == nil
                else { continue }
                plan.networks[network.incusName]?.config["ipv6.dhcp.stateful"] = "true"
            }
        }
        return networks
    }

    /// The instance names of every service, refusing a name two services would both produce.
    private static func names(
        of services: [ComposeService], translator: (ComposeService) -> ServiceTranslator
    ) throws -> [String: [String]] {
        var instanceNames: [String: [String]] = [:]
        var owners: [String: String] = [:]
        // Each service's names are worked out on any core; they are checked here in service order,
        // so the first error is the one a single loop would meet.
        let namesOfServices = ParallelWork.map(services) { service in
            Result { try translator(service).instanceNames() }
        }
        for (service, namesOfService) in zip(services, namesOfServices) {
            let names = try namesOfService.get()
            for name in names {
                if let owner = owners[name] {
                    throw CompileError(
                        "services '\(owner)' and '\(service.name)' both produce the Incus instance name '\(name)'",
                        at: service.keyLocation, path: service.path)
                }
                owners[name] = service.name
            }
            instanceNames[service.name] = names
        }
        return instanceNames
    }

    /// A chunk's instances and placeholders into `plan` (pointers of a shared token merged, sorted),
    /// its warnings into `context`.
    private static func add(_ chunk: InstanceChunk, to plan: inout Plan, context: inout TranslationContext) {
        for built in chunk.instances { plan.instances[built.name] = built.instance }
        for (token, entry) in chunk.placeholders {
            guard var existing = plan.placeholders[token] else {
                plan.placeholders[token] = entry
                continue
            }
            existing.pointers = (existing.pointers + entry.pointers).sorted()
            plan.placeholders[token] = existing
        }
        context.append(warningsOf: chunk.context)
    }
}
