import Plan

/// How plan values are compared with what the server holds.
///
/// The server adds keys of its own (`volatile.*`, `image.*` on instances; default features on projects;
/// generated addresses on networks). Those never count as a difference; everything the plan states
/// must match exactly.
public enum ConfigComparison {
    /// Instance config keys that Incus writes itself: `volatile.*`, `image.*`, and the working
    /// directory and user an OCI container gets from its image (compared only where the plan sets them).
    public static func isServerManagedInstanceKey(_ key: String) -> Bool {
        key.hasPrefix("volatile.") || key.hasPrefix("image.") || ociImageKeys.contains(key)
    }

    private static let ociImageKeys: Set<String> = ["oci.cwd", "oci.uid", "oci.gid"]

    /// Whether two values of instance config `key` mean the same: `oci.entrypoint` is a command
    /// line, equal when it splits into the same words (Incus quotes an image's own differently).
    static func sameInstanceValue(_ key: String, _ plan: String?, _ server: String?) -> Bool {
        if plan == server { return true }
        guard key == "oci.entrypoint", let plan, let server else { return false }
        return ShellQuoting.split(plan).map { $0 == ShellQuoting.split(server) } ?? false
    }

    /// Network keys Incus fills in when the plan leaves them out (or says `auto`).
    static let autoFilledNetworkKeys: Set<String> = ["ipv4.address", "ipv4.nat", "ipv6.address", "ipv6.nat"]

    /// Instance config keys that differ, ignoring server-managed keys and `ignoring` (unresolved placeholders).
    public static func changedInstanceKeys(
        plan: [String: String], server: [String: String], ignoring: Set<String> = []
    ) -> [String] {
        var keys = Set(plan.keys)
        keys.formUnion(server.keys.filter { !isServerManagedInstanceKey($0) })
        keys.subtract(ignoring)
        return keys.filter { !sameInstanceValue($0, plan[$0], server[$0]) }.sorted()
    }

    /// Network config keys that differ. `auto` in the plan matches any server value; keys Incus fills in
    /// by itself may exist on the server only; `ignoring` holds keys with unresolved placeholders.
    public static func changedNetworkKeys(
        plan: [String: String], server: [String: String], ignoring: Set<String> = []
    ) -> [String] {
        let plan = withoutEmptyValues(plan)
        var keys = Set(plan.keys)
        keys.formUnion(server.keys.filter { !$0.hasPrefix("volatile.") && !autoFilledNetworkKeys.contains($0) })
        keys.subtract(ignoring)
        return keys.filter { key in
            if plan[key] == "auto" && autoFilledNetworkKeys.contains(key) && server[key] != nil { return false }
            return plan[key] != server[key]
        }.sorted()
    }

    /// The network config to send on update: the plan's, keeping the server's generated values where the
    /// plan says `auto` or leaves an auto-filled key out, and the server's values for `keeping` keys.
    public static func networkUpdate(
        plan: [String: String], server: [String: String], keeping: Set<String> = []
    ) -> [String: String] {
        var result = withoutEmptyValues(plan)
        for key in autoFilledNetworkKeys {
            if let current = server[key], plan[key] == nil || plan[key] == "auto" { result[key] = current }
        }
        for key in keeping {
            result[key] = server[key]
        }
        return result
    }

    /// Keys the plan sets that the server lacks or holds differently (projects and volumes, where the
    /// server adds defaults of its own).
    public static func changedPlanKeys(plan: [String: String], server: [String: String]) -> [String] {
        plan.keys.filter { plan[$0] != server[$0] }.sorted()
    }

    /// `config` without keys set to the empty string: Incus keeps no empty value, so "" is the key's
    /// absence (an empty value sent is no key on the server).
    public static func withoutEmptyValues(_ config: [String: String]) -> [String: String] {
        config.filter { !$0.value.isEmpty }
    }

    /// Where apply records the config keys it set on a project or volume (sorted, comma-separated):
    /// the server adds keys of its own there, so only this record tells a key the plan dropped.
    public static let keysRecordKey = "user.compose.keys"

    /// The plan's config of a project or volume with the record of its keys (none for no keys: Incus
    /// keeps no empty value).
    public static func recorded(_ plan: [String: String]) -> [String: String] {
        var config = withoutEmptyValues(plan)
        if !plan.isEmpty { config[keysRecordKey] = plan.keys.sorted().joined(separator: ",") }
        return config
    }

    /// What converging a project's or a volume's config changes: the keys to report (set, changed,
    /// or recorded earlier and no longer planned), and the whole config to send.
    public static func recordedUpdate(plan: [String: String], server: [String: String]) -> (
        changed: [String], config: [String: String]
    ) {
        let plan = withoutEmptyValues(plan)
        let desired = recorded(plan)
        let dropped = (server[keysRecordKey] ?? "").split(separator: ",").map(String.init)
            .filter { plan[$0] == nil && server[$0] != nil }
        var config = server.merging(desired) { _, planned in planned }
        var changed = changedPlanKeys(plan: desired, server: server) + dropped
        if desired[keysRecordKey] == nil && server[keysRecordKey] != nil { changed.append(keysRecordKey) }
        for key in changed where desired[key] == nil { config[key] = nil }
        return (changed.sorted(), config)
    }
}
