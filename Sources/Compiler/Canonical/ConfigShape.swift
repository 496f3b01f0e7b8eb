/// The typed shape of compose-go's project model: what each key holds once docker compose has
/// decoded it, and so how `docker compose config --format json` prints it.
indirect enum ConfigShape {
    /// A string; empty ones are left out.
    case string
    /// A whole number; zero is left out unless `keepZero` (pointer fields in compose-go).
    case integer(keepZero: Bool)
    /// A float (float32 when `single`); zero is left out.
    case float(single: Bool)
    /// A boolean; false is left out unless `keepFalse`.
    case bool(keepFalse: Bool)
    /// A byte size printed as a string of bytes.
    case bytes
    /// A duration printed the Go way (`1m30s`).
    case duration
    /// An octal file mode printed as a `0NNN` string.
    case fileMode
    /// `bind.create_host_path`: true is the default and left out, false is printed.
    case optOut
    /// A list of strings; a lone string becomes a one-item list.
    case stringList
    /// `command`/`entrypoint`: a string is split like a shell would, null stays null and is printed.
    case command
    /// `healthcheck.test`: a string is `["CMD-SHELL", string]`.
    case healthTest
    /// `KEY=VALUE` list or mapping → mapping of strings, null kept for a bare `KEY`.
    case mappingWithEquals
    /// `KEY=VALUE` list or mapping → mapping of strings, null becoming "".
    case mapping
    /// A mapping of strings to values of one shape; null values stay null.
    case map(ConfigShape)
    /// A list of values of one shape.
    case list(ConfigShape)
    /// A struct: known fields; `always` means printed even when empty; extension keys (`x-`) are
    /// kept in the model and dropped from the JSON.
    case object(ObjectShape)
    /// `ulimits` entries: a number stays a number, a mapping has `soft` and `hard`.
    case ulimit
    /// `extra_hosts`: a list or mapping of host and address, printed as `host=address` items.
    case hostsList
    /// A device request's `count`: a number, or `all`, printed as -1.
    case deviceCount
    /// Anything else, passed through.
    case any
}

/// The fields of a struct shape, with the ones `ShapeApplier` may add when absent picked out once.
struct ObjectShape {
    /// A field that can be added to an object that lacks it: a command field (added as null in
    /// the JSON of `config`) or a value struct (added as its empty value).
    struct Addition {
        var key: String
        var shape: ConfigShape
        var isCommand: Bool
        var isValueStruct: Bool
    }

    var fields: [String: ConfigShape]
    var always: Bool
    /// The fields that can be added, in the order `fields` iterates them.
    var additions: [Addition]

    init(fields: [String: ConfigShape], always: Bool) {
        self.fields = fields
        self.always = always
        additions = []
        for (key, shape) in fields {
            var isCommand = false
            if case .command = shape { isCommand = true }
            let isValueStruct = ShapeApplier.isValueStruct(key)
            if isCommand || isValueStruct {
                additions.append(Addition(key: key, shape: shape, isCommand: isCommand, isValueStruct: isValueStruct))
            }
        }
    }
}

extension ConfigShape {
    /// A struct: known fields; `always` means printed even when empty; extension keys (`x-`) are
    /// kept in the model and dropped from the JSON.
    static func object(_ fields: [String: ConfigShape], always: Bool) -> ConfigShape {
        .object(ObjectShape(fields: fields, always: always))
    }
}

extension ConfigShape {
    static let fileReference: ConfigShape = .object(
        ["source": .string, "target": .string, "uid": .string, "gid": .string, "mode": .fileMode], always: false)

    /// `gpus` and `deploy.resources.reservations.devices` entries.
    static let deviceRequests: ConfigShape = .list(
        .object(
            [
                "capabilities": .stringList, "count": .deviceCount, "device_ids": .stringList, "driver": .string,
                "options": .mapping,
            ], always: true))

    static let resource: ConfigShape = .object(
        [
            "cpus": .float(single: true), "memory": .bytes, "pids": .integer(keepZero: false),
            "devices": deviceRequests, "generic_resources": .list(.any),
        ], always: false)

