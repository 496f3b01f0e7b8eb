import Foundation
import Plan

extension ApplyRun {
    /// `compose-apply stop|start|restart PLAN [SERVICE...]`: the instances of `services` (all when
    /// empty) in dependency order, stop in reverse; `write` gets one line per instance. A stop that
    /// takes longer than `timeout` seconds (`nil`: each instance's `stop_grace_period`, else Incus's
    /// 30) is finished with a kill, as docker compose does.
    public static func lifecycle(
        _ action: String, _ invocation: ApplyInvocation, services: [String], timeout: Int?,
        write: @escaping (String) -> Void, transport: HTTPTransport? = nil
    ) -> OperateResult {
        operate(invocation, services: services, transport: transport) { context in
            let names = try ServiceSelection.instances(context.plan, services: services)
            let ordered = DependencyOrder.sorted(names, plan: context.plan)
            for name in action == "stop" ? ordered.reversed() : ordered {
                guard let server = try context.client.instance(name, project: context.project) else {
                    throw OperateError.notCreated(name)
                }
                let wanted = action == "stop" ? "Stopped" : "Running"
                if action != "restart" && server.status == wanted {
                    write("\(name): already \(wanted.lowercased())")
                    continue
                }
                let verb = action == "restart" && server.status != "Running" ? "start" : action
                let seconds =
                    timeout ?? context.plan.instances[name]?.stopTimeoutSeconds
                    ?? PlanInstance.defaultStopTimeoutSeconds
                if verb == "stop" || verb == "restart" {
                    try context.client.stop(name, project: context.project, timeout: seconds)
                }
                if verb == "start" || verb == "restart" {
                    try context.client.changeState(name, project: context.project, action: "start")
                }
                write("\(name): \(verb == "stop" ? "stopped" : verb == "start" ? "started" : "restarted")")
            }
            return OperateResult(status: .success)
        }
    }
}

extension DependencyOrder {
    /// `names` with every instance after the instances it depends on (among `names`), ties sorted.
    static func sorted(_ names: [String], plan: Plan) -> [String] {
        let wanted = Set(names)
        var done: Set<String> = []
        var order: [String] = []
        func visit(_ name: String, depth: Int) {
            guard wanted.contains(name), !done.contains(name), depth <= names.count else { return }
            done.insert(name)
            for dependency in plan.instances[name]?.dependsOn.sorted() ?? [] { visit(dependency, depth: depth + 1) }
            order.append(name)
        }
        for name in names.sorted() { visit(name, depth: 0) }
        return order
    }
}
