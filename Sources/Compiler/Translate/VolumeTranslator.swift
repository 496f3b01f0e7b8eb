import Plan

/// A compose volume resolved to its Incus custom storage volume.
struct ResolvedVolume {
    let composeName: String
    let incusName: String
    let pool: String
    let plan: PlanVolume
}

/// Top-level compose volumes → Incus custom storage volumes in the compose project.
enum VolumeTranslator {
    static func translate(_ model: YAMLNode, context: inout TranslationContext) throws -> [String: ResolvedVolume] {
        var result: [String: ResolvedVolume] = [:]
        var incusNames: [String: String] = [:]
        for pair in model["volumes"]?.mapping ?? [] {
            let path = "volumes.\(pair.key)"
            let node = pair.value
            let external = try node["external"].map { try $0.expectBool(path + ".external") } ?? false
            let incusExtension = try IncusExtension.read(from: node, path: path, allowedOptions: ["pool", "size"])
            let pool =
                try incusExtension.options["pool"].map { try $0.expectScalarText(path + ".x-incus.pool") }
                ?? context.storagePool
            // Volumes live in the compose project's own Incus project, so the compose key is unique
            // enough; a `name:` the user chose (other than docker's `<project>_<key>`) is kept.
            let dockerName = try node["name"].map { try $0.expectScalarText(path + ".name") } ?? pair.key
            let chosen = external || dockerName != "\(context.projectName)_\(pair.key)" ? dockerName : pair.key
            let incusName = IncusNames.volumeName(chosen)
            if let other = incusNames[incusName] {
                throw CompileError(
                    "volumes '\(other)' and '\(pair.key)' both map to the Incus volume name '\(incusName)'",
                    at: pair.keyLocation, path: path)
            }
            incusNames[incusName] = pair.key
            var config: [String: String] = [:]
            if !external {
                config["user.compose.project"] = context.projectName
                config["user.compose.volume"] = pair.key
                for label in try NetworkTranslator.labels(node, path: path) {
                    config["user." + label.key] = label.value
                }
                if let driver = node["driver"]?.scalarText, driver != "local" {
                    context.warn(
                        "volume-driver",
                        "volume driver '\(driver)' is ignored; '\(pair.key)' is an Incus custom volume",
                        at: node["driver"]?.location)
                }
                if let options = node["driver_opts"], !(options.mapping ?? []).isEmpty {
                    context.warn(
                        "volume-driver-options",
                        "driver_opts of volume '\(pair.key)' are ignored; use x-incus config keys",
                        at: options.location)
                }
                for (key, value) in incusExtension.config { config[key] = value }
                // `size` is an Incus volume key without a dot, so it is listed as an option.
                if let sizeNode = incusExtension.options["size"] {
                    config["size"] = try sizeNode.expectScalarText(path + ".x-incus.size")
                }
            }
            let plan = PlanVolume(
                composeName: pair.key, external: external, pool: pool,
                description: external
                    ? "external volume \(chosen)" : "compose volume \(pair.key) of project \(context.projectName)",
                config: config)
            result[pair.key] = ResolvedVolume(composeName: pair.key, incusName: incusName, pool: pool, plan: plan)
        }
        return result
    }
}
