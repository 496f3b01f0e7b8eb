import Plan

/// The `source` object of an instance creation request for a plan image.
enum ImageSource {
    static func make(_ image: PlanImage, clientConfig: IncusClientConfig) -> JSONValue {
        if image.kind == "oci" {
            // `registry/path:tag`: the registry is the server, the rest the alias.
            let parts = image.reference.split(separator: "/", maxSplits: 1).map(String.init)
            let registry = parts.count == 2 ? parts[0] : "docker.io"
            let alias = parts.count == 2 ? parts[1] : image.reference
            return .object([
                "type": .string("image"), "alias": .string(alias), "server": .string("https://" + registry),
                "protocol": .string("oci"), "mode": .string("pull"),
            ])
        }
        guard image.remote != "local", let remote = clientConfig.remotes[image.remote] else {
            return .object(["type": .string("image"), "alias": .string(image.reference)])
        }
        return .object([
            "type": .string("image"), "alias": .string(image.reference), "server": .string(remote.address),
            "protocol": .string(remote.serverProtocol), "mode": .string("pull"),
        ])
    }
}
