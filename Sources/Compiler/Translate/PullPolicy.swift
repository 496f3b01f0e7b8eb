/// `pull_policy` for OCI images. Incus resolves the tag on the registry whenever it creates an
/// instance and pulls only when its cached copy has another digest: docker's `missing` and `always`
/// at creation. The other policies cannot be honoured and say so.
enum PullPolicy {
    static func warn(_ service: YAMLNode, isOCI: Bool, context: inout TranslationContext) {
        guard isOCI, let node = service["pull_policy"], let policy = node.scalarText else { return }
        let reason: String
        switch policy {
        case "always", "missing", "if_not_present": return
        case "never": reason = "Incus asks the registry for the image whenever it creates an instance"
        case "build": reason = "Incus cannot build images; the image is pulled from its registry"
        default: reason = "Incus pulls when it creates an instance, not on a schedule"
        }
        context.warn("pull-policy", "pull_policy '\(policy)' is not applied: \(reason)", at: node.location)
    }
}
