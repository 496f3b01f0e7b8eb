/// The fields of every plan object, by JSON key: the one list encoding (`Plan.jsonValue`) and
/// decoding (`Plan(json:)`) both follow. docs/plan-format.md describes them and
/// docs/plan.schema.json checks them (`PlanSchemaTests` holds the schema to what is written here).
extension Plan: PlanCodable {
    static var blank: Plan { Plan(source: .blank, project: .blank) }

    mutating func codeFields<Coder: PlanFieldCoder>(_ coder: inout Coder) throws(Coder.Failure) {
        try coder.code("format", &format)
        try coder.code("source", &source)
        try coder.code("project", &project)
        try coder.code("networks", &networks)
        try coder.code("volumes", &volumes)
        try coder.code("instances", &instances)
        try coder.code("placeholders", &placeholders)
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
        try coder.code("name", &name)
        try coder.code("config", &config)
        try coder.code("target", &target)
    }
}

extension PlanNetwork: PlanCodable {
    static var blank: PlanNetwork {
        PlanNetwork(composeName: "", external: false, type: "", description: "", config: [:])
    }

    mutating func codeFields<Coder: PlanFieldCoder>(_ coder: inout Coder) throws(Coder.Failure) {
        try coder.codeResource(
            composeName: &composeName, external: &external, description: &description, config: &config)
        try coder.code("type", &type)
    }
}

extension PlanVolume: PlanCodable {
    static var blank: PlanVolume {
        PlanVolume(composeName: "", external: false, pool: "", description: "", config: [:])
    }

    mutating func codeFields<Coder: PlanFieldCoder>(_ coder: inout Coder) throws(Coder.Failure) {
        try coder.codeResource(
            composeName: &composeName, external: &external, description: &description, config: &config)
        try coder.code("pool", &pool)
    }
}

extension PlanFieldCoder {
    /// The fields networks and volumes share.
    mutating func codeResource(
        composeName: inout String, external: inout Bool, description: inout String, config: inout [String: String]
    ) throws(Failure) {
        try code("compose_name", &composeName)
        try code("external", &external)
        try code("description", &description)
        try code("config", &config)
    }
}

extension PlanInstance: PlanCodable {
    static var blank: PlanInstance {
        PlanInstance(service: "", replica: 0, image: .blank, config: [:], devices: [:], dependsOn: [])
    }

    mutating func codeFields<Coder: PlanFieldCoder>(_ coder: inout Coder) throws(Coder.Failure) {
        try coder.code("service", &service)
        try coder.code("replica", &replica)
        try coder.code("image", &image)
        try coder.code("config", &config)
        try coder.code("devices", &devices)
        try coder.code("depends_on", &dependsOn)
        try coder.code("files", &files)
        try coder.code("healthcheck", &healthcheck)
        try coder.codeUnlessEmpty("wait_for", &waitFor)
        try coder.codeUnlessEmpty("create_host_paths", &createHostPaths)
        try coder.code("target", &target)
    }
}

extension PlanImage: PlanCodable {
    static var blank: PlanImage { PlanImage(kind: "", reference: "", remote: "") }

    mutating func codeFields<Coder: PlanFieldCoder>(_ coder: inout Coder) throws(Coder.Failure) {
        try coder.code("kind", &kind)
        try coder.code("reference", &reference)
        try coder.code("remote", &remote)
        try coder.code(
            "pull_policy", &pullAlways, marker: "always",
            otherwise: "expected \"always\" (absent means docker's \"missing\")")
    }
}

extension PlanFile: PlanCodable {
    static var blank: PlanFile { PlanFile(kind: "", source: "", uid: "", gid: "", mode: "") }

    mutating func codeFields<Coder: PlanFieldCoder>(_ coder: inout Coder) throws(Coder.Failure) {
        try coder.code("kind", &kind)
        try coder.code("source", &source)
        try coder.code("uid", &uid)
        try coder.code("gid", &gid)
        try coder.code("mode", &mode)
    }
}

extension PlanHealthcheck: PlanCodable {
    static var blank: PlanHealthcheck { PlanHealthcheck(test: []) }

    mutating func codeFields<Coder: PlanFieldCoder>(_ coder: inout Coder) throws(Coder.Failure) {
        try coder.code("test", &test)
        try coder.code("disabled", &disabled)
        try coder.code("interval_ms", &intervalMilliseconds)
        try coder.code("timeout_ms", &timeoutMilliseconds)
        try coder.code("start_period_ms", &startPeriodMilliseconds)
        try coder.code("start_interval_ms", &startIntervalMilliseconds)
        try coder.code("retries", &retries)
    }
}

extension PlanPlaceholder: PlanCodable {
    static var blank: PlanPlaceholder { PlanPlaceholder(image: "", property: "", pointers: []) }

    /// An image value has `image` and `property`; an address has `instance`, `device` and `family`.
    mutating func codeFields<Coder: PlanFieldCoder>(_ coder: inout Coder) throws(Coder.Failure) {
        try coder.code("pointers", &pointers)
        if coder.holds("image", whenEncoding: isImageValue) {
            try coder.code("image", &image)
            try coder.code("property", &property)
        } else {
            try coder.code("instance", &instance)
            try coder.code("device", &device)
            try coder.code("family", &family)
        }
    }
}

extension PlanWarning: PlanCodable {
    static var blank: PlanWarning { PlanWarning(code: "", message: "", file: "", line: 0, column: 0) }

    mutating func codeFields<Coder: PlanFieldCoder>(_ coder: inout Coder) throws(Coder.Failure) {
        try coder.code("code", &code)
        try coder.code("message", &message)
        try coder.code("file", &file)
        try coder.code("line", &line)
        try coder.code("column", &column)
    }
}
