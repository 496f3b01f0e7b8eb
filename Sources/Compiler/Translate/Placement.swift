import Plan

/// `x-incus.target` of the project and of its services: where they run on an Incus cluster.
enum Placement {
    /// Copies the targets into `plan` and refuses services placed apart that share a network or a
    /// volume (`PlacementRules`), since neither spans cluster members.
    static func apply(_ project: ComposeProject, to plan: inout Plan) throws {
        if let target = project.target {
            try check(target, path: "x-incus.target")
            plan.project.target = target.value
        }
        var targetOfService: [String: Located<String>] = [:]
        for service in project.services {
            guard let target = service.target else { continue }
            try check(target, path: service.path + ".x-incus.target")
            targetOfService[service.name] = target
        }
        guard !targetOfService.isEmpty else { return }
        for name in plan.instances.keys.sorted() {
            guard let service = plan.instances[name]?.service, let target = targetOfService[service] else { continue }
            plan.instances[name]?.target = target.value
        }
        guard let conflict = PlacementRules.firstConflict(in: plan),
            let service = plan.instances[conflict.instance]?.service,
            let other = plan.instances[conflict.other]?.service
        else { return }
        let composeName =
            conflict.kind == "network"
            ? plan.networks[conflict.resource]?.composeName : plan.volumes[conflict.resource]?.composeName
        // Point at the target that sets the two apart: the service's own, else the other's.
        let (placed, located) = targetOfService[service].map { (service, $0) } ?? (other, targetOfService[other])
        let otherService = placed == service ? other : service
        func placement(_ name: String) -> String {
            targetOfService[name].map { "x-incus.target \($0.value)" }
                ?? project.target.map { "the project's target \($0.value)" } ?? "the member Incus chooses"
        }
        throw CompileError(
            "services '\(placed)' (\(placement(placed))) and '\(otherService)' (\(placement(otherService))) share "
                + "\(conflict.kind) '\(composeName ?? conflict.resource)', but a \(conflict.kind) does not span Incus "
                + "cluster members; give '\(placed)' networks and volumes of its own, or the same target",
            at: located?.location, path: "services.\(placed).x-incus.target")
    }

    private static func check(_ target: Located<String>, path: String) throws {
        guard PlacementRules.isValidTarget(target.value) else {
            throw CompileError(
                "x-incus.target takes a cluster member name (m1) or @ and a cluster group name (@fast), not "
                    + "'\(target.value)'", at: target.location, path: path)
        }
    }
}
