/// The last model-level rewrites compose-go applies after merging, in its order:
///
/// 1. `environment` list items without `=` take their value from the project environment.
/// 2. Every service not using `network_mode` or `provider` joins the `default` network when it
///    names none, and the `default` network is declared when any service uses it.
/// 3. `pull_policy: if_not_present` is `missing`; a build gets `context: .` and
///    `dockerfile: Dockerfile`; null build args and environment values are looked up.
/// 4. `links`, `network_mode: service:x`, `ipc`/`pid`/`uts`/`cgroup` `service:x` and
///    `volumes_from` add `depends_on` entries.
/// 5. Top-level networks, volumes, secrets and configs get their `name`: the key when external,
///    else `<project>_<key>`.
struct ModelNormalization {
    var projectName: String
    var environment: [String: String]

    /// Applies the rewrites in place: a model held once is changed without copying what stays.
    func update(_ model: inout YAMLNode) {
        model.set("name", .string(projectName, at: model.location))
        var usesDefault = false
        // Services normalize independently, so a large project's are spread over the cores.
        model.updateValue(forKey: "services") { services in
            services.updatePairs { services in
                ParallelWork.forEach(&services) { pair in
                    guard pair.value.mapping != nil else { return }
                    normalizeService(&pair.value)
                }
                usesDefault = services.contains { Self.usesDefaultNetwork($0.value) }
            }
        }
        if usesDefault {
            var networks = model["networks"] ?? .mapping([], at: model.location)
            if networks.isNull { networks = .mapping([], at: networks.location) }
            if networks["default"] == nil { networks.set("default", .null(at: model.location)) }
            model.set("networks", networks)
        }
        nameResources(&model)
    }

    /// What compose-go keeps of normalization under `--no-normalize`: the project's `name`, and
    /// resources declared empty (`data:`) written as empty mappings.
    func updateWithoutNormalizing(_ model: inout YAMLNode) {
        model.set("name", .string(projectName, at: model.location))
        for kind in ["networks", "volumes", "configs", "secrets"] {
            guard var resources = model[kind], resources.mapping != nil else { continue }
            resources.updatePairs { pairs in
                for index in pairs.indices where pairs[index].value.isNull {
                    pairs[index].value = .mapping([], at: pairs[index].keyLocation)
                }
            }
            model.set(kind, resources)
        }
    }

    /// Step 5 alone, with the project's `name`.
    func nameResources(_ model: inout YAMLNode) {
        model.set("name", .string(projectName, at: model.location))
        for kind in ["networks", "volumes", "configs", "secrets"] {
            guard var resources = model[kind], resources.mapping != nil else { continue }
            resources.updatePairs { pairs in
                for index in pairs.indices {
                    let pair = pairs[index]
                    var resource = pair.value.isNull ? YAMLNode.mapping([], at: pair.keyLocation) : pair.value
                    if resource.mapping != nil, resource["name"] == nil || resource["name"]?.isNull == true {
                        let external = resource["external"].map(Self.isTrue) ?? false
                        let name = external ? pair.key : "\(projectName)_\(pair.key)"
                        resource.set("name", .string(name, at: pair.keyLocation))
                    }
                    pairs[index].value = resource
                }
            }
            model.set(kind, resources)
        }
    }

    /// Whether a normalized service is on the `default` network: services without
    /// `network_mode` or `provider` that name no network were put on it.
    static func usesDefaultNetwork(_ service: YAMLNode) -> Bool {
        service.mapping != nil && service["provider"] == nil && service["network_mode"] == nil
            && service["networks"]?["default"] != nil
    }

    func normalizeService(_ service: inout YAMLNode) {
        let location = service.location
        if service["provider"] == nil && service["network_mode"] == nil {
            let networks = service["networks"]
            if networks == nil || networks?.isNull == true || networks?.mapping?.isEmpty == true {
                service.set("networks", .mapping([("default", .null(at: location))], at: location))
            }
        }
        if let policy = service["pull_policy"], policy.scalar?.text == "if_not_present" {
            service.set("pull_policy", .string("missing", at: policy.location))
        }
        if var build = service["build"], build.mapping != nil {
            if build["context"] == nil || build["context"]?.isNull == true {
                build.set("context", .string(".", at: build.location))
            }
            if build["dockerfile"] == nil && build["dockerfile_inline"] == nil {
                build.set("dockerfile", .string("Dockerfile", at: build.location))
            }
            if let args = build["args"] { build.set("args", resolve(args, keepEmpty: false)) }
            service.set("build", build)
        }
        if let env = service["environment"] { service.set("environment", resolve(env, keepEmpty: true)) }
        var dependsOn = service["depends_on"] ?? .mapping([], at: location)
        func add(_ name: String, restart: Bool, at location: SourceLocation) {
            guard dependsOn[name] == nil else { return }
            dependsOn.set(
                name,
                .mapping(
                    [
                        ("condition", .string("service_started", at: location)),
                        ("restart", .bool(restart, at: location)),
                        ("required", .bool(true, at: location)),
                    ], at: location))
        }
        for link in service["links"]?.sequence ?? [] {
            guard let text = link.scalar?.text else { continue }
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            add(parts.count == 2 ? String(parts[0]) : text, restart: true, at: link.location)
        }
        for namespace in ["network_mode", "ipc", "pid", "uts", "cgroup"] {
            if let node = service[namespace], let text = node.scalar?.text, text.hasPrefix("service:") {
                add(String(text.dropFirst("service:".count)), restart: true, at: node.location)
            }
        }
        if var volumes = service["volumes"], let items = volumes.sequence {
            volumes.content = .sequence(
                items.map { item in
                    guard let targetNode = item["target"], let target = targetNode.scalar?.text else { return item }
                    var item = item
                    item.set("target", .string(ComposeVolumeSyntax.cleanPath(target), at: targetNode.location))
                    return item
                })
            service.set("volumes", volumes)
        }
        for source in service["volumes_from"]?.sequence ?? [] {
            guard let text = source.scalar?.text, !text.hasPrefix("container:") else { continue }
            add(String(text.split(separator: ":").first ?? ""), restart: false, at: source.location)
        }
        if dependsOn.mapping?.isEmpty == false { service.set("depends_on", dependsOn) }
    }

    /// Null values (or `KEY` list items) looked up in the environment; unset ones are kept as null
    /// when `keepEmpty`, else dropped.
    func resolve(_ node: YAMLNode, keepEmpty: Bool) -> YAMLNode {
        var result = node
        if let pairs = node.mapping {
            result.content = .mapping(
                pairs.compactMap { pair in
                    guard pair.value.isNull else { return pair }
                    var pair = pair
                    if let value = environment[pair.key] {
                        pair.value = .string(value, at: pair.value.location)
                    } else if !keepEmpty {
                        return nil
                    }
                    return pair
                })
        } else if let items = node.sequence {
            result.content = .sequence(
                items.compactMap { item in
                    guard let text = item.scalar?.text, !ASCIIText.hasByte(text, UInt8(ascii: "=")) else {
                        return item
                    }
                    if let value = environment[text] { return .string("\(text)=\(value)", at: item.location) }
                    return keepEmpty ? item : nil
                })
        }
        return result
    }

    static func isTrue(_ node: YAMLNode) -> Bool {
        switch node.resolved {
        case .bool(let value): return value
        case .string(let text): return ["1", "t", "T", "true", "TRUE", "True"].contains(text)
        case .integer(let value): return value == 1
        default: return false
        }
    }
}
