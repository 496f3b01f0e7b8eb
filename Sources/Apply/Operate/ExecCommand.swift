import Foundation
import Plan

/// What `compose-apply exec` runs.
public struct ExecRequest: Sendable {
    public var service: String
    /// 1-based replica.
    public var index: Int
    public var command: [String]
    public var environment: [String: String]
    public var user: UInt32?
    public var workingDirectory: String?

    public init(
        service: String, index: Int = 1, command: [String], environment: [String: String] = [:], user: UInt32? = nil,
        workingDirectory: String? = nil
    ) {
        self.service = service
        self.index = index
        self.command = command
        self.environment = environment
        self.user = user
        self.workingDirectory = workingDirectory
    }
}

extension ApplyRun {
    /// `compose-apply exec PLAN SERVICE [--index N] -- CMD...`: runs the command in the service's
    /// replica N through the Incus exec websockets, attached to `streams`, and returns its exit
    /// status.
    public static func exec(
        _ invocation: ApplyInvocation, request: ExecRequest, streams: ExecStreams, transport: HTTPTransport? = nil
    ) -> OperateResult {
        operate(invocation, services: [request.service], transport: transport) { context in
            let replicas = context.plan.instances.filter { $0.value.service == request.service }
                .sorted { $0.value.replica < $1.value.replica }
            guard request.index >= 1, request.index <= replicas.count else {
                throw OperateError.noReplica(service: request.service, index: request.index, replicas: replicas.count)
            }
            let name = replicas[request.index - 1].key
            guard let server = try context.client.instance(name, project: context.project) else {
                throw OperateError.notCreated(name)
            }
            // As docker exec: the container's user and working directory unless told otherwise.
            let process = server.process
            let exitCode = try context.client.executeAttached(
                request.command, in: name, project: context.project, user: request.user ?? process.user,
                group: request.user == nil ? process.group : nil,
                cwd: request.workingDirectory ?? process.workingDirectory, environment: request.environment,
                streams: streams)
            return OperateResult(status: .success, exitCode: Int32(truncatingIfNeeded: exitCode))
        }
    }
}
