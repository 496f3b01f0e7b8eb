import Foundation
import Plan

/// A terminal's size in character cells.
public struct TerminalSize: Equatable, Sendable {
    public var columns: Int
    public var rows: Int

    public init(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
    }
}

/// The standard streams of a command run with `IncusClient.executeAttached`.
public struct ExecStreams {
    /// A terminal of this size for an interactive command (its input and output are one stream,
    /// `output`); `nil` runs it with pipes, as `docker exec -T` does.
    public var terminal: TerminalSize?
    /// Reads the next piece of standard input, blocking; `nil` at its end. The command's input is
    /// closed at once when this is `nil`.
    public var readInput: (() -> Data?)?
    /// Gets standard output (and, with a terminal, everything the terminal shows) as it comes.
    public var output: (Data) -> Void
    /// Gets standard error as it comes; unused with a terminal.
    public var errorOutput: (Data) -> Void
    /// Gets the running command's control once it has started: terminal resizes and signals.
    public var started: (ExecControl) -> Void

    public init(
        terminal: TerminalSize? = nil, readInput: (() -> Data?)? = nil, output: @escaping (Data) -> Void,
        errorOutput: @escaping (Data) -> Void, started: @escaping (ExecControl) -> Void = { _ in }
    ) {
        self.terminal = terminal
        self.readInput = readInput
        self.output = output
        self.errorOutput = errorOutput
        self.started = started
    }
}

/// The control channel of a running exec.
public final class ExecControl: @unchecked Sendable {
    private let socket: IncusWebSocket

    init(socket: IncusWebSocket) {
        self.socket = socket
    }

    /// Tells the command's terminal its new size (after the local terminal was resized).
    public func resize(_ size: TerminalSize) {
        let message: JSONValue = .object([
            "command": .string("window-resize"),
            "args": .stringMap(["width": String(size.columns), "height": String(size.rows)]),
        ])
        try? socket.send(text: JanssonCoding.encode(message, compact: true))
    }

    /// Sends `signal` (a signal number) to the command.
    public func signal(_ signal: Int32) {
        let message: JSONValue = .object(["command": .string("signal"), "signal": .integer(Int64(signal))])
        try? socket.send(text: JanssonCoding.encode(message, compact: true))
    }
}

extension IncusClient {
    /// Runs `command` in `instance` attached to `streams` through the exec websockets: output comes
    /// as the command writes it, standard input goes to it, and with a terminal the session is
    /// interactive. Returns the command's exit status.
    ///
    /// Like `execute`, this changes nothing a plan describes: it is counted in no write list.
    func executeAttached(
        _ command: [String], in instance: String, project: String, user: UInt32?, group: UInt32?, cwd: String?,
        environment: [String: String], streams: ExecStreams
    ) throws -> Int {
        guard let endpoint = transport.webSocketEndpoint else {
            throw ApplyError.unexpectedResponse(request: "exec", detail: "this connection carries no websockets")
        }
        var mode: [String: JSONValue] = [
            "record-output": .bool(false), "wait-for-websocket": .bool(true),
            "interactive": .bool(streams.terminal != nil),
        ]
        if let size = streams.terminal {
            mode["width"] = .integer(Int64(size.columns))
            mode["height"] = .integer(Int64(size.rows))
        }
        let resource = "\(instance) (project \(project))"
        let answer = try startExec(
            command, in: instance, project: project, user: user, group: group, cwd: cwd, environment: environment,
            mode: mode)
        guard let operation = answer["operation"]?.stringValue,
            let secrets = answer["metadata"]?["metadata"]?["fds"]
        else {
            throw ApplyError.unexpectedResponse(request: "POST exec", detail: "no operation or websockets")
        }
        func open(_ stream: String, onData: @escaping (Data) -> Void = { _ in }) throws -> IncusWebSocket {
            guard let secret = secrets[stream]?.stringValue else {
                throw ApplyError.unexpectedResponse(request: "POST exec", detail: "no websocket \(stream)")
            }
            let path = IncusClient.withProject(operation + "/websocket?secret=" + secret, project: project)
            return try IncusWebSocket.connect(endpoint: endpoint, path: path, onData: onData)
        }
        // Incus starts the command once the required sockets are connected: control first, so that
        // nothing the command does can come before its control is in place.
        let control = try open("control")
        defer { control.close() }
        let outputs: [IncusWebSocket]
        let input: IncusWebSocket
        if streams.terminal != nil {
            input = try open("0", onData: streams.output)
            outputs = [input]
        } else {
            input = try open("0")
            outputs = [try open("1", onData: streams.output), try open("2", onData: streams.errorOutput)]
        }
        streams.started(ExecControl(socket: control))
        Self.forward(streams.readInput, to: input)
        outputs.forEach { $0.waitForEnd() }
        // Incus ends the operation once the data sockets are closed (it waits for the input to end);
        // the control socket stays open until then, as closing it would kill the command.
        ([input] + outputs).forEach { $0.close() }
        guard let ended = try waitForExit(operation, resource: resource, until: .distantFuture) else { return -1 }
        return ended.exitCode
    }

    /// Copies standard input to the command on a thread of its own (a read may block until the
    /// user types); its end reaches the command as the end of its input.
    private static func forward(_ readInput: (() -> Data?)?, to socket: IncusWebSocket) {
        guard let readInput else {
            try? socket.sendEndOfStream()
            return
        }
        let thread = Thread {
            while let chunk = readInput() {
                guard (try? socket.send(chunk)) != nil else { return }
            }
            try? socket.sendEndOfStream()
        }
        thread.start()
    }
}
