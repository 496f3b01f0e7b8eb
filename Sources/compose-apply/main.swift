import Apply
import ArgumentParser
import BuildInfo
import Foundation

/// `compose-apply`: converges an Incus server to a plan written by `compose-compile`, and shows what
/// it made by compose service name.
struct ComposeApply: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compose-apply",
        abstract: "Converge an Incus server to a deployment plan written by compose-compile.",
        discussion: "Exit statuses: 0 converged, 1 invalid plan (nothing sent), 2 refused before any change, "
            + "3 failed part way, 4 server unreachable, 130 interrupted. See docs/apply.md.",
        version: BuildInfo.versionText(of: "compose-apply"),
        subcommands: [Converge.self, Status.self], defaultSubcommand: Converge.self)
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
        var options = ApplyOptions()
        options.environment = ProcessInfo.processInfo.environment
        let result = ApplyRun.status(
            ApplyInvocation(planPath: plan, socket: server.socket, remote: server.remote, options: options),
            services: services)
        if let message = result.message {
            FileHandle.standardError.write(Data("compose-apply ps: error: \(message)\n".utf8))
            throw ExitCode(result.status.rawValue)
        }
        print(format == "json" ? StatusReport.json(result.rows) : StatusReport.table(result.rows), terminator: "")
    }
}

/// `compose-apply PLAN`: converge the server to the plan.
struct Converge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply", abstract: "Converge the server to the plan (the default command).")

    @Argument(help: "The plan JSON file, or - for standard input.")
    var plan: String

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

    @Flag(help: "Remove the project's instances, networks and project.")
    var destroy = false

    @Flag(help: "With --destroy: remove the project's storage volumes too.")
    var volumes = false

    @Flag(help: "Return once every instance with a healthcheck is healthy and every other one runs (exit 3 if not).")
    var wait = false

    @Option(help: "With --wait: seconds to wait at most.")
    var waitTimeout: Int?

    func validate() throws {
        guard parallel >= 1 else { throw ValidationError("--parallel must be at least 1") }
        guard addressTimeout >= 1 else { throw ValidationError("--address-timeout must be at least 1") }
        guard lockTimeout >= 0 else { throw ValidationError("--lock-timeout must be 0 or more") }
        guard !(destroy && recreate) else { throw ValidationError("--destroy and --recreate exclude each other") }
        guard !volumes || destroy else { throw ValidationError("--volumes only goes with --destroy") }
        guard waitTimeout == nil || wait else { throw ValidationError("--wait-timeout only goes with --wait") }
        guard (waitTimeout ?? 1) >= 1 else { throw ValidationError("--wait-timeout must be at least 1") }
    }

    func run() throws {
        var options = ApplyOptions()
        options.parallel = parallel
        options.addressTimeout = addressTimeout
        options.dryRun = dryRun
        options.lockTimeout = lockTimeout
        options.checkSource = checkSource
        options.recreate = recreate
        options.destroy = destroy
        options.destroyVolumes = volumes
        options.wait = wait
        options.waitTimeout = waitTimeout
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
