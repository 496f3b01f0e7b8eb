/// The compose specification's rules for services, jobs and lifecycle hooks. A service is a
/// container specification (what runs), a workload specification (how it is built, started and
/// reached) and keys of its own.
extension ComposeSchema {
    static let service: SchemaRule = .object(
        ObjectRule(
            containerSpecification.merging(workloadSpecification) { first, _ in first }.merging([
                "deploy": deployment, "develop": development, "profiles": listOfStrings, "restart": string,
                "scale": integerOrString, "attach": booleanOrString,
                "container_name": .text(expected: "a letter or digit, then letters, digits, '_', '.' or '-'") {
                    isContainerName($0)
                },
                "provider": .object(
                    ObjectRule(
                        [
                            "type": string,
                            "options": mapping(
                                .nonEmpty(
                                    .alternatives([
                                        .kinds([.string, .number, .boolean]),
                                        .list(of: .kinds([.string, .number, .boolean]), unique: false),
                                    ]))),
                        ], required: ["type"])),
                "extends": .alternatives([
                    string,
                    .object(ObjectRule(["service": string, "file": string], required: ["service"], extensions: false)),
                ]),
                "links": listOfStrings, "external_links": listOfStrings,
                "pre_start": .list(of: preStartHook, unique: false),
                "post_start": .list(of: serviceHook, unique: false),
                "pre_stop": .list(of: serviceHook, unique: false),
            ]) { first, _ in first }))

    static let job: SchemaRule = .object(
        ObjectRule(
            containerSpecification.merging(workloadSpecification) { first, _ in first }.merging([
                "profiles": listOfStrings,
                "triggers": .object(
                    ObjectRule([
                        "manual": booleanOrString,
                        "schedule": .list(
                            of: .alternatives([
                                string,
                                .object(
                                    ObjectRule(
                                        [
                                            "cron": string, "timezone": string,
                                            "concurrency": .choice(["forbid", "queue"]),
                                            "missed_fires": .choice(["one", "skip"]),
                                        ], required: ["cron"])),
                            ]), unique: false),
                    ])),
            ]) { first, _ in first }, required: ["triggers"]))

    /// A `pre_start` hook runs a container of its own: a container specification.
    static let preStartHook: SchemaRule = .object(
        ObjectRule(containerSpecification.merging(["per_replica": booleanOrString]) { first, _ in first }))

    static let serviceHook: SchemaRule = .object(
        ObjectRule(
            [
                "command": command, "user": string, "privileged": booleanOrString, "working_dir": string,
                "environment": listOrDict,
            ], required: ["command"]))

    /// How a service is built, started and reached (the schema's `workload_spec`).
    static let workloadSpecification: [String: SchemaRule] = [
        "build": .alternatives([string, .object(ObjectRule(buildProperties))]),
        "depends_on": .alternatives([
            listOfStrings,
            named(
                .object(
                    ObjectRule(
                        [
                            "restart": booleanOrString, "required": booleanOrString,
                            "condition": .choice([
                                "service_started", "service_healthy", "service_completed_successfully",
                            ]),
                        ], required: ["condition"]))),
        ]),
        "healthcheck": healthcheck,
        "ports": .list(
            of: .alternatives([
                .kinds([.number, .string]),
                .object(
                    ObjectRule([
                        "name": string, "mode": string, "host_ip": string, "target": integerOrString,
                        "published": .kinds([.string, .integer]), "protocol": string, "app_protocol": string,
                    ])),
            ]), unique: true),
        "expose": .list(of: .kinds([.string, .number]), unique: true),
        "stdin_open": booleanOrString, "tty": booleanOrString,
    ]

    static let buildProperties: [String: SchemaRule] = [
        "context": string, "dockerfile": string, "dockerfile_inline": string,
        "entitlements": .list(of: string, unique: false), "args": listOrDict, "ssh": listOrDict, "labels": listOrDict,
        "cache_from": .list(of: string, unique: false), "cache_to": .list(of: string, unique: false),
        "no_cache": booleanOrString, "no_cache_filter": stringOrList, "additional_contexts": listOrDict,
        "network": string, "provenance": .kinds([.string, .boolean]), "sbom": .kinds([.string, .boolean]),
        "pull": booleanOrString, "target": string, "shm_size": integerOrString, "extra_hosts": extraHosts,
        "isolation": string, "privileged": booleanOrString, "secrets": fileReferences,
        "tags": .list(of: string, unique: false), "ulimits": ulimits, "platforms": .list(of: string, unique: false),
    ]

    static let healthcheck: SchemaRule = .object(
        ObjectRule([
            "disable": booleanOrString, "interval": string, "retries": numberOrString,
            "test": .alternatives([string, .list(of: string, unique: false)]), "timeout": string,
            "start_period": string, "start_interval": string,
        ]))

    /// `secrets` and `configs` of a service: names, or mappings that say where the file goes.
    static let fileReferences: SchemaRule = .list(
        of: .alternatives([
            string,
            .object(
                ObjectRule([
                    "source": string, "target": string, "uid": string, "gid": string, "mode": numberOrString,
                ])),
        ]), unique: false)

    static let extraHosts: SchemaRule = .alternatives([
        mapping(.nonEmpty(.alternatives([string, .list(of: string, unique: true)]))),
        .list(of: string, unique: true),
    ])

    static let ulimits: SchemaRule = .object(
        ObjectRule(
            names: KeyRule(
                expected: "lowercase letters", accepts: { name in name.utf8.allSatisfy { (97...122).contains($0) } },
                value: .alternatives([
                    integerOrString,
                    .object(
                        ObjectRule(["hard": integerOrString, "soft": integerOrString], required: ["soft", "hard"])),
                ])), closed: false))

    /// A device request: an item of `gpus`, or of `deploy.resources.reservations.devices`, where
    /// `capabilities` is required.
    static func deviceRequest(required: [String]) -> SchemaRule {
        .object(
            ObjectRule(
                [
                    "capabilities": listOfStrings, "count": .kinds([.string, .integer]), "device_ids": listOfStrings,
                    "driver": string, "options": listOrDict,
                ], required: required))
    }

    static func isContainerName(_ name: String) -> Bool {
        // The schema's pattern is not anchored: somewhere, a letter or digit followed by at least one
        // letter, digit, '_', '.' or '-'.
        let bytes = Array(name.utf8)
        func isAlphanumeric(_ byte: UInt8) -> Bool {
            (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte)
        }
        guard bytes.count >= 2 else { return false }
        for index in 0..<(bytes.count - 1) where isAlphanumeric(bytes[index]) {
            let next = bytes[index + 1]
            if isAlphanumeric(next) || next == UInt8(ascii: "_") || next == UInt8(ascii: ".")
                || next == UInt8(ascii: "-")
            {
                return true
            }
        }
        return false
    }
}
