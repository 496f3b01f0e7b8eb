import Plan

/// Service `secrets:` and `configs:` → files apply writes into each instance.
///
/// Only where the content comes from goes into the plan (a host path or an environment variable's
/// name), never the content of a secret, so plans can be reviewed and committed safely.
enum InstanceFiles {
    static func translate(
        _ service: ComposeService, definitions: [FileReference.Kind: [String: FileDefinition]],
        context: inout TranslationContext
    ) throws -> [String: PlanFile] {
        var files: [String: PlanFile] = [:]
        for reference in service.fileReferences {
            let kind = reference.kind
            let source = reference.source
            guard let definition = definitions[kind]?[source] else {
                throw CompileError(
                    "service uses \(kind.singular) '\(source)', which is not declared under the top-level \(kind.rawValue):",
                    at: reference.location, path: reference.path)
            }
            if definition.external {
                context.warn(
                    "external-\(kind.singular)",
                    "external \(kind.rawValue) live in a swarm; Incus has none, so '\(source)' is not provided",
                    at: reference.location)
                continue
            }
            guard let origin = definition.origin else {
                throw CompileError(
                    "\(kind.singular) '\(source)' needs file:, environment:\(kind == .configs ? " or content:" : "")",
                    at: definition.location, path: "\(kind.rawValue).\(source)")
            }
            let target: String
            if kind == .secrets {
                let name = reference.target ?? source
                target = name.hasPrefix("/") ? name : "/run/secrets/" + name
            } else {
                let name = reference.target ?? "/" + source
                target = name.hasPrefix("/") ? name : "/" + name
            }
            guard files[target] == nil else {
                throw CompileError(
                    "two secrets or configs are written to \(target)", at: reference.location, path: reference.path)
            }
            files[target] = PlanFile(
                kind: origin.kind, source: origin.source, uid: reference.uid, gid: reference.gid, mode: reference.mode)
        }
        return files
    }

    /// `extra_hosts` as the /etc/hosts docker writes: the loopback names, then each host with its
    /// address. `host-gateway`, docker's name for the host, is `gateway`: the address of the first
    /// network's bridge on the host, when the plan fixes it.
    static func addHostsFile(
        for service: ComposeService, gateway: String?, to files: inout [String: PlanFile],
        context: inout TranslationContext
    ) throws {
        guard !service.extraHosts.isEmpty else { return }
        var text = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
        for (index, entry) in service.extraHosts.enumerated() {
            var address = entry.address
            if address == "host-gateway" {
                guard let gateway, IPAddress.isValid(gateway) else {
                    context.warn(
                        "host-gateway",
                        "'\(entry.host)' is not written to /etc/hosts: host-gateway is the address of the network's"
                            + " bridge, which Incus picks here; give the network a subnet to fix it", at: entry.location
                    )
                    continue
                }
                address = gateway
            }
            guard IPAddress.isValid(address), !entry.host.isEmpty, !entry.host.contains(where: \.isWhitespace) else {
                throw CompileError(
                    "extra_hosts entry '\(entry.host)=\(entry.address)' needs a host name and an IP address",
                    at: entry.location, path: "\(service.path).extra_hosts[\(index)]")
            }
            text += "\(address)\t\(entry.host)\n"
        }
        guard files["/etc/hosts"] == nil else {
            throw CompileError(
                "extra_hosts and a secret or config both write /etc/hosts", at: service.extraHosts[0].location,
                path: service.path + ".extra_hosts")
        }
        files["/etc/hosts"] = PlanFile(kind: "content", source: text, uid: "0", gid: "0", mode: "0644")
    }
}
