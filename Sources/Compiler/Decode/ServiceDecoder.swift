/// Decodes one loaded service into a `ComposeService`, checking the type of every value
/// translation reads. Errors name the value's path and position.
struct ServiceDecoder {
    let name: String
    let node: YAMLNode
    /// `services.NAME`, made once: most checks pass it on.
    let path: String

    init(name: String, node: YAMLNode) {
        self.name = name
        self.node = node
        self.path = "services.\(name)"
    }

    /// The undotted x-incus keys valid on a service.
    static let incusOptions = ["image", "nat-proxy", "target"]

    func decode(keyLocation: SourceLocation) throws -> ComposeService {
        let incus = try IncusBlockDecoder.read(from: node, path: path, allowedOptions: Self.incusOptions)
        return ComposeService(
            name: name, keyLocation: keyLocation,
            scale: try node["scale"].map { Located(try $0.expectInteger(path + ".scale"), at: $0.location) },
            deployReplicas: try node["deploy"]?["replicas"].map {
                Located(try $0.expectInteger(path + ".deploy.replicas"), at: $0.location)
            },
            deployLocation: node["deploy"]?.location,
            containerName: try text("container_name"),
            hostname: node["hostname"]?.locatedText,
            image: try node["image"].flatMap {
                $0.isNull ? nil : Located(try $0.expectScalarText(path + ".image"), at: $0.location)
            },
            buildKeyLocation: node.pair("build")?.keyLocation,
            pullPolicy: node["pull_policy"]?.locatedText,
            incusImage: try incus.options["image"].map {
                Located(try $0.expectScalarText(path + ".x-incus.image"), at: $0.location)
            },
            natProxy: try incus.options["nat-proxy"].map { Located(try natFlag($0), at: $0.location) },
            target: try incus.options["target"].map {
                Located(try $0.expectScalarText(path + ".x-incus.target"), at: $0.location)
            },
            incus: incus.block,
            networkMode: node["network_mode"]?.locatedText,
            networks: try networkAttachments(),
            networksLocation: node["networks"]?.location,
            macAddress: node["mac_address"]?.scalarText,
            ports: try PortDecoder.decode(node["ports"], path: path),
            mounts: try MountDecoder.mounts(node["volumes"], path: path),
            tmpfs: try MountDecoder.tmpfsMounts(of: node, path: path),
            environment: (node["environment"]?.mapping ?? []).map { pair in
                // A null value means "take it from the environment", which left it unset.
                (pair.key, pair.keyLocation, pair.value.scalarText ?? (pair.value.isNull ? nil : ""))
            },
            labels: (node["labels"]?.mapping ?? []).map { ($0.key, $0.keyLocation, $0.value.scalarText ?? "") },
            sysctls: (node["sysctls"]?.mapping ?? []).map { ($0.key, $0.keyLocation, $0.value.scalarText ?? "") },
            ulimits: try resourceLimits(),
            extraHosts: try locatedWords("extra_hosts").map { entry in
                // Shaped as docker prints them: `host=address`, IPv6 addresses without brackets.
                let (host, address) = KeyValues.splitAtEquals(entry.value)
                return (host, address ?? "", entry.location)
            },
            capabilitiesAdded: try locatedWords("cap_add"),
            capabilitiesDropped: try locatedWords("cap_drop"),
            deviceRequests: try deviceRequests(),
            devices: try deviceMappings(),
            entrypoint: try words("entrypoint"),
            command: try words("command"),
            workingDirectory: try text("working_dir"),
            user: try text("user"),
            privileged: try node["privileged"].map { try $0.expectBool(path + ".privileged") } ?? false,
            readOnly: try node["read_only"].flatMap {
                $0.isNull ? nil : Located(try $0.expectBool(path + ".read_only"), at: $0.location)
            },
            stopGracePeriod: try stopGracePeriod(),
            stopSignal: try text("stop_signal"),
            resources: try resources(),
            restart: try node["restart"].flatMap {
                $0.isNull ? nil : Located(try $0.expectScalarText(path + ".restart"), at: $0.location)
            },
            restartCondition: node["deploy"]?["restart_policy"]?["condition"].map { $0.scalarText ?? "" },
            healthcheck: try HealthcheckDecoder.decode(node["healthcheck"], path: path + ".healthcheck"),
            dependsOn: try dependencies(),
            dnsSettings: try dnsSettings(),
            dnsOptionsLocation: node["dns_opt"].flatMap {
                $0.isNull || ($0.sequence ?? []).isEmpty ? nil : $0.location
            },
            fileReferences: try FileReference.Kind.allCases.flatMap { try fileReferences($0) },
            keys: (node.mapping ?? []).compactMap { $0.value.isNull ? nil : Located($0.key, at: $0.keyLocation) })
    }

    /// A string value; `nil` when the key is absent.
    private func text(_ key: String) throws -> Located<String>? {
        try node[key].map { Located(try $0.expectScalarText("\(path).\(key)"), at: $0.location) }
    }

    /// A list of words (`command`, `entrypoint`); `nil` when the key is absent or null.
    private func words(_ key: String) throws -> Located<[String]>? {
        try node[key].flatMap { $0.isNull ? nil : Located(try Self.words($0, path: "\(path).\(key)"), at: $0.location) }
    }

    /// The items of a list of strings, each with its position (none when absent or null).
    private func locatedWords(_ key: String) throws -> [Located<String>] {
        guard let list = node[key], !list.isNull else { return [] }
        return try list.expectSequence("\(path).\(key)").enumerated().map {
            Located(try $0.element.expectScalarText("\(path).\(key)[\($0.offset)]"), at: $0.element.location)
        }
    }

    /// The text of every item of a list of strings (none for null).
    static func words(_ node: YAMLNode, path: String) throws -> [String] {
        if node.isNull { return [] }
        return try node.expectSequence(path).enumerated().map {
            try $0.element.expectScalarText("\(path)[\($0.offset)]")
        }
    }

    private func natFlag(_ node: YAMLNode) throws -> Bool {
        guard case .bool(let flag) = node.resolved else {
            throw CompileError(
                "x-incus.nat-proxy takes true or false, not \(node.kindName) '\(node.scalar?.text ?? "")'",
                at: node.location, path: path + ".x-incus.nat-proxy")
        }
        return flag
    }

    /// `dns`, `dns_search` and `domainname`, each a string or a list of strings.
    private func dnsSettings() throws -> [String: Located<[String]>] {
        var settings: [String: Located<[String]>] = [:]
        for key in ["dns", "dns_search", "domainname"] {
            guard let value = node[key], !value.isNull else { continue }
            let values = value.sequence != nil ? try Self.words(value, path: key) : [try value.expectScalarText(key)]
            settings[key] = Located(values, at: value.location)
        }
        return settings
    }

    private func dependencies() throws -> [ComposeService.Dependency] {
        try (node["depends_on"]?.mapping ?? []).map { pair in
            ComposeService.Dependency(
                service: pair.key, keyLocation: pair.keyLocation,
                condition: pair.value["condition"]?.scalarText ?? "service_started",
                required: try pair.value["required"].map {
                    try $0.expectBool("\(path).depends_on.\(pair.key).required")
                } ?? true)
        }
    }
}
