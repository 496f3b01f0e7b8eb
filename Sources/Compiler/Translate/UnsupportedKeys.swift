/// How translation treats each service key the compose specification names, so that none is
/// dropped silently: it is mapped to Incus, resolved by the loader, without effect under Incus, or
/// warned about with the reason. A test holds the specification's key list against these tables.
enum UnsupportedKeys {
    /// Keys translation maps to Incus config, devices or files (some with warnings of their own).
    static let mapped: Set<String> = [
        "cap_add", "cap_drop", "command", "extra_hosts", "configs", "container_name", "cpus", "depends_on", "deploy",
        "devices", "dns", "dns_opt",
        "dns_search",
        "domainname", "entrypoint", "environment", "gpus", "healthcheck", "hostname", "image", "labels", "mac_address",
        "mem_limit", "network_mode", "networks", "pids_limit", "ports", "privileged", "pull_policy", "read_only",
        "restart",
        "scale", "secrets", "shm_size", "stop_grace_period", "stop_signal", "sysctls", "tmpfs", "ulimits", "user",
        "volumes",
        "working_dir",
    ]

    /// Keys the loader has resolved into others before translation.
    static let resolvedByLoader: Set<String> = ["env_file", "extends", "label_file", "profiles"]

    /// Keys that change nothing a user could observe under Incus, with why.
    static let withoutEffect: [String: String] = [
        "attach": "it only chooses which logs docker compose up follows",
        "expose": "every port of an instance is reachable from the project's networks",
    ]

    /// Keys Incus cannot express: each one present gets a warning naming the closest Incus means.
    static let reasons: [String: String] = [
        "annotations": "Incus has no annotations; labels become user.* config keys",
        "blkio_config": "use x-incus limits.disk.priority, or limits.read and limits.write on a disk",
        "build": "Incus cannot build images; the image: reference is used as it is",
        "cgroup": "Incus manages each container's cgroup itself",
        "cgroup_parent": "Incus manages each container's cgroup itself",
        "cpu_count": "it applies to Windows containers; use cpus",
        "cpu_percent": "it applies to Windows containers; use cpus",
        "cpu_period": "use cpus (limits.cpu.allowance)",
        "cpu_quota": "use cpus (limits.cpu.allowance)",
        "cpu_rt_period": "Incus has no real-time CPU scheduling settings",
        "cpu_rt_runtime": "Incus has no real-time CPU scheduling settings",
        "cpu_shares": "use x-incus limits.cpu.priority",
        "cpuset": "use x-incus limits.cpu with a CPU list such as 0-1",
        "credential_spec": "it applies to Windows containers",
        "develop": "docker compose watch has no Incus equivalent",
        "device_cgroup_rules": "use raw.lxc lxc.cgroup2.devices.allow lines in x-incus",
        "external_links": "containers outside the project are not linked",
        "group_add": "Incus sets no supplementary groups; add the user to the group in the image",
        "init": "Incus containers run their own init",
        "ipc": "Incus has no shared IPC namespaces",
        "isolation": "it applies to Windows containers",
        "links": "service names resolve on the project's networks, but link aliases are not made",
        "logging": "Incus keeps the console log itself",
        "mem_reservation": "Incus has no memory reservation (limits.memory.enforce=soft makes the limit soft)",
        "mem_swappiness": "use x-incus limits.memory.swap.priority",
        "memswap_limit": "use x-incus limits.memory.swap",
        "models": "Incus runs no model runner",
        "oom_kill_disable": "Incus has no per-container OOM killer settings",
        "oom_score_adj": "Incus has no per-container OOM killer settings",
        "pid": "Incus has no shared PID namespaces",
        "platform": "Incus runs images of the server's own architecture",
        "post_start": "lifecycle hooks are not run",
        "pre_start": "lifecycle hooks are not run",
        "pre_stop": "lifecycle hooks are not run",
        "provider": "Incus runs no provider services",
        "pull_refresh_after": "Incus pulls an image when apply creates an instance",
        "runtime": "Incus runs every container with LXC",
        "security_opt": "Incus has no per-container security options of this form",
        "stdin_open": "Incus consoles are always available",
        "storage_opt": "size the root disk with an x-incus or profile root device instead",
        "tty": "Incus consoles are always available",
        "use_api_socket": "no docker API socket exists under Incus",
        "userns_mode": "Incus gives every container a user namespace of its own",
        "uts": "Incus gives every container a UTS namespace of its own",
        "volumes_from": "mount the same volumes in this service instead",
    ]

    static func warn(_ service: ComposeService, context: inout TranslationContext) {
        for key in service.keys {
            guard let reason = reasons[key.value] else { continue }
            // A build-only service already has its own `build-not-supported` warning.
            if key.value == "build" && service.image == nil && service.incusImage == nil { continue }
            context.warn("unsupported-key", "'\(key.value)' is ignored: \(reason)", at: key.location)
        }
    }
}
