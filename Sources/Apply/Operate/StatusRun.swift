import Foundation
import Plan

/// What a day-2 command (`ps`, `logs`, `exec`, `stop`, …) did, or why it could not.
public struct OperateResult: Sendable {
    public var status: ApplyExitStatus
    /// `ps`: the rows, when it got that far.
    public var rows: [InstanceStatus] = []
    /// `exec`: the command's exit status.
    public var exitCode: Int32?
    public var message: String?
}

extension ApplyRun {
    /// `compose-apply ps`: reads the plan, asks the server about `services` (all when empty); sends no
    /// write (health checks run through exec, which changes nothing the plan describes).
    public static func status(
        _ invocation: ApplyInvocation, services: [String], transport: HTTPTransport? = nil
    ) -> OperateResult {
        operate(invocation, services: services, transport: transport) { context in
            OperateResult(status: .success, rows: try StatusReport.rows(context, services: services))
        }
    }

    /// Loads and checks the plan and `services` (exit 1 naming an unknown one), connects, and runs `body`.
    static func operate(
        _ invocation: ApplyInvocation, services: [String], transport: HTTPTransport?,
        _ body: (ApplyContext) throws -> OperateResult
    ) -> OperateResult {
        let plan: Plan
        do {
            plan = try loadPlan(invocation.planPath)
            _ = try ServiceSelection.instances(plan, services: services)
        } catch {
            return OperateResult(status: .invalidPlan, message: "\(error)")
        }
        do {
            let endpoint = try IncusEndpoint.resolve(
                socket: invocation.socket, remote: invocation.remote, environment: invocation.options.environment)
            let client = IncusClient(transport: transport ?? CurlTransport(endpoint: endpoint))
            let reporter = Reporter(dryRun: true, isTerminal: false, write: { _ in })
            let context = try Applier.makeContext(
                plan: plan, client: client, options: invocation.options, reporter: reporter)
            return try body(context)
        } catch {
            return OperateResult(status: status(for: error), message: "\(error)")
        }
    }
}
