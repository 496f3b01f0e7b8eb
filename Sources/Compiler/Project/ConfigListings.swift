import Plan

/// What `compose-compile config`'s listing switches print: the same names as `docker compose
/// config --services`, `--volumes`, … Where docker's order is that of a Go map (random from run to
/// run), the order here is sorted, so that output is deterministic.
public enum ConfigListings {
    /// Active services, every dependency before its dependents (docker's order), ties sorted.
    public static func services(_ model: ComposeModel) -> [String] {
        let services = model.configJSON["services"]?.objectValue ?? [:]
        var done: Set<String> = []
        var order: [String] = []
        func visit(_ name: String, depth: Int) {
            guard !done.contains(name), services[name] != nil, depth <= services.count else { return }
            done.insert(name)
            for dependency in (services[name]?["depends_on"]?.objectValue?.keys.sorted() ?? []) {
                visit(dependency, depth: depth + 1)
            }
            order.append(name)
        }
        for name in services.keys.sorted() { visit(name, depth: 0) }
        return order
    }

    /// The top-level `volumes` or `networks` keys of the normalized model, sorted.
    public static func keys(of section: String, in model: ComposeModel) -> [String] {
        model.configJSON[section]?.objectValue?.keys.sorted() ?? []
    }

    /// Each active service's image, `<project>-<service>` for a build-only one, by service name.
    public static func images(_ model: ComposeModel) -> [String] {
        let services = model.configJSON["services"]?.objectValue ?? [:]
        return services.keys.sorted().map { name in
            services[name]?["image"]?.stringValue ?? "\(model.name)-\(name)"
        }
    }

    /// The profiles of the services of `model` (loaded with every profile enabled, `--profile "*"`, for
    /// all of them), sorted and unique.
    public static func profiles(_ model: ComposeModel) -> [String] {
        let services = model.configJSON["services"]?.objectValue ?? [:]
        let profiles = services.values.flatMap { ($0["profiles"]?.arrayValue ?? []).compactMap(\.stringValue) }
        return Set(profiles).sorted()
    }

    /// The interpolation environment as sorted `KEY=VALUE` lines, with the `PWD` compose adds.
    public static func environment(_ model: ComposeModel, workingDirectory: String) -> [String] {
        var variables = model.environment
        if variables["PWD"] == nil { variables["PWD"] = workingDirectory }
        return variables.map { "\($0.key)=\($0.value)" }.sorted()
    }

    /// `NAME DIGEST` of each active service matching one of `patterns` (comma-separated shell
    /// globs, `*` for all), sorted. The digest is the sha256 of the service's normalized model
    /// without what does not change a container (build, pull_policy, scale, replicas, depends_on,
    /// profiles), as docker's; its digits are this tool's own, not docker's.
    public static func hashes(_ model: ComposeModel, patterns: String) throws -> [String] {
        let services = model.configJSON["services"]?.objectValue ?? [:]
        var chosen: Set<String> = []
        for pattern in patterns.split(separator: ",").map(String.init) {
            let matches = services.keys.filter { GlobPattern.matches($0, pattern) }
            guard !matches.isEmpty else { throw CompileError("no such service: \(pattern)", at: nil) }
            chosen.formUnion(matches)
        }
        return chosen.sorted().map { name in
            guard case .object(var service) = services[name] ?? .null else { return name }
            for key in ["build", "pull_policy", "scale", "depends_on", "profiles"] { service[key] = nil }
            if case .object(var deploy) = service["deploy"] ?? .null {
                deploy["replicas"] = nil
                service["deploy"] = .object(deploy)
            }
            let text = JanssonCoding.encode(.object(service), compact: true)
            return "\(name) \(SHA256.hexDigest(Array(text.utf8)))"
        }
    }
}

/// Shell globs as `filepath.Match` reads them: `*`, `?` and `[…]` classes.
enum GlobPattern {
    static func matches(_ text: String, _ pattern: String) -> Bool {
        matches(Array(text), 0, Array(pattern), 0)
    }

    private static func matches(_ text: [Character], _ t: Int, _ pattern: [Character], _ p: Int) -> Bool {
        if p == pattern.count { return t == text.count }
        switch pattern[p] {
        case "*":
            for start in t...text.count where matches(text, start, pattern, p + 1) { return true }
            return false
        case "?":
            return t < text.count && matches(text, t + 1, pattern, p + 1)
        case "[":
            guard t < text.count, let close = pattern[(p + 1)...].firstIndex(of: "]") else { return false }
            var members = Array(pattern[(p + 1)..<close])
            let negated = members.first == "^" || members.first == "!"
            if negated { members.removeFirst() }
            var found = false
            var index = 0
            while index < members.count {
                if index + 2 < members.count, members[index + 1] == "-" {
                    if members[index] <= text[t] && text[t] <= members[index + 2] { found = true }
                    index += 3
                } else {
                    if members[index] == text[t] { found = true }
                    index += 1
                }
            }
            return found != negated && matches(text, t + 1, pattern, close + 1)
        default:
            return t < text.count && text[t] == pattern[p] && matches(text, t + 1, pattern, p + 1)
        }
    }
}
