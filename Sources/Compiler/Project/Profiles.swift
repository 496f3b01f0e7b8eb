/// Selects the services of the active profiles, as `docker compose --profile` does.
///
/// A service without `profiles` is always active; one with profiles is active when any of them is
/// active, or when `*` is. An active service that requires (`depends_on` with `required: true`, the
/// default) a service left inactive is an error, as in docker compose; one that does not require it
/// keeps the entry.
enum Profiles {
    static func apply(_ model: YAMLNode, active: [String]) throws -> YAMLNode {
        guard var services = model["services"], let pairs = services.mapping else { return model }
        func isActive(_ service: YAMLNode) -> Bool {
            let profiles = service["profiles"]?.sequence?.compactMap(\.scalar?.text) ?? []
            return profiles.isEmpty || active.contains("*") || profiles.contains(where: active.contains)
        }
        let kept = pairs.filter { isActive($0.value) }
        let disabled = Set(pairs.filter { !isActive($0.value) }.map(\.key))
        for pair in kept {
            for dependency in pair.value["depends_on"]?.mapping ?? [] where disabled.contains(dependency.key) {
                let required = dependency.value["required"].map(ModelNormalization.isTrue) ?? true
                guard !required else {
                    throw CompileError(
                        "service '\(pair.key)' depends on service '\(dependency.key)', whose profiles "
                            + "(\(profileList(dependency.key, pairs))) are not active; enable one with --profile",
                        at: dependency.keyLocation, path: "services.\(pair.key).depends_on.\(dependency.key)")
                }
            }
        }
        services.content = .mapping(kept)
        var result = model
        result.set("services", services)
        return result
    }

    static func profileList(_ name: String, _ pairs: [YAMLPair]) -> String {
        let service = pairs.first { $0.key == name }?.value
        return (service?["profiles"]?.sequence?.compactMap(\.scalar?.text) ?? []).joined(separator: ", ")
    }
}
