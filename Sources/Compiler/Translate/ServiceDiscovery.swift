import Plan

/// Service names and network aliases as DNS names on every network the plan manages.
///
/// Incus's bridge DNS (dnsmasq) knows instance names only (`db-1.incus`). This adds, to each managed
/// network's `raw.dnsmasq`, a record for every service on that network and every alias it has there:
/// a `cname` to the instance for a single-instance service (known at compile time), or one
/// `host-record` per replica for a scaled service (each record also names `<name>.<domain>`, since
/// resolvers that try the search domain first, such as busybox's, ask for that), whose addresses are placeholders that apply fills
/// in once the replicas have their leases (dnsmasq then answers with every address, in turn).
enum ServiceDiscovery {
    /// A service's instances on one network, each with its NIC there.
    typealias Replicas = [(instance: String, nic: String)]

    /// One NIC of an instance: what the records are made from.
    struct Attachment {
        var network: String
        var service: String
        var instance: String
        var nic: String
    }

    /// The NICs of `instance`, each on its Incus network (found while the instance is built, on
    /// the core that built it).
    static func attachments(of instance: PlanInstance, named name: String) -> [Attachment] {
        var result: [Attachment] = []
        for (deviceName, device) in instance.devices where device["type"] == "nic" {
            if let network = device["network"] {
                result.append(Attachment(network: network, service: instance.service, instance: name, nic: deviceName))
            }
        }
        return result
    }

    /// Adds each managed network's records to its `raw.dnsmasq` in `plan`, with the placeholders
    /// they use, from the NICs in `attachments`; warns where a name cannot resolve.
    static func addRecords(
        services: [ComposeService], networks: [String: ResolvedNetwork], attachments: [Attachment], plan: inout Plan,
        context: inout TranslationContext
    ) throws {
        // Indices, not copies: a service is a large value, and its records need only its networks.
        var servicesByName: [String: Int] = [:]
        for (index, service) in services.enumerated() where servicesByName[service.name] == nil {
            servicesByName[service.name] = index
        }
        // Instances of each service, with the NIC each has on each Incus network: gathered in any
        // order, each service's (short) list sorted by instance and NIC name where it is used.
        var members: [String: [String: Replicas]] = [:]
        for attachment in attachments {
            members[attachment.network, default: [:]][attachment.service, default: []].append(
                (attachment.instance, attachment.nic))
        }
        // Networks are independent of one another: a large project's records are made on several
        // cores, one network at a time each, and joined in network order, as one loop would.
        let sortedNetworks = networks.values.sorted { $0.incusName < $1.incusName }
        let networkPlans = plan.networks
        let emptyContext = context.withoutWarnings
        let networksPerChunk = ParallelWork.isWorthSplitting(services.count) ? 1 : Int.max
        let results = try ParallelWork.map(sortedNetworks, minimumItemsPerChunk: networksPerChunk) { network in
            var networkContext = emptyContext
            let records = NetworkRecords(
                network: network, plan: networkPlans[network.incusName],
                byService: members[network.incusName] ?? [:], services: services, servicesByName: servicesByName,
                context: &networkContext)
            return (records: records, context: networkContext)
        }
        for (network, result) in zip(sortedNetworks, results) {
            context.append(warningsOf: result.context)
            let records = result.records
            for use in records.placeholderUses {
                var entry =
                    plan.placeholders[use.token]
                    ?? PlanPlaceholder(instance: use.instance, device: use.nic, family: "ipv4", pointers: [])
                if !entry.pointers.contains(records.pointer) {
                    entry.pointers.append(records.pointer)
                    entry.pointers.sort()
                }
                plan.placeholders[use.token] = entry
            }
            guard !records.lines.isEmpty, var networkPlan = plan.networks[network.incusName] else { continue }
            let userLines = networkPlan.config["raw.dnsmasq"].map { [$0] } ?? []
            networkPlan.config["raw.dnsmasq"] = (userLines + records.lines).joined(separator: "\n")
            plan.networks[network.incusName] = networkPlan
        }
    }

