/// Checks a plan before apply sends a single request.
///
/// `Plan(json:)` already checks types (string-to-string maps, required fields, the format); this adds
/// what Incus and apply need: valid names, known kinds, resolvable dependencies and placeholders that
/// are declared, resolve, and are used only at their listed pointers. Every error names a JSON pointer.
public enum PlanValidator {
    /// The owner marker every managed resource carries.
    public static let markerKey = "user.compose.project"

    /// Decodes and validates a plan document.
    public static func load(_ document: JSONValue) throws -> Plan {
        let plan = try Plan(json: document)
        try validate(plan, document: document)
        return plan
    }

    /// Validates a decoded plan against its document (which pointers refer to).
    public static func validate(_ plan: Plan, document: JSONValue) throws {
        try checkProject(plan)
        try checkNetworks(plan)
        try checkVolumes(plan)
        try checkInstances(plan)
        try DependencyOrder.checkAcyclic(plan)
        try checkPlaceholders(plan, document: document)
        try checkTokenUses(plan)
    }

    private static func checkProject(_ plan: Plan) throws {
        guard IncusNameRules.isValidPlainName(plan.project.name) else {
            throw PlanError("invalid Incus project name \"\(plan.project.name)\"", at: "/project/name")
        }
        guard let marker = plan.project.config[markerKey], !marker.isEmpty else {
            throw PlanError("missing owner marker \(markerKey)", at: "/project/config")
        }
        if let target = plan.project.target, !PlacementRules.isValidTarget(target) {
            throw PlanError("invalid cluster target \"\(target)\" (a member name or @group)", at: "/project/target")
        }
    }

    private static func checkNetworks(_ plan: Plan) throws {
        let marker = plan.project.config[markerKey]
        for name in plan.networks.keys.sorted() {
            guard let network = plan.networks[name] else { continue }
            let pointer = JSONPointer.make(["networks", name])
            guard IncusNameRules.isValidNetworkName(name) else {
                throw PlanError("invalid Incus network name (at most 15 letters, digits, - _ .)", at: pointer)
            }
            if network.external { continue }
            guard network.type == "bridge" else {
                throw PlanError("unsupported network type \"\(network.type)\" (only bridge)", at: pointer + "/type")
            }
            guard network.config[markerKey] == marker else {
                throw PlanError("a managed network must carry \(markerKey)=\(marker ?? "")", at: pointer + "/config")
            }
        }
    }

    private static func checkVolumes(_ plan: Plan) throws {
        for name in plan.volumes.keys.sorted() {
            guard let volume = plan.volumes[name] else { continue }
            let pointer = JSONPointer.make(["volumes", name])
            guard IncusNameRules.isValidPlainName(name) else {
                throw PlanError("invalid Incus storage volume name", at: pointer)
            }
            guard IncusNameRules.isValidPlainName(volume.pool) else {
                throw PlanError("invalid storage pool name \"\(volume.pool)\"", at: pointer + "/pool")
            }
        }
    }

