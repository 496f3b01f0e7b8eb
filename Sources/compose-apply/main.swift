import Apply
import ArgumentParser
import BuildInfo
import Foundation
import Plan

/// `compose-apply`: converges an Incus server to a plan written by `compose-compile`, and shows what
/// it made by compose service name.
struct ComposeApply: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compose-apply",
        abstract: "Converge an Incus server to a deployment plan written by compose-compile.",
        discussion: "Exit statuses: 0 converged, 1 invalid plan (nothing sent), 2 refused before any change, "
            + "3 failed part way, 4 server unreachable, 130 interrupted. See docs/apply.md.",
        version: BuildInfo.versionText(of: "compose-apply"),
        subcommands: [
            Converge.self, Status.self, Logs.self, Exec.self, Lifecycle<StopAction>.self,
            Lifecycle<StartAction>.self, Lifecycle<RestartAction>.self,
        ], defaultSubcommand: Converge.self)
}

/// Where the server is: the options every subcommand takes.
struct ServerOptions: ParsableArguments {
    @Option(help: "Incus unix socket (default: $INCUS_SOCKET, $INCUS_DIR/unix.socket, /var/lib/incus/unix.socket).")
    var socket: String?

    @Option(help: "Remote from the incus client config ($INCUS_CONF or ~/.config/incus), used over HTTPS.")
    var remote: String?

    func validate() throws {
        guard !(socket != nil && remote != nil) else { throw ValidationError("use --socket or --remote, not both") }
    }
}

/// `compose-apply ps PLAN [SERVICE...]`.
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ps",
        abstract: "List the plan's instances by service: state, health, addresses and published ports.",
        discussion: "Health comes from a check run now. Sends no write. Exit 1 for an unknown service.")

    @Argument(help: "The plan JSON file, or - for standard input.")
    var plan: String

    @Argument(help: "Compose services to list (default: all).")
    var services: [String] = []

    @Option(help: "table or json.")
    var format = "table"

    @OptionGroup var server: ServerOptions

    func validate() throws {
        guard ["table", "json"].contains(format) else { throw ValidationError("--format takes table or json") }
    }

    func run() throws {
        let result = ApplyRun.status(server.invocation(plan), services: services)
        try result.finish("ps")
        print(format == "json" ? StatusReport.json(result.rows) : StatusReport.table(result.rows), terminator: "")
    }
}

extension ServerOptions {
    /// The invocation of a day-2 command on `plan`, with the process environment.
    func invocation(_ plan: String) -> ApplyInvocation {
        var options = ApplyOptions()
        options.environment = ProcessInfo.processInfo.environment
        return ApplyInvocation(planPath: plan, socket: socket, remote: remote, options: options)
    }
}

extension OperateResult {
    /// Prints the error of `command` and exits with its status, if it failed.
    func finish(_ command: String) throws {
        guard let message else { return }
        FileHandle.standardError.write(Data("compose-apply \(command): error: \(message)\n".utf8))
        throw ExitCode(status.rawValue)
    }
}

/// `compose-apply logs PLAN [SERVICE...]`.
struct Logs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the console logs of the plan's instances, each line prefixed with its instance.")

    @Argument(help: "The plan JSON file, or - for standard input.")
    var plan: String

    @Argument(help: "Compose services (default: all).")
    var services: [String] = []

    @Flag(name: [.customShort("f"), .customLong("follow")], help: "Keep printing new lines until interrupted.")
    var follow = false

    @Option(help: "Only the last N lines of each log.")
    var tail: Int?

    @OptionGroup var server: ServerOptions

    func run() throws {
        Interruption.install()
        let result = ApplyRun.logs(
            server.invocation(plan), services: services, tail: tail, follow: follow,
            write: { FileHandle.standardOutput.write(Data($0.utf8)) }, keepGoing: { !Interruption.isRequested })
        try result.finish("logs")
    }
}

