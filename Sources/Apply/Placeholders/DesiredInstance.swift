import Plan

/// What one plan instance should look like on the server, given the placeholder values known so far.
public struct DesiredInstance: Equatable, Sendable {
    /// Config with placeholders substituted; keys still waiting for a value are left out.
    public var config: [String: String]
    /// Devices with placeholders substituted and NICs pinned to known addresses; devices still waiting
    /// for a value are left out.
    public var devices: [String: [String: String]]
    /// Config keys whose placeholders are not known yet.
    public var pendingKeys: Set<String>
    /// Devices whose placeholders are not known yet.
    public var pendingDevices: Set<String>
    /// Devices added only after the instance first starts: NAT proxies (Incus checks their connect
    /// address against the NIC's pinned address, and some servers refuse them, see `ProxyFallback`),
    /// their loopback companions (which need to know whether the NAT proxy stayed NAT) and devices
    /// that used placeholders.
    public var lateDevices: Set<String>

    /// Builds the desired state of plan instance `name`. `imageDefaults` are the config keys the
    /// server sets from an OCI image (its environment and command line), expected where the plan
    /// does not set the key.
    public static func build(
        _ name: String, plan: Plan, index: PlaceholderIndex, values: [String: String],
        imageDefaults: [String: String] = [:]
    ) -> DesiredInstance {
        var result = DesiredInstance(config: [:], devices: [:], pendingKeys: [], pendingDevices: [], lateDevices: [])
        guard let instance = plan.instances[name] else { return result }
        for (key, value) in instance.config {
            let pointer = JSONPointer.make(["instances", name, "config", key])
            if let resolved = index.resolve(value, at: pointer, values: values) {
                // Incus keeps no empty value: "" is the key's absence.
                if !resolved.isEmpty { result.config[key] = resolved }
            } else {
                result.pendingKeys.insert(key)
            }
        }
        for (key, value) in imageDefaults where instance.config[key] == nil {
            result.config[key] = value
        }
        result.config[PlanInstance.imageRecordKey] = instance.imageRecord
        result.config[PlanInstance.filesRecordKey] = instance.filesRecord
        for (deviceName, device) in instance.devices {
            var resolvedDevice: [String: String] = [:]
            var usesPlaceholder = false
            for (key, value) in device {
                let pointer = JSONPointer.make(["instances", name, "devices", deviceName, key])
                if index.tokensByPointer[pointer] != nil { usesPlaceholder = true }
                resolvedDevice[key] = index.resolve(value, at: pointer, values: values)
            }
            if resolvedDevice.count != device.count {
                result.pendingDevices.insert(deviceName)
                continue
            }
            let isNAT = ProxyFallback.isNATProxy(resolvedDevice)
            let isCompanion = LoopbackCompanion.parent(of: deviceName).map {
                instance.devices[$0].map(ProxyFallback.isNATProxy) ?? false
            }
            if usesPlaceholder || isNAT || isCompanion == true { result.lateDevices.insert(deviceName) }
            result.devices[deviceName] = resolvedDevice
        }
        for token in index.ownTokens(of: name) {
            guard let placeholder = plan.placeholders[token], let value = values[token],
                var nic = result.devices[placeholder.device]
            else { continue }
            let key = PlaceholderIndex.addressKey(family: placeholder.family)
            if nic[key] == nil {
                nic[key] = value
                result.devices[placeholder.device] = nic
            }
        }
        return result
    }

    /// This desired state without the loopback companions of NAT proxies that the server holds as
    /// their userspace fallback: that proxy's wildcard listener already answers on loopback.
    public func withoutCompanionsOfFallbacks(server: ServerInstance) -> DesiredInstance {
        var result = self
        for name in devices.keys.sorted() {
            guard let parent = LoopbackCompanion.parent(of: name), let planned = devices[parent],
                ProxyFallback.isNATProxy(planned), server.devices[parent] == ProxyFallback.userspace(planned)
            else { continue }
            result.devices[name] = nil
            result.lateDevices.remove(name)
        }
        return result
    }

    /// What differs between this desired state and the server, as short labels; late devices whose
    /// server version is missing count too (apply adds them after the update).
    public func differences(from server: ServerInstance) -> [String] {
        var labels = ConfigComparison.changedInstanceKeys(
            plan: config, server: server.config, ignoring: pendingKeys
        ).map { "config \($0)" }
        let names = Set(devices.keys).union(server.devices.keys).subtracting(pendingDevices)
        for device in names.sorted() {
            guard let planned = devices[device] else {
                labels.append("remove device \(device)")
                continue
            }
            if !DesiredInstance.deviceMatches(desired: planned, server: server.devices[device]) {
                labels.append("device \(device)")
            }
        }
        if !server.profiles.isEmpty { labels.append("profiles") }
        return labels
    }

    /// Whether the server's device is this desired device, or the userspace fallback of it (a NAT
    /// proxy Incus refused on an earlier apply counts as converged).
    public static func deviceMatches(desired: [String: String], server: [String: String]?) -> Bool {
        guard let server else { return false }
        if desired == server { return true }
        return ProxyFallback.isNATProxy(desired) && ProxyFallback.userspace(desired) == server
    }
}