    private static func checkInstances(_ plan: Plan) throws {
        let marker = plan.project.config[markerKey]
        for name in plan.instances.keys.sorted() {
            guard let instance = plan.instances[name] else { continue }
            let pointer = JSONPointer.make(["instances", name])
            guard IncusNameRules.isValidInstanceName(name) else {
                throw PlanError(
                    "invalid Incus instance name (1-63 letters, digits and -, starting with a letter)", at: pointer)
            }
            guard ["oci", "incus"].contains(instance.image.kind) else {
                throw PlanError(
                    "unknown image kind \"\(instance.image.kind)\" (oci or incus)", at: pointer + "/image/kind")
            }
            guard !instance.image.reference.isEmpty else {
                throw PlanError("empty image reference", at: pointer + "/image/reference")
            }
            if instance.image.kind == "incus" && !IncusNameRules.isValidPlainName(instance.image.remote) {
                throw PlanError("invalid image remote \"\(instance.image.remote)\"", at: pointer + "/image/remote")
            }
            guard instance.config[markerKey] == marker else {
                throw PlanError("an instance must carry \(markerKey)=\(marker ?? "")", at: pointer + "/config")
            }
            for device in instance.devices.keys.sorted() {
                guard IncusNameRules.isValidPlainName(device) else {
                    throw PlanError("invalid device name", at: pointer + "/devices/" + JSONPointer.escape(device))
                }
                guard let type = instance.devices[device]?["type"], !type.isEmpty else {
                    throw PlanError("device without a type", at: pointer + "/devices/" + JSONPointer.escape(device))
                }
            }
            for (index, dependency) in instance.dependsOn.enumerated() where plan.instances[dependency] == nil {
                throw PlanError("depends on unknown instance \"\(dependency)\"", at: pointer + "/depends_on/\(index)")
            }
            try checkFiles(instance.files, at: pointer + "/files")
            try checkHostPaths(instance, at: pointer + "/create_host_paths")
            if let target = instance.target, !PlacementRules.isValidTarget(target) {
                throw PlanError(
                    "invalid cluster target \"\(target)\" (a member name or @group)", at: pointer + "/target")
            }
        }
        var targetOfService: [String: String?] = [:]
        for name in plan.instances.keys.sorted() {
            guard let instance = plan.instances[name] else { continue }
            if let first = targetOfService[instance.service], first != instance.target {
                throw PlanError(
                    "every instance of service \(instance.service) must have the same cluster target",
                    at: "/instances/" + JSONPointer.escape(name) + "/target")
            }
            targetOfService[instance.service] = instance.target
        }
        if let conflict = PlacementRules.firstConflict(in: plan) {
            throw PlanError(
                "instances \(conflict.other) and \(conflict.instance) share \(conflict.kind) \(conflict.resource) but have"
                    + " different cluster targets; a \(conflict.kind) does not span cluster members",
                at: "/instances/" + JSONPointer.escape(conflict.instance) + "/target")
        }
    }

    /// Host paths apply may create: absolute, each the source of one of the instance's disks, so a
    /// plan cannot make apply create a directory nothing mounts.
    private static func checkHostPaths(_ instance: PlanInstance, at pointer: String) throws {
        let sources = Set(instance.devices.values.filter { $0["type"] == "disk" }.compactMap { $0["source"] })
        for (index, path) in instance.createHostPaths.enumerated() {
            guard path.hasPrefix("/"), !path.split(separator: "/").contains(where: { $0 == ".." }) else {
                throw PlanError("a host path must be absolute, without .. parts", at: pointer + "/\(index)")
            }
            guard sources.contains(path) else {
                throw PlanError("a host path to create must be the source of a disk device", at: pointer + "/\(index)")
            }
        }
    }

    /// Instance files: absolute normalized targets, a known kind, numeric owner, octal mode.
    private static func checkFiles(_ files: [String: PlanFile], at pointer: String) throws {
        for target in files.keys.sorted() {
            guard let file = files[target] else { continue }
            let at = pointer + "/" + JSONPointer.escape(target)
            let parts = target.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
            guard target.hasPrefix("/"), target.count > 1,
                !parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." })
            else {
                throw PlanError("a file target must be an absolute path without empty, . or .. parts", at: at)
            }
            guard ["file", "environment", "content"].contains(file.kind) else {
                throw PlanError("unknown file kind \"\(file.kind)\" (file, environment or content)", at: at + "/kind")
            }
            if file.kind == "file" && !file.source.hasPrefix("/") {
                throw PlanError("the source of a file must be an absolute host path", at: at + "/source")
            }
            if file.kind == "environment" && file.source.isEmpty {
                throw PlanError("empty variable name", at: at + "/source")
            }
            for (key, value) in [("uid", file.uid), ("gid", file.gid)]
            where value.isEmpty || !value.allSatisfy(\.isASCII) || !value.allSatisfy(\.isNumber) || value.count > 10 {
                throw PlanError("\(key) must be a decimal number", at: at + "/" + key)
            }
            guard !file.mode.isEmpty, file.mode.count <= 5, file.mode.allSatisfy({ ("0"..."7").contains($0) }) else {
                throw PlanError("mode must be octal, like 0444", at: at + "/mode")
            }
        }
    }

