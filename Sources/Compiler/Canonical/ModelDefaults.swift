/// Fills the defaults compose-go sets once every file is merged: a build's `context` is `.`, a
/// service secret's `target` is `/run/secrets/<source>`, a port's `protocol` and `mode` are `tcp`
/// and `ingress`, a bind mount creates its host path, and a device request without `count` or
/// `device_ids` takes every device.
enum ModelDefaults {
    static func apply(_ node: YAMLNode, path: TreePath = TreePath()) -> YAMLNode {
        var result = node
        let location = node.location
        if node.mapping != nil {
            if path.matches("services.*.build"), node["context"] == nil {
                result.set("context", .string(".", at: location))
            }
            if path.matches("services.*.secrets.[]"), node["target"] == nil {
                result.set("target", .string("/run/secrets/\(node["source"]?.scalar?.text ?? "")", at: location))
            }
            if path.matches("services.*.ports.[]") {
                if node["protocol"] == nil { result.set("protocol", .string("tcp", at: location)) }
                if node["mode"] == nil { result.set("mode", .string("ingress", at: location)) }
            }
            if path.matches("services.*.volumes.[].bind"), node["create_host_path"] == nil {
                result.set("create_host_path", .bool(true, at: location))
            }
            if path.matches("services.*.deploy.resources.reservations.devices.[]")
                || path.matches("services.*.gpus.[]"),
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
