/// Where a plan's instances may run on an Incus cluster.
///
/// A bridge network does not span cluster members (each member has its own bridge and dnsmasq), and a
/// custom volume on a local pool lives on one member, so every instance that shares a network or a
/// volume must run on the same member. The compiler and the plan validator both hold a plan to this.
public enum PlacementRules {
    /// An instance's placement: its service's `target`, else the project's (`nil`: Incus chooses).
    public static func effectiveTarget(of instance: PlanInstance, in plan: Plan) -> String? {
        instance.target ?? plan.project.target
    }

    /// A member name (`m3`) or `@` and a cluster group name (`@fast`).
    public static func isValidTarget(_ target: String) -> Bool {
        let name = target.hasPrefix("@") ? target.dropFirst() : Substring(target)
        guard let first = name.first, first.isASCII, first.isLetter || first.isNumber, name.count <= 63 else {
            return false
        }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
    }

    /// Two instances that share a network or volume but are placed apart.
    public struct Conflict: Equatable, Sendable {
        /// `network` or `volume`.
        public var kind: String
        /// The plan's network or volume name.
        public var resource: String
        /// The instance whose placement differs from `other`'s.
        public var instance: String
        public var other: String
    }

    /// The first conflict in instance-name order, or `nil` when every shared network and volume is used
    /// by instances with one placement.
    public static func firstConflict(in plan: Plan) -> Conflict? {
        // Without a service-level target every instance follows the project.
        guard plan.instances.values.contains(where: { $0.target != nil }) else { return nil }
        var placementOfResource: [String: (instance: String, target: String?)] = [:]
        for name in plan.instances.keys.sorted() {
            guard let instance = plan.instances[name] else { continue }
            let target = effectiveTarget(of: instance, in: plan)
            for (kind, resource) in sharedResources(of: instance, in: plan) {
                let key = kind + "/" + resource
                guard let first = placementOfResource[key] else {
                    placementOfResource[key] = (name, target)
                    continue
                }
                if first.target != target {
                    return Conflict(kind: kind, resource: resource, instance: name, other: first.instance)
                }
            }
        }
        return nil
    }

    /// The networks (`network` of a NIC) and plan volumes (`source` of a disk on a pool) `instance`
    /// uses, sorted.
    public static func sharedResources(of instance: PlanInstance, in plan: Plan) -> [(kind: String, name: String)] {
        var result: [(kind: String, name: String)] = []
        for device in instance.devices.keys.sorted() {
            guard let config = instance.devices[device] else { continue }
            if config["type"] == "nic", let network = config["network"] {
                result.append(("network", network))
            } else if config["type"] == "disk", config["pool"] != nil, let source = config["source"],
                plan.volumes[source] != nil
            {
                result.append(("volume", source))
            }
        }
        return result
    }
}
