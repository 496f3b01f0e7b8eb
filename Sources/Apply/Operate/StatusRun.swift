import Foundation
import Plan

/// What `compose-apply ps` printed, or why it could not.
public struct StatusResult: Sendable {
    public var status: ApplyExitStatus
    /// The rows, when it got that far.
    public var rows: [InstanceStatus]
    public var message: String?
}

extension ApplyRun {
    /// `compose-apply ps`: reads the plan, asks the server about `services` (all when empty); sends no
    /// write (health checks run through exec, which changes nothing the plan describes).
    public static func status(
        _ invocation: ApplyInvocation, services: [String], transport: HTTPTransport? = nil
    ) -> StatusResult {
        let plan: Plan
        do {
            plan = try loadPlan(invocation.planPath)
            _ = try ServiceSelection.instances(plan, services: services)
        } catch {
            return StatusResult(status: .invalidPlan, rows: [], message: "\(error)")
        }
        do {
            let endpoint = try IncusEndpoint.resolve(
                socket: invocation.socket, remote: invocation.remote, environment: invocation.options.environment)
            let client = IncusClient(transport: transport ?? CurlTransport(endpoint: endpoint))
            let reporter = Reporter(dryRun: true, isTerminal: false, write: { _ in })
            let context = try Applier.makeContext(
                plan: plan, client: client, options: invocation.options, reporter: reporter)
            return StatusResult(
                status: .success, rows: try StatusReport.rows(context, services: services), message: nil)
        } catch {
            return StatusResult(status: status(for: error), rows: [], message: "\(error)")
        }
    }
}
