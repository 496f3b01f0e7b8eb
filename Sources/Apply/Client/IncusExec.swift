import Foundation
import Plan

/// What a command run in an instance returned.
public struct ExecResult: Equatable, Sendable {
    /// The command's exit status; -1 when it did not end within its time.
    public var exitCode: Int
    /// Standard output then standard error, at most 4096 bytes (as docker keeps of a health probe).
    public var output: String
}

extension ServerInstance {
    /// Who an OCI container's process runs as and where (`oci.uid`, `oci.gid`, `oci.cwd`): what a
    /// command run in it uses, as docker exec and docker's health checks do. `nil` where unset.
    var process: (user: UInt32?, group: UInt32?, workingDirectory: String?) {
        (config["oci.uid"].flatMap { UInt32($0) }, config["oci.gid"].flatMap { UInt32($0) }, config["oci.cwd"])
    }
}

extension IncusClient {
    /// Runs `command` in `instance` through the exec API, without a websocket: Incus records the
    /// output in log files, which are read and deleted. This is how health checks run: no socket
    /// is held per probe, and the output kept is bounded. A command still running after `timeout`
    /// seconds counts as failed (-1); Incus cannot cancel it, so it is left to end by itself.
    ///
    /// These requests change nothing a plan describes: they are counted in no write list.
    func execute(
        _ command: [String], in instance: String, project: String, user: UInt32?, group: UInt32?, cwd: String?,
        environment: [String: String] = [:], timeout: TimeInterval?
    ) throws -> ExecResult {
        let resource = "\(instance) (project \(project))"
        let answer = try startExec(
            command, in: instance, project: project, user: user, group: group, cwd: cwd, environment: environment,
            mode: ["record-output": .bool(true), "wait-for-websocket": .bool(false), "interactive": .bool(false)])
        guard let operation = answer["operation"]?.stringValue else {
            throw ApplyError.unexpectedResponse(request: "POST exec", detail: "no operation")
        }
        let deadline = timeout.map { Date().addingTimeInterval($0) } ?? .distantFuture
        guard let ended = try waitForExit(operation, resource: resource, until: deadline) else {
            return ExecResult(exitCode: -1, output: "Health check exceeded timeout (\(Int(timeout ?? 0)) s)")
        }
        let streams = try collectOutput(ended.metadata["output"], project: project, resource: resource)
        let combined = streams.output + streams.error
        var text = String(decoding: combined.prefix(4096), as: UTF8.self)
        if combined.count > 4096 { text += "..." }
        return ExecResult(exitCode: ended.exitCode, output: text)
    }

    /// Sends the exec request; `mode` holds how the streams go (`record-output`, `wait-for-websocket`,
    /// `interactive`, a terminal's `width` and `height`). Returns Incus's answer: the operation
    /// (`operation`) and its metadata.
    func startExec(
        _ command: [String], in instance: String, project: String, user: UInt32?, group: UInt32?, cwd: String?,
        environment: [String: String], mode: [String: JSONValue]
    ) throws -> JSONValue {
        var body = mode
        body["command"] = .array(command.map { .string($0) })
        body["environment"] = .stringMap(environment)
        if let user { body["user"] = .integer(Int64(user)) }
        if let group { body["group"] = .integer(Int64(group)) }
        if let cwd, !cwd.isEmpty { body["cwd"] = .string(cwd) }
        return try exchange(
            "POST", "/1.0/instances/\(instance)/exec", project: project, body: .object(body),
            action: "run a command in", resource: "\(instance) (project \(project))", probe: true,
            waitForOperation: false
        ).metadata
    }

    /// Waits for the exec `operation` to end: its exit status and the operation's metadata, or `nil`
    /// if it still runs at `deadline`.
    func waitForExit(_ operation: String, resource: String, until deadline: Date) throws -> (
        exitCode: Int, metadata: JSONValue
    )? {
        while true {
            let remaining = max(1, Int(min(deadline.timeIntervalSinceNow, 30).rounded(.up)))
            let state: JSONValue
            do {
                state = try request(
                    "GET", operation + "/wait?timeout=\(remaining)", project: nil, body: nil,
                    action: "wait for a command in", resource: resource, timeout: remaining + 30)
            } catch let error as IncusError where error.message.contains("deadline exceeded") {
                // Incus 6.0 answers a wait that timed out with an error, not the running operation.
                if Date() >= deadline { return nil }
                continue
            }
            // A command that is not found or not executable ends the operation as "Failure", with
            // its exit status (127, 126) in the metadata all the same.
            if let code = state["metadata"]?["return"]?.integerValue {
                return (Int(code), state["metadata"] ?? .null)
            }
            if state["status"]?.stringValue != "Running" {
                throw IncusError(
                    action: "run a command in", resource: resource,
                    message: state["err"]?.stringValue ?? "the command did not run", statusCode: 500)
            }
            if Date() >= deadline { return nil }
        }
    }

    /// Reads and deletes the recorded stdout ("1") and stderr ("2") log files of an exec.
    private func collectOutput(_ files: JSONValue?, project: String, resource: String) throws -> (
        output: Data, error: Data
    ) {
        var streams: [Data] = []
        for stream in ["1", "2"] {
            guard let path = files?[stream]?.stringValue else {
                streams.append(Data())
                continue
            }
            let response = try rawRequest(
                "GET", path, project: project, body: nil, headers: [:], action: "read the output of a command in",
                resource: resource, probe: true)
            streams.append(response.body)
            _ = try? rawRequest(
                "DELETE", path, project: project, body: nil, headers: [:], action: "delete the output of a command in",
                resource: resource, probe: true)
        }
        return (streams[0], streams[1])
    }
}
