import Plan

/// `pull_policy` for OCI images. Incus resolves the tag on the registry whenever it creates an
/// instance and pulls only when its cached copy has another digest: docker's `missing` at creation.
/// `always` also reaches existing instances: the plan marks the image, and apply rebuilds an instance
/// whose image is no longer what the tag names. The other policies cannot be honoured and say so.
enum PullPolicy {
    static func apply(_ service: ComposeService, to image: inout PlanImage, context: inout TranslationContext) {
        guard image.kind == "oci", let pullPolicy = service.pullPolicy else { return }
        let policy = pullPolicy.value
        let reason: String
        switch policy {
        case "always":
            image.pullAlways = true
            return
        case "missing", "if_not_present": return
        case "never": reason = "Incus asks the registry for the image whenever it creates an instance"
        case "build": reason = "Incus cannot build images; the image is pulled from its registry"
        default: reason = "Incus pulls when it creates an instance, not on a schedule"
        }
        context.warn("pull-policy", "pull_policy '\(policy)' is not applied: \(reason)", at: pullPolicy.location)
    }
}