/// `compose-apply exec PLAN SERVICE -- CMD...`.
struct Exec: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a command in a service's instance; its exit status becomes compose-apply's.",
        discussion: """
            As docker compose exec: when standard input and output are a terminal, the command gets a \
            terminal of the same size (interactive; -T runs it with pipes instead). Standard input, \
            output and error pass through as they come; signals (Ctrl-C without a terminal) reach the \
            command.
            """)

    @Argument(help: "The plan JSON file, or - for standard input.")
    var plan: String

    @Argument(help: "The compose service.")
    var service: String

    @Option(help: "The replica (1-based).")
    var index = 1

    @Option(name: [.customShort("e"), .customLong("env")], help: "KEY=VALUE for the command's environment.")
    var environment: [String] = []

    @Option(name: [.customShort("u"), .customLong("user")], help: "Numeric user id to run as.")
    var user: UInt32?

    @Option(name: [.customShort("w"), .customLong("workdir")], help: "Working directory of the command.")
    var workdir: String?

    @Flag(name: .customShort("T"), help: "Do not allocate a terminal, even when one is attached.")
    var noTerminal = false

    @Argument(parsing: .postTerminator, help: "The command, after --.")
    var command: [String] = []

    @OptionGroup var server: ServerOptions

    func validate() throws {
        guard !command.isEmpty else { throw ValidationError("give the command after --") }
        for pair in environment where !pair.contains("=") {
            throw ValidationError("-e takes KEY=VALUE, not \(pair)")
        }
    }

    func run() throws {
        var variables: [String: String] = [:]
        for pair in environment {
            let parts = pair.split(separator: "=", maxSplits: 1)
            variables[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        let interactive = !noTerminal && Terminal.isInteractive
        // As the incus client does: the remote terminal is of the local kind.
        if interactive, variables["TERM"] == nil {
            variables["TERM"] = ProcessInfo.processInfo.environment["TERM"] ?? "xterm"
        }
        var signalSources: [DispatchSourceSignal] = []
        let streams = ExecStreams(
            terminal: interactive ? Terminal.size : nil, readInput: Terminal.readInput,
            output: { FileHandle.standardOutput.write($0) }, errorOutput: { FileHandle.standardError.write($0) },
            started: { control in
                if interactive {
                    signalSources = Terminal.observe([SIGWINCH]) { _ in control.resize(Terminal.size) }
                } else {
                    signalSources = Terminal.observe([SIGINT, SIGTERM, SIGHUP, SIGQUIT]) { control.signal($0) }
                }
            })
        let request = ExecRequest(
            service: service, index: index, command: command, environment: variables, user: user,
            workingDirectory: workdir)
        let result =
            interactive
            ? Terminal.withRawInput { ApplyRun.exec(server.invocation(plan), request: request, streams: streams) }
            : ApplyRun.exec(server.invocation(plan), request: request, streams: streams)
        signalSources.forEach { $0.cancel() }
        try result.finish("exec")
        if let code = result.exitCode, code != 0 { throw ExitCode(code) }
    }
}

extension PullOverride: ExpressibleByArgument {}

/// Which instance action a `Lifecycle` command sends.
protocol LifecycleAction {
    static var name: String { get }
    static var abstract: String { get }
}
enum StopAction: LifecycleAction {
    static let name = "stop"
    static let abstract = "Stop the instances of the services (all by default), dependents first."
}
enum StartAction: LifecycleAction {
    static let name = "start"
    static let abstract = "Start the instances of the services (all by default), dependencies first."
}
enum RestartAction: LifecycleAction {
    static let name = "restart"
    static let abstract = "Restart the instances of the services (all by default), dependencies first."
}

/// `compose-apply stop|start|restart PLAN [SERVICE...]`.
struct Lifecycle<Action: LifecycleAction>: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: Action.name, abstract: Action.abstract)
    }

    @Argument(help: "The plan JSON file, or - for standard input.")
    var plan: String

    @Argument(help: "Compose services (default: all).")
    var services: [String] = []

    @Option(
        help: ArgumentHelp(
            "Seconds a clean stop may take before the instance is killed.",
            discussion: "Default: the service's stop_grace_period, else 30 (Incus's boot.host_shutdown_timeout)."))
    var timeout: Int?

    @OptionGroup var server: ServerOptions

    func validate() throws {
        guard (timeout ?? 0) >= 0 else { throw ValidationError("--timeout must be 0 or more") }
    }

    func run() throws {
        let result = ApplyRun.lifecycle(
            Action.name, server.invocation(plan), services: services, timeout: timeout, write: { print($0) })
        try result.finish(Action.name)
    }
}

