/// The compose specification's rules for what runs a container (the schema's `container_spec`,
/// shared by services, jobs and `pre_start` hooks), and for `deploy` and `develop`.
extension ComposeSchema {
    static let containerSpecification: [String: SchemaRule] = [
        "annotations": listOrDict,
        "blkio_config": .object(
            ObjectRule(
                [
                    "device_read_bps": blkioLimits, "device_read_iops": blkioLimits, "device_write_bps": blkioLimits,
                    "device_write_iops": blkioLimits, "weight": integerOrString,
                    "weight_device": .list(
                        of: .object(ObjectRule(["path": string, "weight": integerOrString], extensions: false)),
                        unique: false),
                ], extensions: false)),
        "cap_add": .list(of: string, unique: true), "cap_drop": .list(of: string, unique: true),
        "cgroup": .choice(["host", "private"]), "cgroup_parent": string, "command": command,
        "configs": fileReferences,
        "cpu_count": .integer(minimum: 0, maximum: nil, orString: true),
        "cpu_percent": .integer(minimum: 0, maximum: 100, orString: true),
        "cpu_shares": numberOrString, "cpu_quota": numberOrString, "cpu_period": numberOrString,
        "cpu_rt_period": numberOrString, "cpu_rt_runtime": numberOrString, "cpus": numberOrString, "cpuset": string,
        "credential_spec": .object(ObjectRule(["config": string, "file": string, "registry": string])),
        "device_cgroup_rules": listOfStrings,
        "devices": .list(
            of: .alternatives([
                string,
                .object(ObjectRule(["source": string, "target": string, "permissions": string], required: ["source"])),
            ]), unique: false),
        "dns": stringOrList, "dns_opt": .list(of: string, unique: true), "dns_search": stringOrList,
        "domainname": string, "entrypoint": command,
        "env_file": .alternatives([
            string,
            .list(
                of: .alternatives([
                    string,
                    .object(
                        ObjectRule(
                            ["path": string, "format": string, "required": booleanOrString], required: ["path"],
                            extensions: false)),
                ]), unique: false),
        ]),
        "label_file": .alternatives([string, .list(of: string, unique: false)]),
        "environment": listOrDict, "extra_hosts": extraHosts,
        "gpus": .alternatives([.choice(["all"]), .list(of: deviceRequest(required: []), unique: false)]),
        "group_add": .list(of: .kinds([.string, .number]), unique: true),
        "hostname": string, "image": string, "init": booleanOrString, "ipc": string, "isolation": string,
        "labels": listOrDict,
        "logging": .object(
            ObjectRule(["driver": string, "options": mapping(.nonEmpty(.kinds([.string, .number, .null])))])),
        "mac_address": string, "mem_limit": numberOrString, "mem_reservation": .kinds([.string, .integer]),
        "mem_swappiness": integerOrString, "memswap_limit": numberOrString, "network_mode": string,
        "models": .alternatives([
            listOfStrings,
            .object(
                ObjectRule(
                    names: .resourceNames(
                        .object(ObjectRule(["endpoint_var": string, "model_var": string], allowsNull: true))),
                    closed: false)),
        ]),
        "networks": .alternatives([
            listOfStrings,
            named(
                .object(
                    ObjectRule(
                        [
                            "aliases": listOfStrings, "interface_name": string, "ipv4_address": string,
                            "ipv6_address": string, "link_local_ips": listOfStrings, "mac_address": string,
                            "driver_opts": driverOptions, "priority": .kinds(.number), "gw_priority": .kinds(.number),
                        ], allowsNull: true))),
        ]),
        "oom_kill_disable": booleanOrString,
        "oom_score_adj": .integer(minimum: -1000, maximum: 1000, orString: true),
        "pid": .kinds([.string, .null]), "pids_limit": numberOrString, "platform": string,
        "privileged": booleanOrString,
        "pull_policy": .text(
            expected: "always, never, build, if_not_present, missing, refresh, daily, weekly or every_<duration>",
            check: { isPullPolicy($0) }),
        "pull_refresh_after": string, "read_only": booleanOrString, "runtime": string,
        "security_opt": .list(of: string, unique: true), "shm_size": numberOrString, "secrets": fileReferences,
        "sysctls": listOrDict, "stop_grace_period": string, "stop_signal": string,
        "storage_opt": .object(ObjectRule([:], closed: false)),
        "tmpfs": stringOrList, "ulimits": ulimits, "use_api_socket": boolean, "user": string, "uts": string,
        "userns_mode": string, "volumes": .list(of: .alternatives([string, volumeMount]), unique: true),
        "volumes_from": .list(of: string, unique: true), "working_dir": string,
    ]

