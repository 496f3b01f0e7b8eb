/// Service `depends_on` edges, checked for unknown services and cycles.
enum DependencyGraph {
    /// The services each service depends on (sorted), after checking that every reference exists
    /// (except `required: false` ones, which docker compose skips) and that there is no cycle.
    static func resolve(_ services: [YAMLPair]) throws -> [String: [String]] {
        let names = Set(services.map(\.key))
        var edges: [String: [String]] = [:]
        var locations: [String: SourceLocation] = [:]
        for service in services {
            var dependencies: [String] = []
            for pair in service.value["depends_on"]?.mapping ?? [] {
                let path = "services.\(service.key).depends_on.\(pair.key)"
                let required = try pair.value["required"].map { try $0.expectBool(path + ".required") } ?? true
                guard names.contains(pair.key) else {
                    if !required { continue }
                    throw CompileError(
                        "service '\(service.key)' depends on '\(pair.key)', which is not a service of this project",
                        at: pair.keyLocation, path: path)
                }
                dependencies.append(pair.key)
                locations["\(service.key)->\(pair.key)"] = pair.keyLocation
            }
            edges[service.key] = dependencies.sorted()
        }
        // Depth-first search with colours; the first back edge found (in sorted order) is reported.
        var state: [String: Int] = [:]
        var stack: [String] = []
        func visit(_ name: String) throws {
            state[name] = 1
            stack.append(name)
            for next in edges[name] ?? [] {
                if state[next] == 1 {
                    let cycleStart = stack.firstIndex(of: next) ?? 0
                    let cycle = (stack[cycleStart...] + [next]).joined(separator: " → ")
                    throw CompileError(
                        "depends_on forms a cycle: \(cycle)", at: locations["\(name)->\(next)"],
                        path: "services.\(name).depends_on.\(next)")
                }
                if state[next] == nil { try visit(next) }
            }
            stack.removeLast()
            state[name] = 2
        }
        for name in names.sorted() where state[name] == nil { try visit(name) }
        return edges
    }
}
