/// OCI image references normalized the way Docker does: `nginx` → `docker.io/library/nginx:latest`.
enum ImageReference {
    static func normalize(_ reference: String) -> String {
        var name = reference
        var digest = ""
        if let at = name.firstIndex(of: "@") {
            digest = String(name[at...])
            name = String(name[..<at])
        }
        let components = name.split(separator: "/", omittingEmptySubsequences: false)
        let first = components.first.map(String.init) ?? ""
        let hasRegistry =
            components.count > 1 && (first.contains(".") || first.contains(":") || first == "localhost")
        if !hasRegistry {
            name = components.count == 1 ? "docker.io/library/" + name : "docker.io/" + name
        }
        let lastComponent = name.split(separator: "/").last ?? ""
        if !lastComponent.contains(":") && digest.isEmpty { name += ":latest" }
        return name + digest
    }

    /// True when `reference` is a syntactically plausible image reference.
    static func isValid(_ reference: String) -> Bool {
        !reference.isEmpty && !reference.contains(where: { $0.isWhitespace }) && !reference.hasPrefix("/")
            && !reference.hasSuffix(":") && !reference.hasSuffix("/")
    }
}
