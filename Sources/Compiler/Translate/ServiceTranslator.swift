import Plan

/// One compose service → its Incus instances (one per replica).
struct ServiceTranslator {
    let service: ComposeService
    let networks: [String: ResolvedNetwork]
    let volumes: [String: ResolvedVolume]
    /// The top-level secrets and configs a service refers to.
    let fileDefinitions: [FileReference.Kind: [String: FileDefinition]]

    var name: String { service.name }
    var path: String { service.path }

    /// The number of instances: `scale`, else `deploy.replicas`, else 1.
    func replicaCount() throws -> Int {
        let scale = service.scale?.value
        let replicas = service.deployReplicas?.value
        if let scale, let replicas, scale != replicas {
            throw CompileError(
                "scale (\(scale)) and deploy.replicas (\(replicas)) disagree; keep one of them",
                at: service.scale?.location, path: path + ".scale")
        }
        let count = scale ?? replicas ?? 1
        guard (0...1000).contains(count) else {
            throw CompileError(
                "replica count \(count) is out of range (0 to 1000)",
                at: service.scale?.location ?? service.deployLocation, path: path)
        }
        return Int(count)
    }

    /// Incus instance names, one per replica.
    func instanceNames() throws -> [String] {
        let count = try replicaCount()
        if let containerName = service.containerName {
            guard count <= 1 else {
                throw CompileError(
                    "container_name cannot be used with \(count) replicas: every instance needs its own name",
                    at: containerName.location, path: path + ".container_name")
            }
            return count == 0 ? [] : [IncusNames.instanceName(containerName.value)]
        }
        return (0..<count).map { IncusNames.instanceName("\(name)-\($0 + 1)") }
    }

    func image(context: inout TranslationContext) throws -> PlanImage {
        if let incusImage = service.incusImage {
            let text = incusImage.value
            let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
            let (remote, alias) = parts.count == 2 ? (parts[0], parts[1]) : ("local", parts.first ?? "")
            guard !alias.isEmpty, !remote.isEmpty else {
                throw CompileError(
                    "x-incus.image takes REMOTE:ALIAS or ALIAS, not '\(text)'", at: incusImage.location,
                    path: path + ".x-incus.image")
            }
            return PlanImage(kind: "incus", reference: alias, remote: remote)
        }
        guard let image = service.image else {
            guard let buildKeyLocation = service.buildKeyLocation else {
                if let provider = service.keys.first(where: { $0.value == "provider" }) {
                    throw CompileError(
                        "service '\(name)' is a provider service, run by a docker compose plugin; Incus has no such"
                            + " plugins, so it cannot be deployed: give it an image:, or leave it out with a profile",
                        at: provider.location, path: path + ".provider")
                }
                throw CompileError(
                    "service '\(name)' has no image: set image: to an OCI reference or x-incus.image: to an Incus image",
                    at: service.keyLocation, path: path)
            }
            // docker compose tags what it builds as <project>-<service>; Incus cannot build, so the
            // plan refers to that image, which must already be in a registry the server can reach.
            let builtName = "\(context.projectName)-\(name)".lowercased()
            context.warn(
                "build-not-supported",
                "Incus cannot build images: service '\(name)' uses \(builtName), the name docker compose would build;"
                    + " build and push it first, or set image: or x-incus.image:",
                at: buildKeyLocation)
            return PlanImage(kind: "oci", reference: ImageReference.normalize(builtName), remote: "")
        }
        guard ImageReference.isValid(image.value) else {
            throw CompileError("invalid image reference '\(image.value)'", at: image.location, path: path + ".image")
        }
        return PlanImage(kind: "oci", reference: ImageReference.normalize(image.value), remote: "")
    }

    /// The service's NICs in a stable order: by `priority` (highest first), then as declared.
    func networkAttachments(context: inout TranslationContext) throws -> [(
        network: ResolvedNetwork, attachment: ComposeService.NetworkAttachment
    )] {
        if let mode = service.networkMode {
            if mode.value == "none" { return [] }
            context.warn(
                "network-mode",
                "network_mode '\(mode.value)' has no Incus equivalent: the instance gets no network interface",
                at: mode.location)
            return []
        }
        var attachments:
            [(priority: Int64, order: Int, network: ResolvedNetwork, attachment: ComposeService.NetworkAttachment)] =
                []
        for (order, attachment) in service.networks.enumerated() {
            guard let network = networks[attachment.network] else {
                throw CompileError(
                    "service uses network '\(attachment.network)', which is not declared under the top-level networks:",
                    at: attachment.keyLocation, path: "\(path).networks.\(attachment.network)")
            }
            attachments.append((attachment.priority, order, network, attachment))
        }
        return attachments.sorted { ($0.priority, -$0.order) > ($1.priority, -$1.order) }.map {
            ($0.network, $0.attachment)
        }
    }
}
