import ArgumentParser
import BuildInfo
import Compiler
import FoundationEssentials
import Glibc
import Plan

/// `compose-compile`: compose files → a deterministic Incus plan on standard output (or `-o FILE`).
struct ComposeCompileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compose-compile",
        abstract: "Compile Docker Compose files into a reviewable Incus deployment plan (JSON).",
        usage: """
            compose-compile [-f <file> ...] [-p <project-name>] [--profile <profile> ...] [-o <output>]
            compose-compile [-f <file> ...] [-p <project-name>] [--profile <profile> ...] config [--services] [-q] ...
            """,
        discussion: """
            The project options (-f, -p, --project-directory, --env-file, --profile) go before the \
            subcommand, as with docker compose, or after it. -f - reads the compose file from standard input.
            """,
        version: BuildInfo.versionText(of: "compose-compile"),
        subcommands: [CompileCommand.self, ConfigCommand.self],
        defaultSubcommand: CompileCommand.self)

    /// Given before the subcommand, docker compose's way; the subcommand reads them.
    @OptionGroup var project: ProjectOptions
}

/// Options shared by every subcommand that loads a compose project.
struct ProjectOptions: ParsableArguments {
    @Option(name: [.customShort("f"), .customLong("file")], help: "Compose file (repeatable; default: discovered).")
    var files: [String] = []

    @Option(name: [.customShort("p"), .customLong("project-name")], help: "Project name.")
    var projectName: String?

    @Option(name: .customLong("project-directory"), help: "Project directory (default: the first file's directory).")
    var projectDirectory: String?

    @Option(name: .customLong("env-file"), help: "Environment file (repeatable; default: the project's .env).")
    var envFiles: [String] = []

    @Option(name: .customLong("profile"), help: "Profile to enable (repeatable).")
    var profiles: [String] = []

    /// The compile options for this invocation, with the real process environment.
    func compileOptions() -> CompileOptions {
        var options = CompileOptions(workingDirectory: FileManager.default.currentDirectoryPath)
        options.files = files
        options.projectName = projectName
        options.projectDirectory = projectDirectory
        options.environmentFiles = envFiles
        options.profiles = profiles
        options.environment = ProcessInfo.processInfo.environment
        return options
    }
}

/// Reports a compile error the way every error of this tool is reported, and exits 1.
func exitWithCompileError(_ error: Error) -> Never {
    StandardStreams.writeError("\(error)\n")
    exit(1)
}

struct CompileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compile", abstract: "Write the Incus plan (the default subcommand).")

    @OptionGroup var project: ProjectOptions

    @Option(
        name: [.customShort("o"), .customLong("output")],
        help: "Write the plan to this file (mode 0600) instead of standard output.")
    var output: String?

    func run() throws {
        // The two stages of `Compiler.compile`, so the project's model outlives the translation: it
        // is never freed, node by node, in a process that ends once the plan is written.
        var loaded: LoadedProject
        let decoded: ComposeProject
        let result: (plan: Plan, warnings: [CompileWarning])
        do {
            loaded = try ComposeLoader.load(project.compileOptions())
            decoded = try ProjectDecoder.decode(&loaded)
            result = try PlanTranslator.translate(decoded)
        } catch {
            exitWithCompileError(error)
        }
        // One write for all warnings: a large project has one per service or more.
        let warnings = CompileWarning.lines(result.warnings)
        if !warnings.isEmpty { StandardStreams.writeError(warnings) }
        StageTimings.mark("warnings")
        let text = PlanEmitter.emitPieces(result.plan)
        if let output {
            try PlanFileWriter.write(text, to: output)
        } else {
            guard StandardStreams.writeOutput(text) else {
                exitWithCompileError("cannot write the plan to standard output: \(String(cString: strerror(errno)))")
            }
        }
        StageTimings.mark("write")
        // Done: the process ends here rather than freeing the plan and the model object by object.
        withExtendedLifetime((loaded, decoded)) { Glibc.exit(0) }
    }
}

/// Writes a file atomically, by default with mode 0600: plans can hold environment values.
enum PlanFileWriter {
    static func write(_ pieces: [[UInt8]], to path: String, mode: mode_t = 0o600) throws {
        let temporary = path + ".tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard descriptor >= 0 else {
            exitWithCompileError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        // A file left by an earlier run under this name keeps its mode through O_TRUNC.
        let written = fchmod(descriptor, mode) == 0 && StandardStreams.write(pieces, to: descriptor)
        let failure = errno
        guard close(descriptor) == 0 && written else {
            unlink(temporary)
            exitWithCompileError("cannot write \(path): \(String(cString: strerror(written ? errno : failure)))")
        }
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            exitWithCompileError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }
}

extension String: @retroactive Error {}
