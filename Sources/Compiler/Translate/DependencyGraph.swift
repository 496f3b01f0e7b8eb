/// Service `depends_on` edges, checked for unknown services and cycles.
enum DependencyGraph {
    /// The services each service depends on (sorted), after checking that every reference exists
    /// (except `required: false` ones, which docker compose skips) and that there is no cycle.
    static func resolve(_ services: [ComposeService]) throws -> [String: [String]] {
        let names = Set(services.map(\.name))
        var edges: [String: [String]] = [:]
        for service in services {
            var dependencies: [String] = []
            for dependency in service.dependsOn {
                guard names.contains(dependency.service) else {
                    if !dependency.required { continue }
                    throw CompileError(
                        "service '\(service.name)' depends on '\(dependency.service)', which is not a service of this project",
                        at: dependency.keyLocation, path: "\(service.path).depends_on.\(dependency.service)")
                }
                dependencies.append(dependency.service)
            }
            edges[service.name] = dependencies.sorted()
        }
        // Depth-first search with colours; the first back edge found (in sorted order) is reported.
        // Iterative: a chain of thousands of services would overflow the stack of a recursive one.
        var state: [String: Int] = [:]
        var path: [String] = []
        var cursors: [Int] = []
        for root in names.sorted() where state[root] == nil {
            state[root] = 1
            path = [root]
            cursors = [0]
            while let name = path.last, let cursor = cursors.last {
                let dependencies = edges[name] ?? []
                guard cursor < dependencies.count else {
                    state[name] = 2
                    path.removeLast()
                    cursors.removeLast()
                    continue
                }
                cursors[cursors.count - 1] = cursor + 1
                let next = dependencies[cursor]
                if state[next] == 1 {
                    let cycleStart = path.firstIndex(of: next) ?? 0
                    let cycle = (path[cycleStart...] + [next]).joined(separator: " → ")
                    // Positions are looked up only for the error, not recorded for every edge: the
                    // service whose edges these are is the last of its name, as in `edges`.
                    let service = services.last { $0.name == name }
                    let edge = service?.dependsOn.first { $0.service == next }
                    throw CompileError(
                        "depends_on forms a cycle: \(cycle)", at: edge?.keyLocation,
                        path: "services.\(name).depends_on.\(next)")
                }
                if state[next] == nil {
                    state[next] = 1
                    path.append(next)
                    cursors.append(0)
                }
            }
        }
        return edges
    }
}
