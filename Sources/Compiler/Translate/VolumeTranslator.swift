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
    static func translate(
        _ volumes: [ComposeVolume], context: inout TranslationContext
    ) throws -> [String: ResolvedVolume] {
        var result: [String: ResolvedVolume] = [:]
        var incusNames: [String: String] = [:]
        for volume in volumes {
            let key = volume.key
            let external = volume.external
            let pool = volume.pool ?? context.storagePool
            // Volumes live in the compose project's own Incus project, so the compose key is unique
            // enough; a `name:` the user chose (other than docker's `<project>_<key>`) is kept.
            let dockerName = volume.name
            let chosen = external || dockerName != "\(context.projectName)_\(key)" ? dockerName : key
            let incusName = IncusNames.volumeName(chosen)
            if let other = incusNames[incusName] {
                throw CompileError(
                    "volumes '\(other)' and '\(key)' both map to the Incus volume name '\(incusName)'",
                    at: volume.keyLocation, path: "volumes.\(key)")
            }
            incusNames[incusName] = key
            var config: [String: String] = [:]
            if !external {
                config["user.compose.project"] = context.projectName
                config["user.compose.volume"] = key
                for label in volume.labels { config["user." + label.key] = label.value }
                if let driver = volume.driver, driver.value != "local" {
                    context.warn(
                        "volume-driver",
                        "volume driver '\(driver.value)' is ignored; '\(key)' is an Incus custom volume",
                        at: driver.location)
                }
                if let location = volume.driverOptionsLocation {
                    context.warn(
                        "volume-driver-options", "driver_opts of volume '\(key)' are ignored; use x-incus config keys",
                        at: location)
                }
                for (configKey, value) in volume.incus.config { config[configKey] = value }
                if let size = volume.size { config["size"] = size }
            }
            let plan = PlanVolume(
                composeName: key, external: external, pool: pool,
                description: external
                    ? "external volume \(chosen)" : "compose volume \(key) of project \(context.projectName)",
                config: config)
            result[key] = ResolvedVolume(composeName: key, incusName: incusName, pool: pool, plan: plan)
        }
        return result
    }
}
