import Plan

/// The `depends_on` graph between plan instances.
enum DependencyOrder {
    /// Throws when `depends_on` has a cycle, naming one instance on it.
    static func checkAcyclic(_ plan: Plan) throws {
        var state: [String: Bool] = [:]  // false: on the current path, true: done
        func visit(_ name: String, path: [String]) throws {
            if state[name] == true { return }
            if state[name] == false {
                let cycle = (path.drop(while: { $0 != name }) + [name]).joined(separator: " → ")
                throw PlanError(
                    "depends_on forms a cycle: \(cycle)", at: JSONPointer.make(["instances", name, "depends_on"]))
            }
            state[name] = false
            for dependency in plan.instances[name]?.dependsOn.sorted() ?? [] {
                try visit(dependency, path: path + [name])
            }
            state[name] = true
        }
        for name in plan.instances.keys.sorted() { try visit(name, path: []) }
    }
}
