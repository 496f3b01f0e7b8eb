/// The compose specification's rules for a whole compose file, as Docker Compose v5 checks them:
/// the top level and the resources beside services. Services are in ComposeSchema+Service.swift.
///
/// Written from the compose-spec JSON schema that Docker Compose embeds; a value that the schema
/// types as a number or boolean is also accepted as a string wherever the schema allows a string,
/// since interpolation makes strings.
enum ComposeSchema {
    /// The rule of a compose file.
    static let file: SchemaRule = .object(
        ObjectRule([
            "version": string, "name": string,
            "include": .list(of: include, unique: false),
            "services": named(service),
            "models": named(model),
            "networks": named(network),
            "volumes": named(volume),
            "secrets": named(secret),
            "configs": named(config),
            "jobs": named(job),
        ]))

    // MARK: Shorthands for the schema's common definitions

    static let string: SchemaRule = .kinds(.string)
    static let boolean: SchemaRule = .kinds(.boolean)
    static let booleanOrString: SchemaRule = .kinds([.boolean, .string])
    static let numberOrString: SchemaRule = .kinds([.number, .string])
    static let integerOrString: SchemaRule = .kinds([.integer, .string])
    /// `list_of_strings`.
    static let listOfStrings: SchemaRule = .list(of: string, unique: true)
    /// `string_or_list`.
    static let stringOrList: SchemaRule = .alternatives([string, listOfStrings])
    /// `list_or_dict`: `KEY=VALUE` items, or a mapping of scalars.
    static let listOrDict: SchemaRule = .alternatives([
        mapping(.nonEmpty(.kinds([.string, .number, .boolean, .null]))),
        .list(of: string, unique: true),
    ])
    /// `command`: null, a string for the shell, or the words.
    static let command: SchemaRule = .alternatives([.kinds(.null), string, .list(of: string, unique: false)])
    /// `driver_opts`: option names to strings or numbers.
    static let driverOptions: SchemaRule = mapping(.nonEmpty(.kinds([.string, .number])))

    /// A mapping of resource names (services, networks, ...) to definitions of one rule.
    static func named(_ definition: SchemaRule) -> SchemaRule {
        mapping(.resourceNames(definition))
    }

    /// A mapping whose keys `keys` accepts, and no others.
    static func mapping(_ keys: KeyRule) -> SchemaRule {
        .object(ObjectRule(names: keys))
    }

    /// `external`: true or false, or a mapping that names the existing resource.
    static func external(closed: Bool) -> SchemaRule {
        .alternatives([booleanOrString, .object(ObjectRule(["name": string], closed: closed))])
    }

    // MARK: Top-level resources

    static let include: SchemaRule = .alternatives([
        string,
        .object(
            ObjectRule(
                ["path": stringOrList, "env_file": stringOrList, "project_directory": string], extensions: false)),
    ])

    static let network: SchemaRule = .object(
        ObjectRule(
            [
                "name": string, "driver": string, "driver_opts": driverOptions,
                "ipam": .object(
                    ObjectRule([
                        "driver": string,
                        "config": .list(
                            of: .object(
                                ObjectRule([
                                    "subnet": string, "ip_range": string, "gateway": string,
                                    "aux_addresses": mapping(.nonEmpty(string)),
                                ])), unique: false),
                        "options": mapping(.nonEmpty(string)),
                    ])),
                "external": external(closed: true), "internal": booleanOrString, "enable_ipv4": booleanOrString,
                "enable_ipv6": booleanOrString, "attachable": booleanOrString, "labels": listOrDict,
            ], allowsNull: true))

    static let volume: SchemaRule = .object(
        ObjectRule(
            [
                "name": string, "driver": string, "driver_opts": driverOptions, "external": external(closed: true),
                "labels": listOrDict,
            ], allowsNull: true))

    static let secret: SchemaRule = .object(
        ObjectRule([
            "name": string, "environment": string, "file": string, "external": external(closed: false),
            "labels": listOrDict, "driver": string, "driver_opts": driverOptions, "template_driver": string,
        ]))

    static let config: SchemaRule = .object(
        ObjectRule([
            "name": string, "content": string, "environment": string, "file": string,
            "external": external(closed: false), "labels": listOrDict, "template_driver": string,
        ]))

    static let model: SchemaRule = .object(
        ObjectRule(
            [
                "name": string, "model": string,
                "context_size": .integer(minimum: nil, maximum: nil, orString: false),
                "runtime_flags": .list(of: string, unique: false),
            ], required: ["model"]))
}