/// `compose-apply PLAN`: converge the server to the plan.
struct Converge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply", abstract: "Converge the server to the plan (the default command).")

    @Argument(help: "The plan JSON file, or - for standard input.")
    var plan: String

    @Argument(help: "Converge only these compose services and what they depend on (default: all).")
    var services: [String] = []

    @OptionGroup var server: ServerOptions

    @Option(help: "Instances converged at the same time.")
    var parallel = 4

    @Option(help: "Seconds to wait for a container's DHCP address.")
    var addressTimeout = 60

    @Option(help: "Seconds to wait while another apply of the same project holds its lock (0: do not wait).")
    var lockTimeout = 60

    @Flag(help: "Refuse the plan when a compose file it was compiled from changed or is missing.")
    var checkSource = false

    @Flag(help: "Print what would change; send no write request.")
    var dryRun = false

    @Flag(help: "Delete and recreate every instance (storage volumes are kept).")
    var recreate = false

    @Option(
        help: ArgumentHelp(
            "always: rebuild OCI instances whose tag now names another image; missing: keep their images.",
            discussion: "Without it, each service's pull_policy decides (always, or docker's default missing).",
            valueName: "always|missing"))
    var pull: PullOverride?

    @Flag(help: "Remove the project's instances, networks and project.")
    var destroy = false

    @Flag(help: "With --destroy: remove the project's storage volumes too.")
    var volumes = false

    @Flag(help: "Return once every instance with a healthcheck is healthy and every other one runs (exit 3 if not).")
    var wait = false

    @Option(help: "With --wait: seconds to wait at most.")
    var waitTimeout: Int?

    @Option(
        help: ArgumentHelp(
            "On an Incus cluster: the member (or @group) to run the project on, instead of the plan's x-incus.target.",
            discussion: "The member is recorded on the project; moving a project stops, moves and starts its"
                + " instances and moves its volumes with their data.",
            valueName: "member|@group"))
    var target: String?

    func validate() throws {
        guard parallel >= 1 else { throw ValidationError("--parallel must be at least 1") }
        guard addressTimeout >= 1 else { throw ValidationError("--address-timeout must be at least 1") }
        guard lockTimeout >= 0 else { throw ValidationError("--lock-timeout must be 0 or more") }
        guard !(destroy && recreate) else { throw ValidationError("--destroy and --recreate exclude each other") }
        guard !volumes || destroy else { throw ValidationError("--volumes only goes with --destroy") }
        guard waitTimeout == nil || wait else { throw ValidationError("--wait-timeout only goes with --wait") }
        guard (waitTimeout ?? 1) >= 1 else { throw ValidationError("--wait-timeout must be at least 1") }
        guard target == nil || !destroy else { throw ValidationError("--target does not go with --destroy") }
        guard target.map(PlacementRules.isValidTarget) ?? true else {
            throw ValidationError("--target takes a cluster member name or @ and a cluster group name")
        }
    }

    func run() throws {
        var options = ApplyOptions()
        options.parallel = parallel
        options.addressTimeout = addressTimeout
        options.dryRun = dryRun
        options.lockTimeout = lockTimeout
        options.checkSource = checkSource
        options.recreate = recreate
        options.pull = pull
        options.destroy = destroy
        options.destroyVolumes = volumes
        options.wait = wait
        options.waitTimeout = waitTimeout
        options.services = services
        options.target = target
        options.environment = ProcessInfo.processInfo.environment
        let invocation = ApplyInvocation(
            planPath: plan, socket: server.socket, remote: server.remote, options: options)
        Interruption.install()
        let result = ApplyRun.execute(invocation, reporter: Reporter(dryRun: dryRun))
        if let message = result.message {
            FileHandle.standardError.write(Data("compose-apply: error: \(message)\n".utf8))
        }
        if result.status != .success { throw ExitCode(result.status.rawValue) }
    }
}

ComposeApply.main()
