/// The fields of every plan object, by JSON key and in byte order of the keys: the one list that
/// encoding (`Plan.jsonValue`), writing (`PlanWriter`) and decoding (`Plan(json:)`) follow.
/// docs/plan-format.md describes them; `PlanSchemaTests` holds docs/plan.schema.json to them.
extension Plan: PlanCodable {
    static var blank: Plan { Plan(source: .blank, project: .blank) }

    mutating func codeFields<Coder: PlanFieldCoder>(_ coder: inout Coder) throws(Coder.Failure) {
        try coder.code("format", &format)
        try coder.code("instances", &instances)
        try coder.code("networks", &networks)
        try coder.code("placeholders", &placeholders)
        try coder.code("project", &project)
        try coder.code("source", &source)
        try coder.code("volumes", &volumes)
        try coder.code("warnings", &warnings)
    }
}

extension PlanSource: PlanCodable {
    static var blank: PlanSource { PlanSource(projectDirectory: "", files: []) }

    mutating func codeFields<Coder: PlanFieldCoder>(_ coder: inout Coder) throws(Coder.Failure) {
        try coder.code("files", &files)
        try coder.code("project_directory", &projectDirectory)
    }
}

extension PlanSourceFile: PlanCodable {
    static var blank: PlanSourceFile { PlanSourceFile(path: "", sha256: "") }

    mutating func codeFields<Coder: PlanFieldCoder>(_ coder: inout Coder) throws(Coder.Failure) {
        try coder.code("path", &path)
        try coder.code("sha256", &sha256)
    }
}

extension PlanProject: PlanCodable {
    static var blank: PlanProject { PlanProject(name: "", config: [:]) }

    mutating func codeFields<Coder: PlanFieldCoder>(_ coder: inout Coder) throws(Coder.Failure) {
        try coder.code("config", &config)
        try coder.code("name", &name)
        try coder.code("target", &target)
    }
}

extension PlanNetwork: PlanCodable {
    static var blank: PlanNetwork {
        PlanNetwork(composeName: "", external: false, type: "", description: "", config: [:])
    }

    mutating func codeFields<Coder: PlanFieldCoder>(_ coder: inout Coder) throws(Coder.Failure) {
        try coder.codeResource(
            composeName: &composeName, config: &config, description: &description, external: &external)
        try coder.code("type", &type)
    }
}

extension PlanVolume: PlanCodable {
    static var blank: PlanVolume {
        PlanVolume(composeName: "", external: false, pool: "", description: "", config: [:])
    }

    mutating func codeFields<Coder: PlanFieldCoder>(_ coder: inout Coder) throws(Coder.Failure) {
        try coder.codeResource(
            composeName: &composeName, config: &config, description: &description, external: &external)
        try coder.code("pool", &pool)
    }
}

extension PlanFieldCoder {
    /// The fields networks and volumes share, whose keys sort before their own (`type`, `pool`).
    mutating func codeResource(
        composeName: inout String, config: inout [String: String], description: inout String, external: inout Bool
    ) throws(Failure) {
        try code("compose_name", &composeName)
        try code("config", &config)
        try code("description", &description)
        try code("external", &external)
    }
}

extension PlanInstance: PlanCodable {
    static var blank: PlanInstance {
        PlanInstance(service: "", replica: 0, image: .blank, config: [:], devices: [:], dependsOn: [])
    }

    mutating func codeFields<Coder: PlanFieldCoder>(_ coder: inout Coder) throws(Coder.Failure) {
        try coder.code("config", &config)
        try coder.codeUnlessEmpty("create_host_paths", &createHostPaths)
        try coder.code("depends_on", &dependsOn)
        try coder.code("devices", &devices)
        try coder.code("files", &files)
        try coder.code("healthcheck", &healthcheck)
        try coder.code("image", &image)
        try coder.code("replica", &replica)
        try coder.code("service", &service)
        try coder.code("target", &target)
        try coder.codeUnlessEmpty("wait_for", &waitFor)
    }
}

extension PlanImage: PlanCodable {
    static var blank: PlanImage { PlanImage(kind: "", reference: "", remote: "") }

    mutating func codeFields<Coder: PlanFieldCoder>(_ coder: inout Coder) throws(Coder.Failure) {
        try coder.code("kind", &kind)
        try coder.code(
            "pull_policy", &pullAlways, marker: "always",
            otherwise: "expected \"always\" (absent means docker's \"missing\")")
        try coder.code("reference", &reference)
        try coder.code("remote", &remote)
    }
}

extension PlanFile: PlanCodable {
    static var blank: PlanFile { PlanFile(kind: "", source: "", uid: "", gid: "", mode: "") }

    mutating func codeFields<Coder: PlanFieldCoder>(_ coder: inout Coder) throws(Coder.Failure) {
        try coder.code("gid", &gid)
        try coder.code("kind", &kind)
        try coder.code("mode", &mode)
        try coder.code("source", &source)
        try coder.code("uid", &uid)
    }
}

extension PlanHealthcheck: PlanCodable {
    static var blank: PlanHealthcheck { PlanHealthcheck(test: []) }

    mutating func codeFields<Coder: PlanFieldCoder>(_ coder: inout Coder) throws(Coder.Failure) {
        try coder.code("disabled", &disabled)
        try coder.code("interval_ms", &intervalMilliseconds)
        try coder.code("retries", &retries)
        try coder.code("start_interval_ms", &startIntervalMilliseconds)
        try coder.code("start_period_ms", &startPeriodMilliseconds)
        try coder.code("test", &test)
        try coder.code("timeout_ms", &timeoutMilliseconds)
    }
}

extension PlanPlaceholder: PlanCodable {
    static var blank: PlanPlaceholder { PlanPlaceholder(image: "", property: "", pointers: []) }

    /// An image value has `image` and `property`; an address has `instance`, `device` and `family`.
    mutating func codeFields<Coder: PlanFieldCoder>(_ coder: inout Coder) throws(Coder.Failure) {
        if coder.holds("image", whenEncoding: isImageValue) {
            try coder.code("image", &image)
            try coder.code("pointers", &pointers)
            try coder.code("property", &property)
        } else {
            try coder.code("device", &device)
            try coder.code("family", &family)
            try coder.code("instance", &instance)
            try coder.code("pointers", &pointers)
        }
    }
}

extension PlanWarning: PlanCodable {
    static var blank: PlanWarning { PlanWarning(code: "", message: "", file: "", line: 0, column: 0) }

    mutating func codeFields<Coder: PlanFieldCoder>(_ coder: inout Coder) throws(Coder.Failure) {
        try coder.code("code", &code)
        try coder.code("column", &column)
        try coder.code("file", &file)
        try coder.code("line", &line)
        try coder.code("message", &message)
    }
}
