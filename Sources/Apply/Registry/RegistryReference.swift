/// A normalized OCI image reference split the way the registry API addresses it.
///
/// `docker.io/library/nginx:latest` → registry `docker.io` (whose API lives at
/// `registry-1.docker.io`), repository `library/nginx`, tag `latest`;
/// `127.0.0.1:5000/app@sha256:…` → a digest instead of a tag.
struct RegistryReference: Equatable {
    /// The registry as written in the reference (`docker.io`, `ghcr.io`, `127.0.0.1:5000`).
    var registry: String
    var repository: String
    /// A tag or a `sha256:` digest: what `/v2/REPOSITORY/manifests/…` takes.
    var tagOrDigest: String

    /// The HTTPS base of the registry API.
    var apiBase: String { "https://" + (registry == "docker.io" ? "registry-1.docker.io" : registry) }

    /// Splits a normalized reference (the plan's `image.reference`); `nil` when it has no registry part.
    init?(_ reference: String) {
        guard let slash = reference.firstIndex(of: "/") else { return nil }
        registry = String(reference[..<slash])
        var rest = String(reference[reference.index(after: slash)...])
        if let at = rest.firstIndex(of: "@") {
            tagOrDigest = String(rest[rest.index(after: at)...])
            rest = String(rest[..<at])
        } else if let colon = rest.lastIndex(of: ":"), !rest[colon...].contains("/") {
            tagOrDigest = String(rest[rest.index(after: colon)...])
            rest = String(rest[..<colon])
        } else {
            tagOrDigest = "latest"
        }
        guard !registry.isEmpty, !rest.isEmpty, !tagOrDigest.isEmpty else { return nil }
        repository = rest
    }
}