    /// The dnsmasq records of one network, and the placeholders they use.
    struct NetworkRecords {
        /// `cname` and `host-record` lines, in service and then name order.
        var lines: [String] = []
        /// The JSON pointer of the network's `raw.dnsmasq`, where the placeholders are used.
        var pointer = ""
        /// Address placeholders of scaled services' replicas, in the order of `lines`.
        var placeholderUses: [(token: String, instance: String, nic: String)] = []

        init(
            network: ResolvedNetwork, plan: PlanNetwork?, byService: [String: Replicas],
            services: [ComposeService], servicesByName: [String: Int], context: inout TranslationContext
        ) {
            if network.external {
                if byService.count > 1, let firstService = byService.keys.sorted().first {
                    context.warn(
                        "external-network-dns",
                        "service names do not resolve on external network '\(network.composeName)': it is never modified; use instance names there",
                        at: servicesByName[firstService].flatMap { index in
                            services[index].networks.first { $0.network == network.composeName }?.keyLocation
                        })
                }
                return
            }
            guard let plan else { return }
            let domain = plan.config["dns.domain"] ?? "incus"
            pointer = JSONPointer.make(["networks", network.incusName, "config", "raw.dnsmasq"])
            for serviceName in byService.keys.sorted() {
                var replicas = byService[serviceName] ?? []
                if replicas.count > 1 { replicas.sort { ($0.instance, $0.nic) < ($1.instance, $1.nic) } }
                guard let index = servicesByName[serviceName] else { continue }
                var names = [serviceName]
                if let attachment = services[index].networks.first(where: { $0.network == network.composeName }),
                    !attachment.aliases.isEmpty
                {
                    names = Set(names + attachment.aliases).sorted()
                }
                for name in names where !replicas.contains(where: { $0.instance == name }) {
                    guard isDNSName(name) else {
                        context.warn(
                            "dns-name",
                            "'\(name)' is not a valid DNS name, so it does not resolve on network '\(network.composeName)'",
                            at: services[index].networksLocation)
                        continue
                    }
                    if replicas.count == 1, let only = replicas.first {
                        lines.append("cname=\(name),\(name).\(domain),\(only.instance).\(domain)")
                        continue
                    }
                    for replica in replicas {
                        let token = "\(replica.instance).\(replica.nic).ipv4"
                        lines.append("host-record=\(name),\(name).\(domain),{{\(token)}}")
                        placeholderUses.append((token, replica.instance, replica.nic))
                    }
                }
            }
        }
    }

    /// Letters, digits, `-` and `_` labels separated by dots, as dnsmasq accepts them.
    static func isDNSName(_ name: String) -> Bool {
        if let answer = name.utf8.withContiguousStorageIfAvailable(isASCIIDNSName), let answer { return answer }
        return isDNSNameCharacters(name)
    }

    /// `isDNSNameCharacters` on the bytes of ASCII text, where each byte is one character; `nil`
    /// for other text, which can still be a valid name only through characters the byte test
    /// cannot judge.
    private static func isASCIIDNSName(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
        guard !bytes.isEmpty else { return false }
        var labelLength = 0
        var valid = bytes.count <= 253
        for byte in bytes {
            if byte >= 0x80 { return nil }
            if byte == UInt8(ascii: ".") {
                if labelLength == 0 { valid = false }
                labelLength = 0
                continue
            }
            if labelLength == 0 && byte == UInt8(ascii: "-") { valid = false }
            labelLength += 1
            if labelLength > 63 { valid = false }
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
                break
            default: valid = false
            }
        }
        return valid && labelLength > 0
    }

    /// Character by character, for any text.
    static func isDNSNameCharacters(_ name: String) -> Bool {
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        return !name.isEmpty && name.count <= 253
            && labels.allSatisfy { label in
                !label.isEmpty && label.count <= 63 && !label.hasPrefix("-")
                    && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
            }
    }
}
