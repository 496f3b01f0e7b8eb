/// Drops the top-level networks, volumes, secrets, configs and models no active service uses, as
/// docker compose does before it prints or runs a project.
enum UnusedResources {
    static func apply(_ model: YAMLNode) -> YAMLNode {
        var used: [String: Set<String>] = ["networks": [], "volumes": [], "secrets": [], "configs": [], "models": []]
        for service in model["services"]?.mapping ?? [] {
            let node = service.value
            for network in node["networks"]?.mapping ?? [] { used["networks", default: []].insert(network.key) }
            for network in node["networks"]?.sequence ?? [] {
                used["networks", default: []].insert(network.scalar?.text ?? "")
            }
            for volume in node["volumes"]?.sequence ?? [] where volume["type"]?.scalar?.text == "volume" {
                if let source = volume["source"]?.scalar?.text, !source.isEmpty {
                    used["volumes", default: []].insert(source)
                }
            }
            for secret in (node["secrets"]?.sequence ?? []) + (node["build"]?["secrets"]?.sequence ?? []) {
                used["secrets", default: []].insert(secret["source"]?.scalar?.text ?? secret.scalar?.text ?? "")
            }
            for config in node["configs"]?.sequence ?? [] {
                used["configs", default: []].insert(config["source"]?.scalar?.text ?? config.scalar?.text ?? "")
            }
            for model in node["models"]?.mapping ?? [] { used["models", default: []].insert(model.key) }
        }
        var result = model
        for (kind, names) in used {
            guard var resources = model[kind], let pairs = resources.mapping else { continue }
            let kept = pairs.filter { names.contains($0.key) }
            if kept.isEmpty {
                result.remove(kind)
                continue
            }
            resources.content = .mapping(kept)
            result.set(kind, resources)
        }
        return result
    }
}
