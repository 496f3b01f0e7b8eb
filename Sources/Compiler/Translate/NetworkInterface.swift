import Plan

/// One NIC of a service's instances: `eth0`, `eth1`, … in the order of its networks, with the
/// static addresses and MAC address compose gives.
struct NetworkInterface {
    var name: String
    var network: ResolvedNetwork
    var device: [String: String]

    /// The NICs of `service`, their names taken from `namer`. Static addresses must be IP addresses
    /// inside the network, not its own, and a service of several replicas cannot share one.
    static func make(
        for service: ServiceTranslator, replicaCount: Int, namer: inout DeviceNamer, context: inout TranslationContext
    ) throws -> [NetworkInterface] {
        let path = service.path
        let attachments = try service.networkAttachments(context: &context)
        var nics: [NetworkInterface] = []
        for (index, attachment) in attachments.enumerated() {
            let deviceName = "eth\(index)"
            var device = ["type": "nic", "network": attachment.network.incusName, "name": deviceName]
            // Spelt out only for an error.
            func settingsPath() -> String { "\(path).networks.\(attachment.network.composeName)" }
            for (composeKey, incusKey, addressNode) in [
                ("ipv4_address", "ipv4.address", attachment.attachment.ipv4Address),
                ("ipv6_address", "ipv6.address", attachment.attachment.ipv6Address),
            ] {
                guard let addressNode else { continue }
                let written = addressNode.value
                // docker accepts an address with a prefix length here; the NIC takes the address alone.
                let address = String(written.split(separator: "/", maxSplits: 1).first ?? "")
                guard IPAddress.isValid(address) else {
                    throw CompileError(
                        "'\(address)' is not an IP address", at: addressNode.location,
                        path: "\(settingsPath()).\(composeKey)")
                }
                guard replicaCount <= 1 else {
                    throw CompileError(
                        "a static \(composeKey) cannot be shared by \(replicaCount) replicas", at: addressNode.location,
                        path: "\(settingsPath()).\(composeKey)")
                }
                let gateway = attachment.network.plan.config[incusKey].map {
                    String($0.split(separator: "/").first ?? "")
                }
                if gateway == address {
                    throw CompileError(
                        "\(composeKey) \(address) is the address of network '\(attachment.network.composeName)' itself"
                            + " (its gateway); give the instance another one", at: addressNode.location,
                        path: "\(settingsPath()).\(composeKey)")
                }
                if composeKey == "ipv4_address", let subnet = attachment.network.plan.config["ipv4.address"],
                    IPAddress.ipv4(address, isIn: subnet) == false
                {
                    throw CompileError(
                        "ipv4_address \(address) is not inside network '\(attachment.network.composeName)' (\(subnet))",
                        at: addressNode.location, path: "\(settingsPath()).\(composeKey)")
                }
                device[incusKey] = address
            }
            if let mac = attachment.attachment.macAddress ?? service.service.macAddress, replicaCount <= 1 {
                device["hwaddr"] = mac
            }
            nics.append(NetworkInterface(name: deviceName, network: attachment.network, device: device))
            _ = namer.name(deviceName)
        }
        return nics
    }
}
