import Plan

/// Instance config keys that only some Incus servers know, asked of the server itself
/// (`GET /1.0/metadata/configuration`) rather than guessed from its version.
enum ServerCapabilities {
    /// Keys the compiler writes that older servers lack: the OCI DNS keys arrived in Incus 7;
    /// `boot.autorestart` in 6.0.
    static let optionalInstanceKeys = ["boot.autorestart", "oci.dns.domain", "oci.dns.nameservers", "oci.dns.search"]

    /// `plan` without the optional keys the server does not know, with a note for each one left out.
    static func adapt(_ plan: Plan, client: IncusClient, server: ServerInfo, reporter: Reporter) throws -> Plan {
        let used = Set(plan.instances.values.flatMap { $0.config.keys }).intersection(optionalInstanceKeys)
        guard !used.isEmpty else { return plan }
        let known = try instanceConfigKeys(client: client, server: server)
        let missing = used.subtracting(known).sorted()
        guard !missing.isEmpty else { return plan }
        var adapted = plan
        for key in missing {
            let instances = plan.instances.keys.filter { plan.instances[$0]?.config[key] != nil }.sorted()
            for name in instances { adapted.instances[name]?.config[key] = nil }
            reporter.note(
                "note: the Incus server (version \(server.version)) has no instance config key \(key); "
                    + "it is left out for \(instances.joined(separator: ", "))")
        }
        return adapted
    }

    /// Every instance config key the server documents; empty when it cannot tell (no
    /// `metadata_configuration` extension), so that every optional key is left out there.
    private static func instanceConfigKeys(client: IncusClient, server: ServerInfo) throws -> Set<String> {
        guard server.extensions.contains("metadata_configuration") else { return [] }
        let metadata = try client.get(
            "/1.0/metadata/configuration", action: "read", resource: "the server's configuration keys")
        var keys: Set<String> = []
        for section in metadata["configs"]?["instance"]?.objectValue?.values.map({ $0 }) ?? [] {
            for entry in section["keys"]?.arrayValue ?? [] {
                keys.formUnion(entry.objectValue?.keys.map { $0 } ?? [])
            }
        }
        return keys
    }
}