    /// `post_start` and `pre_stop` hooks, and a watch rule's `exec`.
    static let hook: ConfigShape = .object(
        [
            "command": .command, "user": .string, "privileged": .bool(keepFalse: false), "working_dir": .string,
            "environment": .mappingWithEquals,
        ], always: true)

    static let development: ConfigShape = .object(
        [
            "watch": .list(
                .object(
                    [
                        "path": .string, "action": .string, "target": .string, "ignore": .stringList,
                        "include": .stringList, "initial_sync": .bool(keepFalse: false), "exec": hook,
                    ], always: true))
        ], always: true)

    static let build: ConfigShape = .object(
        [
            "context": .string, "dockerfile": .string, "dockerfile_inline": .string, "args": .mappingWithEquals,
            "ssh": .any, "labels": .mapping, "cache_from": .stringList, "cache_to": .stringList,
            "no_cache": .bool(keepFalse: false), "additional_contexts": .mapping, "network": .string,
            "pull": .bool(keepFalse: false), "target": .string, "shm_size": .bytes, "extra_hosts": .hostsList,
            "isolation": .string, "privileged": .bool(keepFalse: false), "secrets": .list(fileReference),
            "tags": .stringList, "ulimits": .map(.ulimit), "platforms": .stringList, "provenance": .string,
            "sbom": .string, "entitlements": .stringList,
        ], always: false)

    static let service: ConfigShape = .object(
        [
            "annotations": .mapping, "attach": .bool(keepFalse: true), "build": build, "blkio_config": .any,
            "cap_add": .stringList, "cap_drop": .stringList, "cgroup": .string, "cgroup_parent": .string,
            "command": .command, "configs": .list(fileReference), "container_name": .string,
            "cpu_count": .integer(keepZero: false), "cpu_percent": .float(single: false),
            "cpu_period": .integer(keepZero: false), "cpu_quota": .integer(keepZero: false),
            "cpu_rt_period": .integer(keepZero: false), "cpu_rt_runtime": .integer(keepZero: false),
            "cpus": .float(single: true), "cpuset": .string, "cpu_shares": .integer(keepZero: false),
            "credential_spec": .any,
            "depends_on": .map(
                .object(
                    ["condition": .string, "restart": .bool(keepFalse: false), "required": .bool(keepFalse: true)],
                    always: true)),
            "deploy": .object(
                [
                    "mode": .string, "replicas": .integer(keepZero: true), "labels": .mapping,
                    "update_config": .any, "rollback_config": .any,
                    "resources": .object(["limits": resource, "reservations": resource], always: true),
                    "restart_policy": .object(
                        [
                            "condition": .string, "delay": .duration, "max_attempts": .integer(keepZero: true),
                            "window": .duration,
                        ], always: false),
                    "placement": .object(
                        [
                            "constraints": .stringList, "preferences": .any,
                            "max_replicas_per_node": .integer(keepZero: false),
                        ],
                        always: true),
                    "endpoint_mode": .string,
                ], always: false),
            "develop": development, "device_cgroup_rules": .stringList,
            "devices": .list(.object(["source": .string, "target": .string, "permissions": .string], always: false)),
            "dns": .stringList, "dns_opt": .stringList, "dns_search": .stringList, "dockerfile": .string,
            "domainname": .string, "entrypoint": .command,
            "provider": .object(["type": .string, "options": .map(.stringList)], always: true),
            "environment": .mappingWithEquals,
            "env_file": .list(
                .object(["path": .string, "required": .bool(keepFalse: true), "format": .string], always: true)),
            "expose": .stringList, "external_links": .stringList, "extra_hosts": .hostsList, "group_add": .stringList,
            "gpus": deviceRequests, "hostname": .string,
            "healthcheck": .object(
                [
                    "test": .healthTest, "timeout": .duration, "interval": .duration,
                    "retries": .integer(keepZero: true),
                    "start_period": .duration, "start_interval": .duration, "disable": .bool(keepFalse: false),
                ], always: true),
            "image": .string, "init": .bool(keepFalse: true), "ipc": .string, "isolation": .string,
            "labels": .mapping, "label_file": .stringList, "links": .stringList,
            "logging": .object(["driver": .string, "options": .mapping], always: true), "log_driver": .string,
            "log_opt": .mapping, "mem_limit": .bytes, "mem_reservation": .bytes, "memswap_limit": .bytes,
            "mem_swappiness": .bytes, "mac_address": .string, "models": .any, "net": .string, "network_mode": .string,
            "networks": .map(
                .object(
                    [
                        "aliases": .stringList, "driver_opts": .mapping, "gw_priority": .integer(keepZero: false),
                        "interface_name": .string, "ipv4_address": .string, "ipv6_address": .string,
                        "link_local_ips": .stringList, "mac_address": .string, "priority": .integer(keepZero: false),
                    ], always: true)),
            "oom_kill_disable": .bool(keepFalse: false), "oom_score_adj": .integer(keepZero: false), "pid": .string,
            "pids_limit": .integer(keepZero: false), "platform": .string,
            "ports": .list(
                .object(
                    [
                        "name": .string, "mode": .string, "host_ip": .string, "target": .integer(keepZero: false),
                        "published": .string, "protocol": .string, "app_protocol": .string,
                    ], always: true)),
            "privileged": .bool(keepFalse: false), "profiles": .stringList, "pull_policy": .string,
            "read_only": .bool(keepFalse: false), "restart": .string, "runtime": .string,
            "scale": .integer(keepZero: true), "secrets": .list(fileReference), "security_opt": .stringList,
            "shm_size": .bytes, "stdin_open": .bool(keepFalse: false), "stop_grace_period": .duration,
            "stop_signal": .string, "storage_opt": .mapping, "sysctls": .mapping, "tmpfs": .stringList,
            "tty": .bool(keepFalse: false), "ulimits": .map(.ulimit), "use_api_socket": .bool(keepFalse: false),
            "user": .string, "userns_mode": .string, "uts": .string, "volume_driver": .string,
            "volumes": .list(
                .object(
                    [
                        "type": .string, "source": .string, "target": .string, "read_only": .bool(keepFalse: false),
                        "consistency": .string,
                        "bind": .object(
                            [
                                "selinux": .string, "propagation": .string, "create_host_path": .optOut,
                                "recursive": .string,
                            ], always: true),
                        "volume": .object(
                            ["labels": .mapping, "nocopy": .bool(keepFalse: false), "subpath": .string], always: true),
                        "tmpfs": .object(["size": .bytes, "mode": .integer(keepZero: false)], always: true),
                        "image": .object(["subpath": .string], always: true),
                    ], always: true)),
            "volumes_from": .stringList, "working_dir": .string, "pre_start": .list(.any), "post_start": .list(hook),
            "pre_stop": .list(hook),
        ], always: true)

