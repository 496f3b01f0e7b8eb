import Foundation
import Plan

/// What the server holds before apply changes anything.
struct ServerSnapshot {
    var project: ServerObject?
    var networks: [String: ServerObject] = [:]
    var volumes: [String: ServerObject] = [:]
    var instances: [String: ServerInstance] = [:]
    /// On a cluster, the volumes found on more than one member (an interrupted move), with every copy.
    var volumeCopies: [String: [ServerObject]] = [:]
}

/// Read-only checks that refuse a plan before anything is created: OCI support, images, ownership
/// of existing resources, presence of external networks and volumes, bind sources that would be
/// missing.
enum Preflight {
    static func run(_ context: ApplyContext) throws -> ServerSnapshot {
        let plan = context.plan
        let client = context.client
        try checkImages(context)
        var snapshot = ServerSnapshot()
        snapshot.project = try client.project(context.project)
        if let project = snapshot.project, project.config[PlanValidator.markerKey] != context.marker {
            throw ApplyError.notOwned(
                kind: "project", name: context.project, project: context.marker,
                owner: project.config[PlanValidator.markerKey])
        }
        for name in plan.networks.keys.sorted() {
            guard let network = plan.networks[name] else { continue }
            let existing = try client.network(name)
            if network.external {
                guard existing != nil else { throw ApplyError.missingExternal(kind: "network", name: name) }
                continue
            }
            // Pending: defined on cluster members by an apply that stopped before creating it.
            if let existing, !ClusterNetworks.isPending(existing) {
                guard existing.config[PlanValidator.markerKey] == context.marker else {
                    throw ApplyError.notOwned(
                        kind: "network", name: name, project: context.marker,
                        owner: existing.config[PlanValidator.markerKey])
                }
                snapshot.networks[name] = existing
            }
        }
        for name in plan.volumes.keys.sorted() {
            guard let volume = plan.volumes[name] else { continue }
            var existing: ServerObject?
            do {
                existing =
                    snapshot.project == nil ? nil : try client.volume(name, pool: volume.pool, project: context.project)
            } catch let error as IncusError
                where context.server.clustered && error.message.contains("than one cluster member")
            {
                let copies = try client.volumeList(pool: volume.pool, project: context.project).filter {
                    $0.name == name
                }
                snapshot.volumeCopies[name] = copies
                existing = copies.first
            }
            if volume.external && existing == nil {
                throw ApplyError.missingExternal(kind: "storage volume", name: "\(name) (pool \(volume.pool))")
            }
            if existing == nil && snapshot.project != nil && !volume.external {
                try refuseMovedVolume(name, to: volume.pool, context)
            }
            snapshot.volumes[name] = existing
        }
        if snapshot.project != nil {
            snapshot.instances = try client.instances(project: context.project)
        }
        try HostPaths.check(context, existing: snapshot.instances)
        try DeviceNodes.check(context, existing: snapshot.instances)
        return snapshot
    }

    /// OCI images need `instance_oci` and a registry that serves them; remote images need a remote in
    /// the client config; local aliases must exist in the server's image store.
    private static func checkImages(_ context: ApplyContext) throws {
        var checkedAliases: Set<String> = []
        for name in context.plan.instances.keys.sorted() {
            guard let image = context.plan.instances[name]?.image else { continue }
            switch image.kind {
            case "oci":
                guard context.server.extensions.contains("instance_oci") else {
                    throw ApplyError.ociUnsupported(
                        instance: name, image: image.reference, serverVersion: context.server.version)
                }
                try resolve(image.reference, context)
                try checkSomethingRuns(name, context)
            default:
                if image.remote == "local" {
                    guard !checkedAliases.contains(image.reference) else { continue }
                    checkedAliases.insert(image.reference)
                    let alias = try context.client.getIfExists(
                        "/1.0/images/aliases/\(image.reference)", action: "read image alias",
                        resource: image.reference)
                    if alias == nil { throw ApplyError.missingImage(instance: name, alias: image.reference) }
                } else if context.clientConfig.remotes[image.remote] == nil {
                    throw ApplyError.unknownImageRemote(
                        instance: name, remote: image.remote, configPath: context.clientConfig.directory + "/config.yml"
                    )
                }
            }
        }
    }

    /// A planned volume that is missing from its pool but exists in another pool of the project:
    /// creating it anew would leave the service without its data, so apply refuses.
    private static func refuseMovedVolume(_ name: String, to pool: String, _ context: ApplyContext) throws {
        let pools = try context.client.get("/1.0/storage-pools", action: "list storage pools", resource: "the server")
        for url in (pools.arrayValue ?? []).compactMap(\.stringValue).sorted() {
            let other = String(url.split(separator: "/").last ?? "")
            guard other != pool, !other.isEmpty,
                try context.client.volume(name, pool: other, project: context.project) != nil
            else { continue }
            throw ApplyError.volumeInOtherPool(volume: name, project: context.project, planned: pool, found: other)
        }
    }

    /// Reads the image's config from its registry once per apply and records the values of its
    /// placeholders (the image's ENTRYPOINT and CMD).
    static func resolve(_ reference: String, _ context: ApplyContext) throws {
        guard context.images.config(reference) == nil else { return }
        let registry = RegistryClient(
            caBundle: context.options.environment["SSL_CERT_FILE"].flatMap { $0.isEmpty ? nil : $0 },
            architecture: OCIImageConfig.platformArchitecture(incus: context.server.architectures.first ?? "x86_64"))
        let config: OCIImageConfig
        do {
            config = try registry.imageConfig(reference)
        } catch let error as RegistryError {
            let services = Set(context.plan.instances.values.filter { $0.image.reference == reference }.map(\.service))
            throw ApplyError.imageUnavailable(services: services.sorted(), image: reference, reason: error.reason)
        }
        context.images.record(config, for: reference)
        for (token, placeholder) in context.plan.placeholders where placeholder.image == reference {
            if let value = config.value(of: placeholder.property) { context.values.set(token, value) }
        }
    }

    /// `entrypoint: []` without a command runs the image's CMD: refused when there is none.
    private static func checkSomethingRuns(_ name: String, _ context: ApplyContext) throws {
        guard let instance = context.plan.instances[name], let entrypoint = instance.config["oci.entrypoint"] else {
            return
        }
        let pointer = JSONPointer.make(["instances", name, "config", "oci.entrypoint"])
        let resolved = context.index.resolve(entrypoint, at: pointer, values: context.values.snapshot)
        if let resolved, resolved.allSatisfy({ $0 == " " }) {
            throw ApplyError.nothingToRun(instance: name, image: instance.image.reference)
        }
    }
}