    private static func checkPlaceholders(_ plan: Plan, document: JSONValue) throws {
        for token in plan.placeholders.keys.sorted() {
            guard let placeholder = plan.placeholders[token] else { continue }
            let pointer = JSONPointer.make(["placeholders", token])
            if placeholder.isImageValue {
                try checkImagePlaceholder(token, placeholder, plan: plan, document: document)
                continue
            }
            guard let instance = plan.instances[placeholder.instance] else {
                throw PlanError(
                    "placeholder for unknown instance \"\(placeholder.instance)\"", at: pointer + "/instance")
            }
            guard instance.devices[placeholder.device]?["type"] == "nic" else {
                throw PlanError(
                    "\"\(placeholder.device)\" is not a NIC of instance \(placeholder.instance)",
                    at: pointer + "/device")
            }
            guard ["ipv4", "ipv6"].contains(placeholder.family) else {
                throw PlanError(
                    "unknown address family \"\(placeholder.family)\" (ipv4 or ipv6)", at: pointer + "/family")
            }
            guard !placeholder.pointers.isEmpty else {
                throw PlanError("placeholder is used nowhere (no pointers)", at: pointer + "/pointers")
            }
            for (index, target) in placeholder.pointers.enumerated() {
                let at = pointer + "/pointers/\(index)"
                guard let value = JSONPointer.resolve(target, in: document) else {
                    throw PlanError("pointer \(target) does not resolve inside the plan", at: at)
                }
                guard let text = value.stringValue, PlaceholderTokens.tokens(in: text).contains(token) else {
                    throw PlanError("the value at \(target) does not contain {{\(token)}}", at: at)
                }
                guard PlaceholderSites.site(of: target) != nil else {
                    throw PlanError(
                        "\(target) is not a place apply substitutes (instance config or device values, network config)",
                        at: at)
                }
            }
        }
    }

    /// An image value is used only in `oci.entrypoint` of instances of that OCI image.
    private static func checkImagePlaceholder(
        _ token: String, _ placeholder: PlanPlaceholder, plan: Plan, document: JSONValue
    ) throws {
        let pointer = JSONPointer.make(["placeholders", token])
        guard ["entrypoint", "cmd"].contains(placeholder.property) else {
            throw PlanError(
                "unknown image property \"\(placeholder.property)\" (entrypoint or cmd)", at: pointer + "/property")
        }
        guard token == PlanPlaceholder.imageToken(property: placeholder.property, image: placeholder.image) else {
            throw PlanError(
                "the token of this image value must be \(PlanPlaceholder.imageToken(property: placeholder.property, image: placeholder.image))",
                at: pointer)
        }
        guard !placeholder.pointers.isEmpty else {
            throw PlanError("placeholder is used nowhere (no pointers)", at: pointer + "/pointers")
        }
        for (index, target) in placeholder.pointers.enumerated() {
            let at = pointer + "/pointers/\(index)"
            guard case .instanceConfig(let name, "oci.entrypoint") = PlaceholderSites.site(of: target),
                let instance = plan.instances[name], instance.image.kind == "oci",
                instance.image.reference == placeholder.image
            else {
                throw PlanError(
                    "an image value is used only in oci.entrypoint of an instance of image \(placeholder.image)", at: at
                )
            }
            guard let text = JSONPointer.resolve(target, in: document)?.stringValue,
                PlaceholderTokens.tokens(in: text).contains(token)
            else {
                throw PlanError("the value at \(target) does not contain {{\(token)}}", at: at)
            }
        }
    }

    /// Device values and network config values are where placeholders live: every `{{token}}` there
    /// must be declared with that value's pointer. Instance config values may hold literal `{{…}}`.
    private static func checkTokenUses(_ plan: Plan) throws {
        var listed: [String: Set<String>] = [:]
        for (token, placeholder) in plan.placeholders {
            for pointer in placeholder.pointers { listed[pointer, default: []].insert(token) }
        }
        func check(_ text: String, at pointer: String) throws {
            for token in PlaceholderTokens.tokens(in: text) where !(listed[pointer]?.contains(token) ?? false) {
                if plan.placeholders[token] == nil {
                    throw PlanError("{{\(token)}} is not declared in /placeholders", at: pointer)
                }
                throw PlanError(
                    "{{\(token)}} is used here but this pointer is not in its placeholder's pointers", at: pointer)
            }
        }
        for name in plan.instances.keys.sorted() {
            let devices = plan.instances[name]?.devices ?? [:]
            for device in devices.keys.sorted() {
                let values = devices[device] ?? [:]
                for key in values.keys.sorted() {
                    try check(values[key] ?? "", at: JSONPointer.make(["instances", name, "devices", device, key]))
                }
            }
        }
        for name in plan.networks.keys.sorted() {
            let config = plan.networks[name]?.config ?? [:]
            for key in config.keys.sorted() {
                try check(config[key] ?? "", at: JSONPointer.make(["networks", name, "config", key]))
            }
        }
    }
}