    /// The long syntax of a service's volume.
    static let volumeMount: SchemaRule = .object(
        ObjectRule(
            [
                "type": .choice(["bind", "volume", "tmpfs", "cluster", "npipe", "image"]),
                "source": string, "target": string, "read_only": booleanOrString, "consistency": string,
                "bind": .object(
                    ObjectRule([
                        "propagation": string, "create_host_path": booleanOrString,
                        "recursive": .choice(["enabled", "disabled", "writable", "readonly"]),
                        "selinux": .choice(["z", "Z"]),
                    ])),
                "volume": .object(ObjectRule(["labels": listOrDict, "nocopy": booleanOrString, "subpath": string])),
                "tmpfs": .object(
                    ObjectRule([
                        "size": .integer(minimum: 0, maximum: nil, orString: true), "mode": numberOrString,
                    ])),
                "image": .object(ObjectRule(["subpath": string])),
            ], required: ["type"]))

    static let deployment: SchemaRule = .object(
        ObjectRule(
            [
                "mode": string, "endpoint_mode": string, "replicas": integerOrString, "labels": listOrDict,
                "rollback_config": updateConfiguration, "update_config": updateConfiguration,
                "resources": .object(
                    ObjectRule([
                        "limits": .object(
                            ObjectRule(["cpus": numberOrString, "memory": string, "pids": integerOrString])),
                        "reservations": .object(
                            ObjectRule([
                                "cpus": numberOrString, "memory": string,
                                "generic_resources": .list(
                                    of: .object(
                                        ObjectRule([
                                            "discrete_resource_spec": .object(
                                                ObjectRule(["kind": string, "value": numberOrString]))
                                        ])), unique: false),
                                "devices": .list(of: deviceRequest(required: ["capabilities"]), unique: false),
                            ])),
                    ])),
                "restart_policy": .object(
                    ObjectRule([
                        "condition": string, "delay": string, "max_attempts": integerOrString, "window": string,
                    ])),
                "placement": .object(
                    ObjectRule([
                        "constraints": .list(of: string, unique: false),
                        "preferences": .list(of: .object(ObjectRule(["spread": string])), unique: false),
                        "max_replicas_per_node": integerOrString,
                    ])),
            ], allowsNull: true))

    static let updateConfiguration: SchemaRule = .object(
        ObjectRule([
            "parallelism": integerOrString, "delay": string, "failure_action": string, "monitor": string,
            "max_failure_ratio": numberOrString, "order": .choice(["start-first", "stop-first"]),
        ]))

    static let development: SchemaRule = .object(
        ObjectRule(
            [
                "watch": .list(
                    of: .object(
                        ObjectRule(
                            [
                                "ignore": stringOrList, "include": stringOrList, "path": string,
                                "action": .choice(["rebuild", "sync", "restart", "sync+restart", "sync+exec"]),
                                "target": string, "exec": serviceHook, "initial_sync": boolean,
                            ], required: ["path", "action"])), unique: false)
            ], allowsNull: true))

    /// `blkio_config` device rates.
    static let blkioLimits: SchemaRule = .list(
        of: .object(ObjectRule(["path": string, "rate": integerOrString], extensions: false)), unique: false)

    /// `^(always|never|build|if_not_present|missing|refresh|daily|weekly|every_([0-9]+[wdhms])+)$`.
    static func isPullPolicy(_ policy: String) -> Bool {
        switch policy {
        case "always", "never", "build", "if_not_present", "missing", "refresh", "daily", "weekly": return true
        default: break
        }
        guard policy.hasPrefix("every_") else { return false }
        var sawDigit = false
        var sawUnit = false
        for byte in policy.utf8.dropFirst(6) {
            if (48...57).contains(byte) {
                sawDigit = true
            } else if sawDigit, "wdhms".utf8.contains(byte) {
                sawDigit = false
                sawUnit = true
            } else {
                return false
            }
        }
        return sawUnit && !sawDigit
    }
}
