/// The key order of `docker compose config`'s YAML: compose-go's struct field order (measured on
/// docker compose v5.6.1, compose-go v2.16.1). Maps keyed by name (services, environment, labels, …)
/// are sorted; keys a list does not name follow in sorted order (`x-` extensions last of those).
enum ConfigYAMLOrder {
    static let project = ["name", "services", "networks", "volumes", "secrets", "configs", "models"]

    static let service = """
        profiles deploy develop restart scale attach container_name external_links links pre_start post_start \
        pre_stop annotations blkio_config cap_add cap_drop cgroup_parent cgroup cpu_count cpu_percent cpu_period \
        cpu_quota cpu_rt_period cpu_rt_runtime cpus cpuset cpu_shares command configs credential_spec \
        device_cgroup_rules devices dns dns_opt dns_search domainname entrypoint environment extra_hosts group_add \
        gpus hostname image init ipc isolation labels label_file logging mem_limit mem_reservation memswap_limit \
        mem_swappiness mac_address models network_mode networks oom_kill_disable oom_score_adj pid pids_limit \
        platform privileged pull_policy read_only runtime secrets security_opt shm_size stop_grace_period \
        stop_signal storage_opt sysctls tmpfs ulimits use_api_socket user userns_mode uts volumes volumes_from \
        working_dir build depends_on expose healthcheck ports stdin_open tty
        """.split(separator: " ").map(String.init)

    static let healthcheck = ["test", "timeout", "interval", "retries", "start_period", "start_interval", "disable"]
    static let port = ["name", "mode", "host_ip", "target", "published", "protocol", "app_protocol"]
    static let volume = ["type", "source", "target", "read_only", "consistency", "bind", "volume", "tmpfs", "image"]
    static let dependency = ["condition", "restart", "required"]
    static let resource = [
        "name", "driver", "driver_opts", "ipam", "external", "internal", "enable_ipv6", "attachable",
    ]

    /// The preferred keys of the mapping at `path` (`[]` stands for a list element).
    static func keys(at path: [String]) -> [String] {
        switch path.count {
        case 0: return project
        case 2 where path[0] == "services": return service
        case 2 where path[0] == "networks" || path[0] == "volumes": return resource
        case 3 where path[0] == "services" && path[2] == "healthcheck": return healthcheck
        case 4 where path[0] == "services" && path[2] == "ports": return port
        case 4 where path[0] == "services" && path[2] == "volumes": return volume
        case 4 where path[0] == "services" && path[2] == "depends_on": return dependency
        default: return []
        }
    }
}
