/// The `depends_on` graph between plan instances.
public enum DependencyOrder {
    /// Throws when `depends_on` has a cycle, naming one instance on it.
    ///
    /// Depth-first, without recursion: a plan can chain thousands of instances, which overflowed the
    /// stack of a recursive walk before any request was sent.
    public static func checkAcyclic(_ plan: Plan) throws {
        var state: [String: Bool] = [:]  // false: on the current path, true: done
        func dependencies(_ name: String) -> [String] { plan.instances[name]?.dependsOn.sorted() ?? [] }
        for root in plan.instances.keys.sorted() where state[root] == nil {
            state[root] = false
            var path = [root]
            var pending = [dependencies(root)]
            var cursors = [0]
            while let name = path.last, let cursor = cursors.last, let next = pending.last {
                guard cursor < next.count else {
                    state[name] = true
                    path.removeLast()
                    pending.removeLast()
                    cursors.removeLast()
                    continue
                }
                cursors[cursors.count - 1] = cursor + 1
                let dependency = next[cursor]
                if state[dependency] == true { continue }
                if state[dependency] == false {
                    let cycle = (path.drop(while: { $0 != dependency }) + [dependency]).joined(separator: " → ")
                    throw PlanError(
                        "depends_on forms a cycle: \(cycle)",
                        at: JSONPointer.make(["instances", dependency, "depends_on"]))
                }
                state[dependency] = false
                path.append(dependency)
                pending.append(dependencies(dependency))
                cursors.append(0)
            }
        }
    }
}
