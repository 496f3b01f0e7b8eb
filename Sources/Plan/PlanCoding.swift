/// A plan that cannot be used, with the JSON pointer of the offending value.
public struct PlanError: Error, CustomStringConvertible, Sendable {
    /// RFC 6901 pointer into the plan document ("" is the whole document).
    public var pointer: String
    public var message: String

    public init(_ message: String, at pointer: String) {
        self.message = message
        self.pointer = pointer
    }

    public var description: String { "plan \(pointer.isEmpty ? "/" : pointer): \(message)" }
}

extension Plan {
    /// The plan as the JSON document `compose-compile` writes.
    public var jsonValue: JSONValue {
        var document: [String: JSONValue] = [
            "format": .integer(format),
            "source": .object([
                "project_directory": .string(source.projectDirectory),
                "files": .array(
                    source.files.map { .object(["path": .string($0.path), "sha256": .string($0.sha256)]) }),
            ]),
            "project": .object(
                ["name": .string(project.name), "config": .stringMap(project.config)].merging(
                    project.target.map { ["target": .string($0)] } ?? [:]
                ) { first, _ in first }),
            "placeholders": .object(
                placeholders.mapValues {
                    $0.isImageValue
                        ? .object([
                            "image": .string($0.image), "property": .string($0.property),
                            "pointers": .array($0.pointers.map { .string($0) }),
                        ])
                        : .object([
                            "instance": .string($0.instance), "device": .string($0.device),
                            "family": .string($0.family), "pointers": .array($0.pointers.map { .string($0) }),
                        ])
                }),
            "warnings": .array(
                warnings.map {
                    .object([
                        "code": .string($0.code), "message": .string($0.message), "file": .string($0.file),
                        "line": .integer($0.line), "column": .integer($0.column),
                    ])
                }),
        ]
        document["networks"] = .object(
            networks.mapValues {
                .object([
                    "compose_name": .string($0.composeName), "external": .bool($0.external),
                    "type": .string($0.type), "description": .string($0.description),
                    "config": .stringMap($0.config),
                ])
            })
        document["volumes"] = .object(
            volumes.mapValues {
                .object([
                    "compose_name": .string($0.composeName), "external": .bool($0.external),
                    "pool": .string($0.pool), "description": .string($0.description),
                    "config": .stringMap($0.config),
                ])
            })
        document["instances"] = .object(
            instances.mapValues { instance in
                var members: [String: JSONValue] = [
                    "service": .string(instance.service), "replica": .integer(instance.replica),
                    "image": .object(
                        [
                            "kind": .string(instance.image.kind), "reference": .string(instance.image.reference),
                            "remote": .string(instance.image.remote),
                        ].merging(instance.image.pullAlways ? ["pull_policy": .string("always")] : [:]) { a, _ in a }
                    ),
                    "config": .stringMap(instance.config),
                    "devices": .object(instance.devices.mapValues { .stringMap($0) }),
                    "depends_on": .array(instance.dependsOn.map { .string($0) }),
                    "files": .object(
                        instance.files.mapValues {
                            .object([
                                "kind": .string($0.kind), "source": .string($0.source), "uid": .string($0.uid),
                                "gid": .string($0.gid), "mode": .string($0.mode),
                            ])
                        }),
                ]
                if let healthcheck = instance.healthcheck { members["healthcheck"] = healthcheck.jsonValue }
                if !instance.waitFor.isEmpty { members["wait_for"] = .stringMap(instance.waitFor) }
                if !instance.createHostPaths.isEmpty {
                    members["create_host_paths"] = .array(instance.createHostPaths.map { .string($0) })
                }
                if let target = instance.target { members["target"] = .string(target) }
                return .object(members)
            })
        return .object(document)
    }

