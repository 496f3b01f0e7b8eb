/// Why an apply stopped, with what to do about it.
public enum ApplyError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The incus client's config.yml or credentials could not be used.
    case clientConfig(path: String, reason: String)
    /// An OCI image on a server without the `instance_oci` API extension.
    case ociUnsupported(instance: String, image: String, serverVersion: String)
    /// An OCI image whose manifest or config cannot be read from its registry.
    case imageUnavailable(services: [String], image: String, reason: String)
    /// `entrypoint: []` and no `command` on an image without CMD: nothing to run.
    case nothingToRun(instance: String, image: String)
    /// A dependency waited for with `service_healthy` has no healthcheck.
    case noHealthcheck(instance: String)
    /// An instance's healthcheck failed `retries` times in a row.
    case unhealthy(instance: String, failures: Int, output: String)
    /// A dependency waited for with `service_completed_successfully` stopped with another exit status.
    case jobFailed(instance: String, exitCode: Int)
    /// `--wait`: instances that are not healthy (or not running) in time, each with why.
    case notReady(instances: [String: String], waited: Int?)
    /// A `local:` image alias that is not in the server's image store.
    case missingImage(instance: String, alias: String)
    /// An image remote named in the plan is not in the incus client config.
    case unknownImageRemote(instance: String, remote: String, configPath: String)
    /// Incus could not pick an `auto` subnet for a network.
    case autoAddress(network: String, composeName: String, family: String, incusMessage: String)
    /// A container did not get a DHCP address in time.
    case addressTimeout(instance: String, device: String, family: String, seconds: Int)
    /// A resource exists on the server but belongs to someone else.
    case notOwned(kind: String, name: String, project: String, owner: String?)
    /// An external network or volume the plan uses does not exist.
    case missingExternal(kind: String, name: String)
    /// A volume the plan puts in one pool exists, with its data, in another one.
    case volumeInOtherPool(volume: String, project: String, planned: String, found: String)
    /// An instance was not created because one it depends on failed.
    case dependencyFailed(instance: String, dependency: String)
    /// A response Incus sent could not be understood.
    case unexpectedResponse(request: String, detail: String)
    /// A secret or config file of an instance cannot be read (missing host file, unset variable).
    case fileSource(instance: String, target: String, source: String, reason: String)
    /// A bind source apply was to create as a directory and could not (a remote server, or the
    /// local file system refused).
    case hostPath(instance: String, path: String, reason: String)
    /// A `unix-char` or `unix-block` device whose host node is missing or of the other kind.
    case deviceNode(instance: String, path: String, reason: String)
    /// `--check-source`: compose inputs changed (or disappeared) since the plan was compiled.
    case sourceChanged(files: [String])
    /// Another apply holds the project's lock and did not release it within `--lock-timeout`.
    case locked(project: String, holder: String, waited: Int)
    /// SIGINT or SIGTERM: the stage or instance that was not started.
    case interrupted(before: String)
    /// A cluster target (`x-incus.target`, `--target`) that cannot be used on this server.
    case placement(target: String, reason: String)

    public var description: String {
        switch self {
        case .clientConfig(let path, let reason):
            return "incus client config \(path): \(reason)"
        case .ociUnsupported(let instance, let image, let version):
            return "instance \(instance) uses OCI image \(image), but the Incus server (version \(version)) has no "
                + "OCI support (API extension instance_oci, Incus 6.3 or later). Upgrade the server or map the "
                + "service to an Incus image with `x-incus: {image: REMOTE:ALIAS}`. Nothing was created."
        case .imageUnavailable(let services, let image, let reason):
            let names = services.count == 1 ? "service \(services[0])" : "services " + services.joined(separator: ", ")
            return "\(names) use\(services.count == 1 ? "s" : "") OCI image \(image), which cannot be read from its "
                + "registry: \(reason). Check the reference and that the registry answers (its CA must be in the "
                + "system's store or in $SSL_CERT_FILE). Nothing was created."
        case .nothingToRun(let instance, let image):
            return "instance \(instance) has `entrypoint: []` and no command, and image \(image) has no CMD: "
                + "there is nothing to run (docker refuses it too). Give the service a command. Nothing was created."
        case .noHealthcheck(let instance):
            return "dependency failed to start: instance \(instance) has no healthcheck configured (depends_on "
                + "condition service_healthy needs a healthcheck in compose or in its image)"
        case .unhealthy(let instance, let failures, let output):
            let last = output.trimmingCharacters(in: .whitespacesAndNewlines)
            return "dependency failed to start: instance \(instance) is unhealthy (its healthcheck failed \(failures) "
                + "times in a row; last output: \(last.isEmpty ? "none" : last))"
        case .jobFailed(let instance, let exitCode):
            return "instance \(instance) didn't complete successfully: exit \(exitCode)"
        case .notReady(let instances, let waited):
            let list = instances.keys.sorted().map { "\($0) (\(instances[$0] ?? ""))" }.joined(separator: ", ")
            return "not ready\(waited.map { " after \($0) s" } ?? ""): \(list)"
        case .missingImage(let instance, let alias):
            return "instance \(instance) uses image local:\(alias), but the server's image store has no alias "
                + "\"\(alias)\". Import the image (`incus image import … --alias \(alias)`) or change `x-incus.image`."
        case .unknownImageRemote(let instance, let remote, let configPath):
            return "instance \(instance) uses image remote \"\(remote)\", which is not in \(configPath). "
                + "Add it with `incus remote add` or use local:ALIAS."
        case .autoAddress(let network, let composeName, let family, let message):
            return "network \(network) (compose network \"\(composeName)\"): Incus could not pick an \(family) "
                + "subnet automatically (Incus says: \(message)). Set `ipam.config.subnet` on the compose network, or "
                + "`x-incus: {\(family == "IPv6" ? "ipv6" : "ipv4").address: ADDRESS/PREFIX}`."
        case .addressTimeout(let instance, let device, let family, let seconds):
            return "instance \(instance) got no \(family) address on NIC \(device) within \(seconds) s "
                + "(is DHCP running in the container and on its network?). Raise --address-timeout or check "
                + "`incus exec \(instance) -- ip addr` in its project."
        case .notOwned(let kind, let name, let project, let owner):
            let holder =
                owner.map { "compose project \"\($0)\"" } ?? "no compose project (no user.compose.project marker)"
            return "\(kind) \(name) already exists and belongs to \(holder), not \"\(project)\"; "
                + "apply does not take over resources it did not create. Rename the project or remove the \(kind)."
        case .missingExternal(let kind, let name):
            return "external \(kind) \(name) does not exist; apply never creates external resources. Create it first."
        case .volumeInOtherPool(let volume, let project, let planned, let found):
            return "storage volume \(volume) of project \(project) is in pool \(found), but the plan puts it in "
                + "pool \(planned); apply does not move volumes, and an empty one would replace its data. Move it "
                + "(`incus storage volume move \(found)/\(volume) \(planned)/\(volume) --project \(project)`, "
                + "instances using it stopped) or keep its pool in the compose file. Nothing was changed."
        case .dependencyFailed(let instance, let dependency):
            return "instance \(instance) was not converged because \(dependency), which it depends on, failed"
        case .unexpectedResponse(let request, let detail):
            return "unexpected answer from Incus to \(request): \(detail)"
        case .fileSource(let instance, let target, let source, let reason):
            return "instance \(instance) file \(target): cannot read its source, \(source): \(reason). "
                + "Nothing was changed."
        case .hostPath(let instance, let path, let reason):
            return "instance \(instance): the bind mount source \(path) is missing and cannot be created: \(reason)"
        case .deviceNode(let instance, let path, let reason):
            return "instance \(instance): device \(path) \(reason). Nothing was changed"
        case .sourceChanged(let files):
            return "the plan is out of date (--check-source): "
                + files.joined(separator: "; ")
                + ". Compile it again (compose-compile) and review the new plan. No request was sent."
        case .interrupted(let stage):
            return "interrupted before \(stage); run apply again to finish"
        case .placement(let target, let reason):
            return "cluster target \(target): \(reason). Nothing was changed."
        case .locked(let project, let holder, let waited):
            return "project \(project) is being applied by \(holder); waited \(waited) s (--lock-timeout). "
                + "If that apply is gone, remove the lock with `incus project unset \(project) user.compose.lock`."
        }
    }
}
