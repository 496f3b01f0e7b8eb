/// `cap_add` and `cap_drop` as LXC capability lines in `raw.lxc`. An Incus container holds every
/// capability inside its user namespace, more than docker's default set, so `cap_add` needs nothing
/// of its own; `cap_drop` becomes `lxc.cap.drop`, and `cap_drop: [ALL]` becomes `lxc.cap.keep` with
/// the added ones (or `none`).
enum Capabilities {
    static func rawLXCLines(_ service: ComposeService) throws -> [String] {
        let added = try names(service.capabilitiesAdded, key: "cap_add", service: service)
        let dropped = try names(service.capabilitiesDropped, key: "cap_drop", service: service)
        if dropped.contains("all") {
            let kept = added.filter { $0 != "all" }
            return ["lxc.cap.keep = " + (kept.isEmpty ? "none" : kept.joined(separator: " "))]
        }
        let drops = added.contains("all") ? [] : dropped.filter { !added.contains($0) }
        return drops.isEmpty ? [] : ["lxc.cap.drop = " + drops.joined(separator: " ")]
    }

    /// LXC's names (`net_raw`) for docker's (`NET_RAW`, `CAP_NET_RAW`), each once, in order.
    private static func names(_ written: [Located<String>], key: String, service: ComposeService) throws -> [String] {
        var result: [String] = []
        for (index, capability) in written.enumerated() {
            var name = capability.value.lowercased()
            if name.hasPrefix("cap_") { name.removeFirst(4) }
            guard name == "all" || known.contains(name) else {
                let closest = ClosestName.find(name, among: known).map { "; did you mean '\($0.uppercased())'?" } ?? ""
                throw CompileError(
                    "unknown capability '\(capability.value)'" + closest, at: capability.location,
                    path: "\(service.path).\(key)[\(index)]")
            }
            if !result.contains(name) { result.append(name) }
        }
        return result
    }

    /// The Linux capabilities, by LXC's names.
    static let known = [
        "audit_control", "audit_read", "audit_write", "block_suspend", "bpf", "checkpoint_restore", "chown",
        "dac_override", "dac_read_search", "fowner", "fsetid", "ipc_lock", "ipc_owner", "kill", "lease",
        "linux_immutable", "mac_admin", "mac_override", "mknod", "net_admin", "net_bind_service", "net_broadcast",
        "net_raw", "perfmon", "setfcap", "setgid", "setpcap", "setuid", "sys_admin", "sys_boot", "sys_chroot",
        "sys_module", "sys_nice", "sys_pacct", "sys_ptrace", "sys_rawio", "sys_resource", "sys_time",
        "sys_tty_config", "syslog", "wake_alarm",
    ]
}
