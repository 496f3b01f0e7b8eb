import Plan

/// One compose service → its Incus instances (one per replica).
struct ServiceTranslator {
    let name: String
    let keyLocation: SourceLocation
    let node: YAMLNode
    let networks: [String: ResolvedNetwork]
    let volumes: [String: ResolvedVolume]
    /// The whole normalized model, for the top-level secrets and configs a service refers to.
    let model: YAMLNode
    let projectDirectory: String

    var path: String { "services.\(name)" }

    /// The number of instances: `scale`, else `deploy.replicas`, else 1.
    func replicaCount() throws -> Int {
        let scale = try node["scale"].map { try $0.expectInteger(path + ".scale") }
        let replicas = try node["deploy"]?["replicas"].map { try $0.expectInteger(path + ".deploy.replicas") }
        if let scale, let replicas, scale != replicas {
            throw CompileError(
                "scale (\(scale)) and deploy.replicas (\(replicas)) disagree; keep one of them",
                at: node["scale"]?.location, path: path + ".scale")
        }
        let count = scale ?? replicas ?? 1
        guard (0...1000).contains(count) else {
            throw CompileError(
                "replica count \(count) is out of range (0 to 1000)", at: (node["scale"] ?? node["deploy"])?.location,
                path: path)
        }
        return Int(count)
    }

    /// Incus instance names, one per replica.
    func instanceNames() throws -> [String] {
        let count = try replicaCount()
        if let containerName = node["container_name"] {
            let text = try containerName.expectScalarText(path + ".container_name")
            guard count <= 1 else {
                throw CompileError(
                    "container_name cannot be used with \(count) replicas: every instance needs its own name",
                    at: containerName.location, path: path + ".container_name")
            }
            return count == 0 ? [] : [IncusNames.instanceName(text)]
        }
        return (0..<count).map { IncusNames.instanceName("\(name)-\($0 + 1)") }
    }

    func image(context: inout TranslationContext) throws -> PlanImage {
        let incusExtension = try IncusExtension.read(from: node, path: path, allowedOptions: ServiceTranslator.options)
        if let imageNode = incusExtension.options["image"] {
            let text = try imageNode.expectScalarText(path + ".x-incus.image")
            let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
            let (remote, alias) = parts.count == 2 ? (parts[0], parts[1]) : ("local", parts.first ?? "")
            guard !alias.isEmpty, !remote.isEmpty else {
                throw CompileError(
                    "x-incus.image takes REMOTE:ALIAS or ALIAS, not '\(text)'", at: imageNode.location,
                    path: path + ".x-incus.image")
            }
            return PlanImage(kind: "incus", reference: alias, remote: remote)
        }
        guard let imageNode = node["image"], !imageNode.isNull else {
            guard node["build"] != nil else {
                throw CompileError(
                    "service '\(name)' has no image: set image: to an OCI reference or x-incus.image: to an Incus image",
                    at: keyLocation, path: path)
            }
            // docker compose tags what it builds as <project>-<service>; Incus cannot build, so the
            // plan refers to that image, which must already be in a registry the server can reach.
            let builtName = "\(context.projectName)-\(name)".lowercased()
            context.warn(
                "build-not-supported",
                "Incus cannot build images: service '\(name)' uses \(builtName), the name docker compose would build;"
                    + " build and push it first, or set image: or x-incus.image:",
                at: node.pair("build")?.keyLocation)
            return PlanImage(kind: "oci", reference: ImageReference.normalize(builtName), remote: "")
        }
        let reference = try imageNode.expectScalarText(path + ".image")
        guard ImageReference.isValid(reference) else {
            throw CompileError("invalid image reference '\(reference)'", at: imageNode.location, path: path + ".image")
        }
        return PlanImage(kind: "oci", reference: ImageReference.normalize(reference), remote: "")
    }

    /// The undotted x-incus keys valid on a service.
    static let options = ["image", "nat-proxy"]

    /// The service's NICs in a stable order: by `priority` (highest first), then as declared.
    func networkAttachments(context: inout TranslationContext) throws -> [(
        network: ResolvedNetwork, node: YAMLNode?, location: SourceLocation
    )] {
        if let mode = node["network_mode"]?.scalarText {
            if mode == "none" { return [] }
            context.warn(
                "network-mode",
                "network_mode '\(mode)' has no Incus equivalent: the instance gets no network interface",
                at: node["network_mode"]?.location)
            return []
        }
        var attachments:
            [(priority: Int64, order: Int, network: ResolvedNetwork, node: YAMLNode?, location: SourceLocation)] = []
        for (order, pair) in (node["networks"]?.mapping ?? []).enumerated() {
            guard let network = networks[pair.key] else {
                throw CompileError(
                    "service uses network '\(pair.key)', which is not declared under the top-level networks:",
                    at: pair.keyLocation, path: "\(path).networks.\(pair.key)")
            }
            let settings = pair.value.isNull ? nil : pair.value
            let priority =
                try settings?["priority"].map { try $0.expectInteger("\(path).networks.\(pair.key).priority") } ?? 0
            attachments.append((priority, order, network, settings, pair.keyLocation))
        }
        return attachments.sorted { ($0.priority, -$0.order) > ($1.priority, -$1.order) }.map {
            ($0.network, $0.node, $0.location)
        }
    }
}
