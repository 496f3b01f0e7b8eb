/// `dns`, `dns_search` and `domainname` → Incus's `oci.dns.nameservers`, `oci.dns.search` and
/// `oci.dns.domain`, which OCI containers write into their resolv.conf instead of what DHCP gave.
/// Servers without these keys (before Incus 7) drop them at apply time with a note.
enum DNSSettings {
    static let keys = [
        ("dns", "oci.dns.nameservers"), ("dns_search", "oci.dns.search"), ("domainname", "oci.dns.domain"),
    ]

    static func apply(
        _ service: ComposeService, ociImage: String?, to config: inout [String: String],
        context: inout TranslationContext
    ) {
        for (composeKey, incusKey) in keys {
            guard let setting = service.dnsSettings[composeKey] else { continue }
            guard ociImage != nil else {
                context.warn(
                    "ignored-for-incus-image",
                    "'\(composeKey)' applies to OCI images only; an Incus image configures DNS from the network's DHCP, so it is ignored",
                    at: setting.location)
                continue
            }
            let joined = setting.value.filter { !$0.isEmpty }.joined(separator: ",")
            guard !joined.isEmpty else { continue }
            config[incusKey] = joined
            if composeKey == "dns" {
                context.warn(
                    "dns-servers",
                    "oci.dns.nameservers replaces the network's DNS server in the container's resolv.conf: the project's service names resolve there only through a server of this list",
                    at: setting.location)
            }
        }
        if let location = service.dnsOptionsLocation {
            context.warn(
                "unsupported-key", "'dns_opt' is ignored: Incus has no key for resolv.conf options", at: location)
        }
    }
}
