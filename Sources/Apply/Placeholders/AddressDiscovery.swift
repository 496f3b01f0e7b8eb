import Foundation
import Plan

/// Finds the addresses placeholders stand for: pinned on the server already, or leased by DHCP.
public enum AddressDiscovery {
    /// Token values the server already holds: a plan NIC that the server has exactly as planned plus a
    /// pinned `ipv4.address` / `ipv6.address`. A NIC that changed otherwise gives no value (it will be
    /// updated and pinned anew).
    public static func pinnedValues(plan: Plan, server: [String: ServerInstance]) -> [String: String] {
        var values: [String: String] = [:]
        for (token, placeholder) in plan.placeholders {
            guard let planNIC = plan.instances[placeholder.instance]?.devices[placeholder.device],
                let serverNIC = server[placeholder.instance]?.devices[placeholder.device]
            else { continue }
            let key = PlaceholderIndex.addressKey(family: placeholder.family)
            if let fixed = planNIC[key] {
                values[token] = fixed
                continue
            }
            var unpinned = serverNIC
            guard let pinned = unpinned.removeValue(forKey: key), unpinned == planNIC else { continue }
            values[token] = pinned
        }
        return values
    }

    /// Whether a pinned IPv4 `address` lies in the subnet the plan gives its NIC's network (true when
    /// the plan does not say: an external network, `auto`, IPv6).
    public static func fits(_ address: String, _ placeholder: PlanPlaceholder, plan: Plan) -> Bool {
        guard placeholder.family == "ipv4",
            let network = plan.instances[placeholder.instance]?.devices[placeholder.device]?["network"],
            let subnet = plan.networks[network]?.config["ipv4.address"]
        else { return true }
        return IPAddress.ipv4(address, isIn: subnet) ?? true
    }

    /// The first global address of `family` (`ipv4`/`ipv6`) on interface `interface` in an instance's
    /// network state (`GET /1.0/instances/NAME/state` → `network`).
    public static func address(in networkState: JSONValue, interface: String, family: String) -> String? {
        let wanted = family == "ipv6" ? "inet6" : "inet"
        for entry in networkState[interface]?["addresses"]?.arrayValue ?? [] {
            guard entry["family"]?.stringValue == wanted, entry["scope"]?.stringValue == "global",
                let address = entry["address"]?.stringValue, !address.isEmpty
            else { continue }
            return address
        }
        return nil
    }

    /// Polls the instance state until the NIC has a DHCP address, at most `timeout` seconds.
    public static func waitForAddress(
        client: IncusClient, instance: String, project: String, device: String, nic: [String: String],
        family: String, timeout: Int
    ) throws -> String {
        let interface = nic["name"] ?? device
        let deadline = Date().addingTimeInterval(TimeInterval(timeout))
        while true {
            let state = try client.instanceNetworkState(instance, project: project)
            if let address = address(in: state, interface: interface, family: family) { return address }
            if Date() >= deadline {
                throw ApplyError.addressTimeout(
                    instance: instance, device: device, family: family == "ipv6" ? "IPv6" : "IPv4", seconds: timeout)
            }
            Thread.sleep(forTimeInterval: 0.25)
        }
    }
}