    /// Reads a plan document, checking the type of every field. Semantic checks (names, placeholders)
    /// are `PlanValidator`'s.
    public init(json: JSONValue) throws {
        let root = try PlanReader(json, at: "")
        let format = try root.integer("format")
        guard format == Plan.currentFormat else {
            throw PlanError(
                "unknown plan format \(format); this build reads format \(Plan.currentFormat). Recompile the plan.",
                at: "/format")
        }
        let sourceReader = try root.object("source")
        let files = try sourceReader.array("files").map { file in
            PlanSourceFile(path: try file.string("path"), sha256: try file.string("sha256"))
        }
        let projectReader = try root.object("project")
        self.init(
            source: PlanSource(projectDirectory: try sourceReader.string("project_directory"), files: files),
            project: PlanProject(
                name: try projectReader.string("name"), config: try projectReader.stringMap("config"),
                target: try projectReader.optionalString("target")))
        self.format = format
        for (name, network) in try root.members("networks") {
            networks[name] = PlanNetwork(
                composeName: try network.string("compose_name"), external: try network.bool("external"),
                type: try network.string("type"), description: try network.string("description"),
                config: try network.stringMap("config"))
        }
        for (name, volume) in try root.members("volumes") {
            volumes[name] = PlanVolume(
                composeName: try volume.string("compose_name"), external: try volume.bool("external"),
                pool: try volume.string("pool"), description: try volume.string("description"),
                config: try volume.stringMap("config"))
        }
        for (name, instance) in try root.members("instances") {
            let image = try instance.object("image")
            var devices: [String: [String: String]] = [:]
            for (deviceName, device) in try instance.members("devices") {
                devices[deviceName] = try device.asStringMap()
            }
            var pullAlways = false
            if image.value.objectValue?["pull_policy"] != nil {
                let policy = try image.child("pull_policy")
                guard try policy.asString() == "always" else {
                    throw PlanError("expected \"always\" (absent means docker's \"missing\")", at: policy.pointer)
                }
                pullAlways = true
            }
            var planInstance = PlanInstance(
                service: try instance.string("service"), replica: try instance.integer("replica"),
                image: PlanImage(
                    kind: try image.string("kind"), reference: try image.string("reference"),
                    remote: try image.string("remote"), pullAlways: pullAlways),
                config: try instance.stringMap("config"), devices: devices,
                dependsOn: try instance.array("depends_on").map { try $0.asString() },
                files: try Dictionary(
                    uniqueKeysWithValues: instance.members("files").map { target, file in
                        (
                            target,
                            PlanFile(
                                kind: try file.string("kind"), source: try file.string("source"),
                                uid: try file.string("uid"), gid: try file.string("gid"), mode: try file.string("mode"))
                        )
                    }))
            if instance.value.objectValue?["healthcheck"] != nil {
                planInstance.healthcheck = try PlanHealthcheck(reading: instance.object("healthcheck"))
            }
            if instance.value.objectValue?["wait_for"] != nil {
                planInstance.waitFor = try instance.stringMap("wait_for")
            }
            if instance.value.objectValue?["create_host_paths"] != nil {
                planInstance.createHostPaths = try instance.array("create_host_paths").map { try $0.asString() }
            }
            planInstance.target = try instance.optionalString("target")
            instances[name] = planInstance
        }
        for (token, placeholder) in try root.members("placeholders") {
            let pointers = try placeholder.array("pointers").map { try $0.asString() }
            if placeholder.value.objectValue?["image"] != nil {
                placeholders[token] = PlanPlaceholder(
                    image: try placeholder.string("image"), property: try placeholder.string("property"),
                    pointers: pointers)
            } else {
                placeholders[token] = PlanPlaceholder(
                    instance: try placeholder.string("instance"), device: try placeholder.string("device"),
                    family: try placeholder.string("family"), pointers: pointers)
            }
        }
        warnings = try root.array("warnings").map { warning in
            PlanWarning(
                code: try warning.string("code"), message: try warning.string("message"),
                file: try warning.string("file"), line: try warning.integer("line"),
                column: try warning.integer("column"))
        }
    }
}

/// Typed access to one JSON value, with errors that name its pointer.
struct PlanReader {
    let value: JSONValue
    let pointer: String

    init(_ value: JSONValue, at pointer: String) throws {
        self.value = value
        self.pointer = pointer
    }

    func child(_ key: String) throws -> PlanReader {
        let childPointer = pointer + "/" + JSONPointer.escape(key)
        guard let object = value.objectValue else { throw PlanError("expected an object", at: pointer) }
        guard let member = object[key] else { throw PlanError("missing required field", at: childPointer) }
        return try PlanReader(member, at: childPointer)
    }

    func asString() throws -> String {
        guard let string = value.stringValue else { throw PlanError("expected a string", at: pointer) }
        return string
    }

    func asStringMap() throws -> [String: String] {
        guard let object = value.objectValue else { throw PlanError("expected an object of strings", at: pointer) }
        var result: [String: String] = [:]
        for key in object.keys.sorted() {
            guard let string = object[key]?.stringValue else {
                throw PlanError("expected a string", at: pointer + "/" + JSONPointer.escape(key))
            }
            result[key] = string
        }
        return result
    }

    func string(_ key: String) throws -> String { try child(key).asString() }

    /// A string member that may be absent.
    func optionalString(_ key: String) throws -> String? {
        value.objectValue?[key] == nil ? nil : try string(key)
    }

    func integer(_ key: String) throws -> Int64 {
        let member = try child(key)
        guard let integer = member.value.integerValue else {
            throw PlanError("expected an integer", at: member.pointer)
        }
        return integer
    }

    func bool(_ key: String) throws -> Bool {
        let member = try child(key)
        guard let flag = member.value.boolValue else { throw PlanError("expected true or false", at: member.pointer) }
        return flag
    }

    func object(_ key: String) throws -> PlanReader {
        let member = try child(key)
        guard member.value.objectValue != nil else { throw PlanError("expected an object", at: member.pointer) }
        return member
    }

    func stringMap(_ key: String) throws -> [String: String] { try child(key).asStringMap() }

    /// The members of an object field, sorted by key.
    func members(_ key: String) throws -> [(String, PlanReader)] {
        let member = try object(key)
        let object = member.value.objectValue ?? [:]
        return try object.keys.sorted().map { name in
            (name, try PlanReader(object[name] ?? .null, at: member.pointer + "/" + JSONPointer.escape(name)))
        }
    }

    func array(_ key: String) throws -> [PlanReader] {
        let member = try child(key)
        guard let elements = member.value.arrayValue else { throw PlanError("expected an array", at: member.pointer) }
        return try elements.enumerated().map { try PlanReader($0.element, at: member.pointer + "/\($0.offset)") }
    }
}

extension PlanHealthcheck {
    /// The plan's `healthcheck` object.
    var jsonValue: JSONValue {
        .object([
            "test": .array(test.map { .string($0) }), "disabled": .bool(disabled),
            "interval_ms": .integer(intervalMilliseconds), "timeout_ms": .integer(timeoutMilliseconds),
            "start_period_ms": .integer(startPeriodMilliseconds),
            "start_interval_ms": .integer(startIntervalMilliseconds), "retries": .integer(retries),
        ])
    }

    init(reading reader: PlanReader) throws {
        self.init(
            test: try reader.array("test").map { try $0.asString() }, disabled: try reader.bool("disabled"),
            intervalMilliseconds: try reader.integer("interval_ms"),
            timeoutMilliseconds: try reader.integer("timeout_ms"),
            startPeriodMilliseconds: try reader.integer("start_period_ms"),
            startIntervalMilliseconds: try reader.integer("start_interval_ms"), retries: try reader.integer("retries"))
    }
}
