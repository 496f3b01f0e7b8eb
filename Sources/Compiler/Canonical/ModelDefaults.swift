/// Fills the defaults compose-go sets once every file is merged: a build's `context` is `.`, a
/// service secret's `target` is `/run/secrets/<source>`, a port's `protocol` and `mode` are `tcp`
/// and `ingress`, a bind mount creates its host path, and a device request without `count` or
/// `device_ids` takes every device.
enum ModelDefaults {
    /// Adds the defaults in place: a model held once is changed without copying what stays.
    static func update(_ node: inout YAMLNode) {
        update(&node, at: tree)
    }

    static func update(_ node: inout YAMLNode, at position: PatternTree<Pattern>) {
        let location = node.location
        if node.mapping != nil, let pattern = position.tag {
            switch pattern {
            case .servicesBuild:
                if node["context"] == nil { node.set("context", .string(".", at: location)) }
            case .servicesSecretsItem:
                if node["target"] == nil {
                    node.set("target", .string("/run/secrets/\(node["source"]?.scalar?.text ?? "")", at: location))
                }
            case .servicesPortsItem:
                if node["protocol"] == nil { node.set("protocol", .string("tcp", at: location)) }
                if node["mode"] == nil { node.set("mode", .string("ingress", at: location)) }
            case .servicesVolumesItemBind:
                if node["create_host_path"] == nil { node.set("create_host_path", .bool(true, at: location)) }
            case .servicesDeployResourcesReservationsDevicesItem, .servicesGpusItem:
                if node["count"] == nil, node["device_ids"] == nil {
                    node.set("count", .string("all", at: location))
                }
            }
        }
        position.updateChildren(&node.content) { update(&$0, at: $1) }
    }

    static let tree = PatternTree<Pattern>([
        (TreePath(pattern: "services.*.build"), .servicesBuild),
        (
            TreePath(pattern: "services.*.deploy.resources.reservations.devices.[]"),
            .servicesDeployResourcesReservationsDevicesItem
        ),
        (TreePath(pattern: "services.*.gpus.[]"), .servicesGpusItem),
        (TreePath(pattern: "services.*.ports.[]"), .servicesPortsItem),
        (TreePath(pattern: "services.*.secrets.[]"), .servicesSecretsItem),
        (TreePath(pattern: "services.*.volumes.[].bind"), .servicesVolumesItemBind),
    ])

    /// The paths this file tests.
    enum Pattern {
        case servicesBuild, servicesDeployResourcesReservationsDevicesItem, servicesGpusItem, servicesPortsItem
        case servicesSecretsItem, servicesVolumesItemBind
    }
}
