/// Fills the defaults compose-go sets once every file is merged: a build's `context` is `.`, a
/// service secret's `target` is `/run/secrets/<source>`, a port's `protocol` and `mode` are `tcp`
/// and `ingress`, a bind mount creates its host path, and a device request without `count` or
/// `device_ids` takes every device.
enum ModelDefaults {
    static func apply(_ node: YAMLNode, path: TreePath = TreePath()) -> YAMLNode {
        guard Pattern.all.contains(where: path.canReach) else { return node }
        var result = node
        let location = node.location
        if node.mapping != nil {
            if path.matches(Pattern.servicesBuild), node["context"] == nil {
                result.set("context", .string(".", at: location))
            }
            if path.matches(Pattern.servicesSecretsItem), node["target"] == nil {
                result.set("target", .string("/run/secrets/\(node["source"]?.scalar?.text ?? "")", at: location))
            }
            if path.matches(Pattern.servicesPortsItem) {
                if node["protocol"] == nil { result.set("protocol", .string("tcp", at: location)) }
                if node["mode"] == nil { result.set("mode", .string("ingress", at: location)) }
            }
            if path.matches(Pattern.servicesVolumesItemBind), node["create_host_path"] == nil {
                result.set("create_host_path", .bool(true, at: location))
            }
            if path.matches(Pattern.servicesDeployResourcesReservationsDevicesItem)
                || path.matches(Pattern.servicesGpusItem),
                node["count"] == nil, node["device_ids"] == nil
            {
                result.set("count", .string("all", at: location))
            }
        }
        switch result.content {
        case .scalar: break
        case .mapping(let pairs):
            result.content = .mapping(
                pairs.map { pair in
                    var pair = pair
                    pair.value = apply(pair.value, path: path.next(pair.key))
                    return pair
                })
        case .sequence(let items):
            result.content = .sequence(items.map { apply($0, path: path.item) })
        }
        return result
    }
}

/// The tree paths this file tests, built once.
private enum Pattern {
    static let all = [
        servicesBuild, servicesDeployResourcesReservationsDevicesItem, servicesGpusItem, servicesPortsItem,
        servicesSecretsItem, servicesVolumesItemBind,
    ]
    static let servicesBuild = TreePath(pattern: "services.*.build")
    static let servicesDeployResourcesReservationsDevicesItem = TreePath(
        pattern: "services.*.deploy.resources.reservations.devices.[]")
    static let servicesGpusItem = TreePath(pattern: "services.*.gpus.[]")
    static let servicesPortsItem = TreePath(pattern: "services.*.ports.[]")
    static let servicesSecretsItem = TreePath(pattern: "services.*.secrets.[]")
    static let servicesVolumesItemBind = TreePath(pattern: "services.*.volumes.[].bind")
}