    static let fileObject: ConfigShape = .object(
        [
            "name": .string, "file": .string, "environment": .string, "content": .string,
            "external": .bool(keepFalse: false), "labels": .mapping, "driver": .string, "driver_opts": .mapping,
            "template_driver": .string,
        ], always: true)

    static let project: ConfigShape = .object(
        [
            "name": .string, "services": .map(service),
            "networks": .map(
                .object(
                    [
                        "name": .string, "driver": .string, "driver_opts": .mapping,
                        "ipam": .object(
                            [
                                "driver": .string,
                                "config": .list(
                                    .object(
                                        [
                                            "subnet": .string, "ip_range": .string, "gateway": .string,
                                            "aux_addresses": .mapping,
                                        ], always: true)), "options": .mapping,
                            ], always: true),
                        "external": .bool(keepFalse: false), "internal": .bool(keepFalse: false),
                        "attachable": .bool(keepFalse: false), "labels": .mapping,
                        "enable_ipv4": .bool(keepFalse: true), "enable_ipv6": .bool(keepFalse: true),
                    ], always: true)),
            "volumes": .map(
                .object(
                    [
                        "name": .string, "driver": .string, "driver_opts": .mapping,
                        "external": .bool(keepFalse: false),
                        "labels": .mapping,
                    ], always: true)),
            "secrets": .map(fileObject), "configs": .map(fileObject), "models": .any,
        ], always: true)
}
