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
